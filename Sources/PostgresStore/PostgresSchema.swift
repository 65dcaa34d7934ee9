import Foundation

/// The PostgreSQL schema: named, append-only migrations, recorded in `rag_migrations` as they
/// are applied (each in its own transaction, under an advisory lock so two processes opening a new
/// database do not both run them). Never edit a migration that has shipped: append one.
enum PostgresSchema {
    static let formatMarker = "rag-index"
    static let currentVersion = 1
    /// Held by every write transaction and by migrations: writers to one database take turns.
    static let writeLockKey: Int64 = 0x7261_675f_7772_6974  // "rag_writ"
    /// Held (session-level) by a bulk load while the vector index is set aside.
    static let bulkLoadLockKey: Int64 = writeLockKey + 1

    static let migrations: [(name: String, statements: [String])] = [
        ("v1: meta, sources, documents, chunks with tsvector and vector, links", [
            "CREATE EXTENSION IF NOT EXISTS vector",
            "CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL)",
            """
            CREATE TABLE sources (
                id           bigserial PRIMARY KEY,
                path         text NOT NULL UNIQUE,
                content_hash text NOT NULL,
                mtime        double precision NOT NULL,
                size         bigint NOT NULL,
                type         text NOT NULL,
                indexed_at   double precision NOT NULL
            )
            """,
            """
            CREATE TABLE documents (
                id        bigserial PRIMARY KEY,
                source_id bigint NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
                name      text NOT NULL,
                title     text NOT NULL,
                type      text NOT NULL
            )
            """,
            "CREATE INDEX documents_source_id ON documents(source_id)",
            // `title` is the document's (documents are replaced whole, never retitled): one table
            // to search. `body` is what BM25 (pg_textsearch) indexes; `search` what ts_rank_cd ranks,
            // with FTS5's column weights in spirit (title A, heading B, text C).
            """
            CREATE TABLE chunks (
                id          bigserial PRIMARY KEY,
                document_id bigint NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                ordinal     bigint NOT NULL,
                title       text NOT NULL,
                heading     text NOT NULL,
                text        text NOT NULL,
                start       bigint NOT NULL,
                "end"       bigint NOT NULL,
                text_key    bigint NOT NULL,
                embedding   vector,
                body        text NOT NULL,
                words       tsvector NOT NULL,
                search      tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('english', title), 'A') ||
                    setweight(to_tsvector('english', heading), 'B') ||
                    setweight(to_tsvector('english', text), 'C')) STORED
            )
            """,
            "CREATE INDEX chunks_document_id ON chunks(document_id)",
            "CREATE INDEX chunks_text_key ON chunks(text_key)",
            "CREATE INDEX chunks_search ON chunks USING gin(search)",
            // `words`: the text's words as the title matcher normalises them (lower-cased, diacritics
            // folded), unstemmed and with no stopwords ('simple'), to find the chunks a title's words
            // occur in, in order, when that title's documents change (see PostgresLinks).
            "CREATE INDEX chunks_words ON chunks USING gin(words)",
            """
            CREATE TABLE links (
                chunk_id    bigint NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
                document_id bigint NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                PRIMARY KEY (chunk_id, document_id)
            )
            """,
            "CREATE INDEX links_document_id ON links(document_id)",
            """
            INSERT INTO meta(key, value) VALUES ('format', 'rag-index'), ('schema_version', '1'),
                ('generation', '0'), ('created_at', extract(epoch FROM now())::text)
            """,
        ]),
        // Append new migrations here; each must end by updating meta.schema_version.
    ]
}
