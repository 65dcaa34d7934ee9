import Foundation
import GRDB

/// The index schema: named, append-only migrations and the `meta` keys.
///
/// Never edit a migration that has shipped: append a new one and bump ``currentVersion``.
enum Schema {
    /// The schema version this build writes and understands.
    static let currentVersion = 3
    /// Marker stored under `meta.format` so we can tell our databases from other SQLite files.
    static let formatMarker = "rag-index"

    enum MetaKey {
        static let format = "format"
        static let schemaVersion = "schema_version"
        static let embeddingModel = "embedding_model"
        static let embeddingDimension = "embedding_dimension"
        static let embeddingPrecision = "embedding_precision"
        static let createdAt = "created_at"
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: sources, documents, chunks, fts5, meta") { db in
            try db.execute(sql: """
                CREATE TABLE meta (
                    key   TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL
                );
                CREATE TABLE sources (
                    id           INTEGER PRIMARY KEY,
                    path         TEXT NOT NULL UNIQUE,
                    content_hash TEXT NOT NULL,
                    mtime        REAL NOT NULL,
                    size         INTEGER NOT NULL,
                    type         TEXT NOT NULL,
                    indexed_at   REAL NOT NULL
                );
                CREATE TABLE documents (
                    id        INTEGER PRIMARY KEY,
                    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
                    name      TEXT NOT NULL,
                    title     TEXT NOT NULL,
                    type      TEXT NOT NULL
                );
                CREATE INDEX documents_source_id ON documents(source_id);
                CREATE INDEX documents_name ON documents(name);
                CREATE TABLE chunks (
                    id          INTEGER PRIMARY KEY,
                    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                    ordinal     INTEGER NOT NULL,
                    text        TEXT NOT NULL,
                    heading     TEXT NOT NULL,
                    start       INTEGER NOT NULL,
                    "end"       INTEGER NOT NULL,
                    text_key    INTEGER NOT NULL,
                    vector      BLOB
                );
                CREATE INDEX chunks_document_id ON chunks(document_id);
                CREATE INDEX chunks_text_key ON chunks(text_key);

                -- What the FTS5 table indexes, one row per chunk (its external content).
                CREATE VIEW chunks_fts_content AS
                    SELECT c.id AS id, d.title AS title, c.heading AS heading, c.text AS text
                    FROM chunks c JOIN documents d ON d.id = c.document_id;
                CREATE VIRTUAL TABLE chunks_fts USING fts5(
                    title, heading, text,
                    content = 'chunks_fts_content', content_rowid = 'id',
                    tokenize = 'porter unicode61'
                );

                -- Keep chunks_fts in sync by construction. External-content FTS5 needs the old values
                -- to delete a row, so chunk rows are removed *before* their document disappears:
                -- deleting a document deletes its chunks first (the FK cascade then finds none).
                CREATE TRIGGER chunks_after_insert AFTER INSERT ON chunks BEGIN
                    INSERT INTO chunks_fts(rowid, title, heading, text)
                    VALUES (new.id, (SELECT title FROM documents WHERE id = new.document_id), new.heading, new.text);
                END;
                CREATE TRIGGER chunks_before_delete BEFORE DELETE ON chunks BEGIN
                    INSERT INTO chunks_fts(chunks_fts, rowid, title, heading, text)
                    VALUES ('delete', old.id, (SELECT title FROM documents WHERE id = old.document_id), old.heading, old.text);
                END;
                CREATE TRIGGER chunks_before_update BEFORE UPDATE OF document_id, heading, text ON chunks BEGIN
                    INSERT INTO chunks_fts(chunks_fts, rowid, title, heading, text)
                    VALUES ('delete', old.id, (SELECT title FROM documents WHERE id = old.document_id), old.heading, old.text);
                END;
                CREATE TRIGGER chunks_after_update AFTER UPDATE OF document_id, heading, text ON chunks BEGIN
                    INSERT INTO chunks_fts(rowid, title, heading, text)
                    VALUES (new.id, (SELECT title FROM documents WHERE id = new.document_id), new.heading, new.text);
                END;
                CREATE TRIGGER documents_before_delete BEFORE DELETE ON documents BEGIN
                    DELETE FROM chunks WHERE document_id = old.id;
                END;
                CREATE TRIGGER documents_before_title_update BEFORE UPDATE OF title ON documents BEGIN
                    INSERT INTO chunks_fts(chunks_fts, rowid, title, heading, text)
                    SELECT 'delete', c.id, old.title, c.heading, c.text FROM chunks c WHERE c.document_id = old.id;
                END;
                CREATE TRIGGER documents_after_title_update AFTER UPDATE OF title ON documents BEGIN
                    INSERT INTO chunks_fts(rowid, title, heading, text)
                    SELECT c.id, new.title, c.heading, c.text FROM chunks c WHERE c.document_id = new.id;
                END;
                """)
            try db.execute(sql: "INSERT INTO meta(key, value) VALUES (?, ?), (?, ?), (?, ?)", arguments: [
                MetaKey.format, formatMarker,
                MetaKey.schemaVersion, String(1),
                MetaKey.createdAt, String(Date().timeIntervalSince1970),
            ])
        }
        migrator.registerMigration("v2: fts5vocab instance table over chunks_fts") { db in
            // A read-only view of the FTS5 index (term, chunk, column, offset), streamed in term order to
            // build the in-memory BM25 index with exactly FTS5's tokens. It stores nothing.
            try db.execute(sql: "CREATE VIRTUAL TABLE chunks_fts_instance USING fts5vocab(chunks_fts, instance)")
            try db.execute(sql: "UPDATE meta SET value = '2' WHERE key = ?", arguments: [MetaKey.schemaVersion])
        }
        migrator.registerMigration("v3: title links", foreignKeyChecks: .immediate) { db in
            // links(c, d): chunk c's text mentions the title of document d (never its own document's
            // title; rules in TitleMatcher). Rows go with either side by FK cascade (GRDB opens every
            // connection with foreign_keys = ON); written in the same transactions as the chunks
            // (LinkMaintenance). Backfilled here for indexes written before v3.
            try db.execute(sql: """
                CREATE TABLE links (
                    chunk_id    INTEGER NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
                    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                    PRIMARY KEY (chunk_id, document_id)
                ) WITHOUT ROWID;
                CREATE INDEX links_document_id ON links(document_id);
                """)
            try LinkMaintenance.rebuild(db)
            try db.execute(sql: "UPDATE meta SET value = '3' WHERE key = ?", arguments: [MetaKey.schemaVersion])
        }
        // Append new migrations here; each must end by updating meta.schema_version.
        return migrator
    }
}
