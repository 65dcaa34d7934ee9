import Foundation
import PostgresNIO
import Store

/// The index in a PostgreSQL database with pgvector: the same sources, documents, chunks and title
/// links as the SQLite index, with lexical ranking and vector search run by the server.
///
/// - Lexical: real BM25 (`pg_textsearch`'s index over `chunks.body`) when the extension is there
///   (preloaded), else `ts_rank_cd` over a GIN `tsvector` index; ``lexicalRanking`` says which.
/// - Vectors: a `vector(N)` column with an HNSW index (cosine); `hnsw.ef_search` is raised per query
///   to at least the depth asked for, as it caps the rows an index scan returns.
/// - Writes: each ``write(_:)``, ``append(_:toSource:contentHash:)`` and ``removeSources(paths:)``
///   is one transaction holding an advisory lock, so writers from several processes take turns and
///   a killed one leaves the index as of its last commit.
///
/// For example:
/// ```swift
/// let store = try PostgresIndexStore(url: "postgres://rag@127.0.0.1:5432/docs")
/// try store.write([source])
/// let top = try store.lexicalSearch(keywords: ["fts5", "tokenizer"], limit: 10)
/// ```
public final class PostgresIndexStore: IndexBackend, ServerRankedBackend, @unchecked Sendable {
    public let cache = StoreCache()
    public var backendName: String { "postgresql" }
    public var location: String { place.redacted }
    public let lexicalRanking: String
    /// Whether BM25 (pg_textsearch) ranks lexical searches; otherwise `ts_rank_cd`.
    let usesBM25: Bool
    let place: PostgresLocation
    let pool: PostgresConnectionPool
    let readOnly: Bool
    /// The least `hnsw.ef_search` a vector search runs with (`$RAG_POSTGRES_EF_SEARCH`, default
    /// ``defaultSearchBreadth``); deeper searches raise it to their depth.
    public let searchBreadth: Int
    /// On the 24k-passage wiki index, pgvector's default of 40 found 95.5% of the exact top 10, 100
    /// 98.5%, 200 99.4%; dense recall@10 on musique was 0.556 at 100, 0.571 at 200, 0.581 at 400
    /// (exact: 0.584), for about 2 ms more per doubling (benchmarks/postgres/results.txt).
    public static let defaultSearchBreadth = 400
    /// The title dictionary the last write of this process left, with the generation it matches.
    let titleCacheKey = "postgres.titleMatcher"

    /// Opens (creating and migrating when `createIfMissing`) the index in the database `url` names.
    ///
    /// - Parameters:
    ///   - url: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`; the password may come from
    ///     `$PGPASSWORD` or `.pgpass` instead.
    ///   - lexical: `nil` picks BM25 where pg_textsearch is present, else ts_rank_cd; `"ts_rank_cd"`
    ///     forces the fallback (to compare the two).
    ///   - connections: The most connections this store opens.
    /// - Throws: ``PostgresStoreError``; ``StoreError/indexNotFound(path:)`` when the database holds no
    ///   index and creation was not asked for; ``StoreError/foreignDatabase(path:)``, ``StoreError/newerSchema(path:found:supported:)``.
    public init(url: String, createIfMissing: Bool = true, readOnly: Bool = false, lexical: String? = nil,
                connections: Int = 8, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        place = try PostgresLocation(url, environment: environment)
        pool = try PostgresConnectionPool(location: place, maximum: connections)
        self.readOnly = readOnly
        searchBreadth = environment["RAG_POSTGRES_EF_SEARCH"].flatMap { Int($0) }.map { min(max($0, 1), 1000) } ?? Self.defaultSearchBreadth
        let location = place.redacted
        usesBM25 = try pool.withConnection { session in
            let state = try Self.migrationState(session)
            switch state {
            case .foreign:
                throw StoreError.foreignDatabase(path: location)
            case .empty where !createIfMissing || readOnly:
                throw StoreError.indexNotFound(path: location)
            case .applied(let names) where names.count > PostgresSchema.migrations.count:
                throw StoreError.newerSchema(path: location, found: names.count, supported: PostgresSchema.migrations.count)
            case .applied(let names) where readOnly && names.count < PostgresSchema.migrations.count:
                throw StoreError.readOnlyNeedsUpgrade(path: location)
            default:
                break
            }
            if !readOnly { try Self.migrate(session) }
            if !readOnly && lexical == nil { try Self.createBM25IndexIfPossible(session) }
            if !readOnly { try Self.restoreVectorIndexIfLost(session) }
            let hasIndex = try session.query("SELECT to_regclass('chunks_bm25') IS NOT NULL", PostgresBindings(), "looking for the BM25 index")
                .first?.decode(Bool.self) ?? false
            return hasIndex && lexical != "ts_rank_cd"
        }
        lexicalRanking = usesBM25 ? "bm25 (pg_textsearch)" : "ts_rank_cd"
    }

    enum MigrationState { case empty, foreign, applied([String]) }

    static func migrationState(_ session: PostgresSession) throws -> MigrationState {
        let row = try session.query("""
            SELECT to_regclass('rag_migrations') IS NOT NULL, to_regclass('meta') IS NOT NULL OR to_regclass('chunks') IS NOT NULL
            """, PostgresBindings(), "reading the schema").first
        guard let row else { return .empty }
        let (ours, tables) = try row.decode((Bool, Bool).self)
        if !ours { return tables ? .foreign : .empty }
        let names = try session.query("SELECT name FROM rag_migrations ORDER BY applied_at, name", PostgresBindings(), "reading the schema")
            .map { try $0.decode(String.self) }
        return .applied(names)
    }

    /// Applies the migrations not yet applied, under the write lock.
    static func migrate(_ session: PostgresSession) throws {
        try session.transaction("migrating the schema") {
            try session.query("SELECT pg_advisory_xact_lock($1)", try binds(PostgresSchema.writeLockKey), "taking the write lock")
            try session.query("""
                CREATE TABLE IF NOT EXISTS rag_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT clock_timestamp())
                """, PostgresBindings(), "creating the migrations table")
            let done = Set(try session.query("SELECT name FROM rag_migrations", PostgresBindings(), "reading the schema")
                .map { try $0.decode(String.self) })
            for migration in PostgresSchema.migrations where !done.contains(migration.name) {
                for statement in migration.statements {
                    do {
                        try session.query(statement, PostgresBindings(), "migrating (\(migration.name))")
                    } catch let error as PostgresStoreError where statement.contains("EXTENSION IF NOT EXISTS vector") {
                        if case let .query(_, location, message) = error, message.contains("vector") {
                            _ = message
                            throw PostgresStoreError.missingExtension(location: location, name: "vector (pgvector)")
                        }
                        throw error
                    }
                }
                try session.query("INSERT INTO rag_migrations(name) VALUES ($1)", try binds(migration.name), "recording a migration")
            }
        }
    }

    /// Creates the BM25 index when pg_textsearch can be loaded (a separate step from the migrations:
    /// a server may gain the extension later, and one without it keeps ts_rank_cd).
    static func createBM25IndexIfPossible(_ session: PostgresSession) throws {
        let exists = try session.query("SELECT to_regclass('chunks_bm25') IS NOT NULL", PostgresBindings(), "looking for the BM25 index")
            .first?.decode(Bool.self) ?? false
        if exists { return }
        let available = try session.query("""
            SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_textsearch')
                AND current_setting('shared_preload_libraries') LIKE '%pg_textsearch%'
            """, PostgresBindings(), "looking for pg_textsearch").first?.decode(Bool.self) ?? false
        guard available else { return }
        do {
            try session.transaction("creating the BM25 index") {
                try session.query("SELECT pg_advisory_xact_lock($1)", try binds(PostgresSchema.writeLockKey), "taking the write lock")
                try session.query("CREATE EXTENSION IF NOT EXISTS pg_textsearch", PostgresBindings(), "creating pg_textsearch")
                try session.query(PostgresSQL.createTextConfiguration, PostgresBindings(), "creating the text search configuration")
                let schema = try session.query("SELECT current_schema()", PostgresBindings(), "reading the schema name")
                    .first?.decode(String.self) ?? "public"
                try session.query(PostgresSQL.createBM25Index(schema: schema), PostgresBindings(), "creating the BM25 index")
            }
        } catch {
            // Not allowed (no privilege) or not loadable: ts_rank_cd it is; `rag stats` says so.
        }
    }

    // MARK: - Running

    func read<T>(_ operation: String, _ body: (PostgresSession) throws -> T) throws -> T {
        try pool.withConnection(body)
    }

    // MARK: - Reading

    public func generation() throws -> Int {
        try read("reading the index generation") { try Self.generation($0) }
    }

    static func generation(_ session: PostgresSession) throws -> Int {
        let value = try session.query("SELECT value FROM meta WHERE key = 'generation'", PostgresBindings(), "reading the index generation")
            .first?.decode(String.self)
        return value.flatMap { Int($0) } ?? 0
    }

    public func statistics() throws -> (sources: Int, documents: Int, chunks: Int) {
        try read("counting rows") { session in
            let row = try session.query("""
                SELECT (SELECT count(*) FROM sources), (SELECT count(*) FROM documents), (SELECT count(*) FROM chunks)
                """, PostgresBindings(), "counting rows").first
            guard let row else { return (0, 0, 0) }
            let (s, d, c) = try row.decode((Int64, Int64, Int64).self)
            return (Int(s), Int(d), Int(c))
        }
    }

    public func schemaVersion() throws -> Int {
        try read("reading the schema version") { session in
            let value = try session.query("SELECT value FROM meta WHERE key = 'schema_version'", PostgresBindings(), "reading the schema version")
                .first?.decode(String.self)
            return value.flatMap { Int($0) } ?? 0
        }
    }

    /// Checks what a database server does not check for us: every chunk's document and source
    /// exist, vectors have the recorded dimension, and links point at existing rows.
    public func integrityCheck() throws -> String {
        try read("checking integrity") { session in
            let row = try session.query("""
                SELECT (SELECT count(*) FROM chunks c LEFT JOIN documents d ON d.id = c.document_id WHERE d.id IS NULL),
                       (SELECT count(*) FROM chunks WHERE embedding IS NOT NULL AND vector_dims(embedding) <>
                           coalesce((SELECT value::int FROM meta WHERE key = 'embedding_dimension'), vector_dims(embedding))),
                       (SELECT count(*) FROM links l LEFT JOIN chunks c ON c.id = l.chunk_id WHERE c.id IS NULL)
                """, PostgresBindings(), "checking integrity").first
            guard let row else { return "ok" }
            let (orphans, badVectors, badLinks) = try row.decode((Int64, Int64, Int64).self)
            var problems: [String] = []
            if orphans > 0 { problems.append("\(orphans) chunks without a document") }
            if badVectors > 0 { problems.append("\(badVectors) vectors of the wrong dimension") }
            if badLinks > 0 { problems.append("\(badLinks) links to missing chunks") }
            return problems.isEmpty ? "ok" : problems.joined(separator: "; ")
        }
    }

    /// After a large write: refreshes the planner's statistics, and rebuilds the BM25 index
    /// (concurrently: searches go on). pg_textsearch's index kept up row by row ranks worse than a
    /// fresh one: on the wiki index, recall@10 of questions 101+ per dev file was up to 0.025 below
    /// SQLite's after `rag migrate` (rows added in parts), within 0.012 after a rebuild.
    public func optimize() throws {
        guard !readOnly else { return }
        try read("optimizing the index") { session in
            try session.query("ANALYZE chunks", PostgresBindings(), "analyzing chunks")
            let hasBM25 = try session.query("SELECT to_regclass('chunks_bm25') IS NOT NULL", PostgresBindings(), "looking for the BM25 index")
                .first?.decode(Bool.self) ?? false
            if hasBM25 {
                try session.query("REINDEX INDEX CONCURRENTLY chunks_bm25", PostgresBindings(), "rebuilding the BM25 index")
            }
        }
    }

    public func source(path: String) throws -> SourceRecord? {
        try read("reading source \(path)") { session in
            try session.query("\(PostgresSQL.selectSource) WHERE path = $1", try binds(path), "reading source \(path)")
                .first.map(Self.sourceRecord)
        }
    }

    public func allSources() throws -> [SourceRecord] {
        try read("listing sources") { session in
            try session.query("\(PostgresSQL.selectSource) ORDER BY path", PostgresBindings(), "listing sources")
                .map(Self.sourceRecord)
        }
    }

    static func sourceRecord(_ row: PostgresRow) throws -> SourceRecord {
        let (id, path, hash, mtime, size, type, indexedAt) = try row.decode((Int64, String, String, Double, Int64, String, Double).self)
        return SourceRecord(id: id, path: path, contentHash: hash, modificationDate: Date(timeIntervalSince1970: mtime),
                            size: Int(size), type: type, indexedAt: Date(timeIntervalSince1970: indexedAt))
    }

    public func chunkCountsBySource() throws -> [Int64: Int] {
        try read("counting chunks per source") { session in
            var counts: [Int64: Int] = [:]
            for row in try session.query("""
                SELECT d.source_id, count(*) FROM chunks c JOIN documents d ON d.id = c.document_id GROUP BY d.source_id
                """, PostgresBindings(), "counting chunks per source") {
                let (id, count) = try row.decode((Int64, Int64).self)
                counts[id] = Int(count)
            }
            return counts
        }
    }

    public func chunks(ids: [Int64]) throws -> [ChunkRecord] {
        if ids.isEmpty { return [] }
        return try read("reading chunks") { try Self.chunkRecords($0, ids: ids) }
    }

    static func chunkRecords(_ session: PostgresSession, ids: [Int64]) throws -> [ChunkRecord] {
        if ids.isEmpty { return [] }
        var byID: [Int64: ChunkRecord] = [:]
        for row in try session.query("\(PostgresSQL.selectChunk) WHERE c.id = ANY($1)", try binds(ids), "reading chunks") {
            let record = try chunkRecord(row)
            byID[record.id] = record
        }
        return ids.compactMap { byID[$0] }
    }

    static func chunkRecord(_ row: PostgresRow) throws -> ChunkRecord {
        let (id, name, title, heading, text, start, end, ordinal, path) =
            try row.decode((Int64, String, String, String, String, Int64, Int64, Int64, String).self)
        return ChunkRecord(id: id, documentName: name, title: title, heading: heading, text: text,
                           start: Int(start), end: Int(end), ordinal: Int(ordinal), sourcePath: path)
    }

    public func chunkIDs(sourcePath: String) throws -> [Int64] {
        try read("listing chunks of \(sourcePath)") { session in
            try session.query("""
                SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id
                JOIN sources s ON s.id = d.source_id WHERE s.path = $1 ORDER BY d.id, c.ordinal
                """, try binds(sourcePath), "listing chunks of \(sourcePath)").map { try $0.decode(Int64.self) }
        }
    }

    // MARK: - Vectors

    public func embeddingModel() throws -> (id: String, dimension: Int)? {
        try read("reading the embedding model") { try Self.embeddingModel($0) }
    }

    public func embeddingPrecision() throws -> String? {
        try read("reading the embedding precision") { session in
            try session.query("SELECT value FROM meta WHERE key = 'embedding_precision'", PostgresBindings(),
                              "reading the embedding precision").first?.decode(String.self)
        }
    }

    public func recordEmbeddingPrecision(_ precision: String) throws {
        try read("recording the embedding precision") { session in
            try session.transaction("recording the embedding precision") {
                try session.query("SELECT pg_advisory_xact_lock($1)", try binds(PostgresSchema.writeLockKey), "taking the write lock")
                let stored = try session.query("SELECT value FROM meta WHERE key = 'embedding_precision'", PostgresBindings(),
                                               "reading the embedding precision").first?.decode(String.self)
                let value = EmbeddingPrecisions.adding(precision, to: stored)
                guard value != stored else { return }
                try session.query("""
                    INSERT INTO meta(key, value) VALUES ('embedding_precision', $1)
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value
                    """, try binds(value), "recording the embedding precision")
            }
        }
    }

    static func embeddingModel(_ session: PostgresSession) throws -> (id: String, dimension: Int)? {
        var id: String?, dimension: Int?
        for row in try session.query("""
            SELECT key, value FROM meta WHERE key IN ('embedding_model', 'embedding_dimension')
            """, PostgresBindings(), "reading the embedding model") {
            let (key, value) = try row.decode((String, String).self)
            if key == "embedding_model" { id = value } else { dimension = Int(value) }
        }
        guard let id, let dimension else { return nil }
        return (id, dimension)
    }

    /// Records the model and gives the vector column its dimension and HNSW index (cosine).
    public func setEmbeddingModel(id: String, dimension: Int) throws {
        guard !id.isEmpty, dimension > 0 else {
            throw StoreError.invalidInput("embedding model id must be non-empty and dimension positive (got '\(id)', \(dimension))")
        }
        try read("setting the embedding model") { session in
            try session.transaction("setting the embedding model") {
                try session.query("SELECT pg_advisory_xact_lock($1)", try binds(PostgresSchema.writeLockKey), "taking the write lock")
                if let stored = try Self.embeddingModel(session) {
                    if stored.id == id && stored.dimension == dimension { return }
                    let vectors = try session.query("SELECT count(*) FROM chunks WHERE embedding IS NOT NULL", PostgresBindings(),
                                                    "counting vectors").first?.decode(Int64.self) ?? 0
                    if vectors > 0 {
                        throw StoreError.embeddingModelMismatch(stored: stored.id, storedDimension: stored.dimension,
                                                                requested: id, requestedDimension: dimension)
                    }
                }
                try session.query("DROP INDEX IF EXISTS chunks_embedding_hnsw", PostgresBindings(), "dropping the vector index")
                try session.query("ALTER TABLE chunks ALTER COLUMN embedding TYPE vector(\(dimension))", PostgresBindings(),
                                  "setting the vector dimension")
                try session.query(PostgresSQL.createHNSWIndex, PostgresBindings(), "creating the vector index")
                try session.query("""
                    INSERT INTO meta(key, value) VALUES ('embedding_model', $1), ('embedding_dimension', $2)
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value
                    """, try binds(id, String(dimension)), "recording the embedding model")
                try Self.bumpGeneration(session)
            }
        }
    }

    public func existingVectors(for wanted: [EmbeddedText]) throws -> [EmbeddedText: [Float]] {
        if wanted.isEmpty { return [:] }
        let wantedSet = Set(wanted)
        let keys = Array(Set(wanted.map { TextKey.of($0.text) }))
        return try read("looking up existing vectors") { session in
            var result: [EmbeddedText: [Float]] = [:]
            for row in try session.query("""
                SELECT title, heading, text, embedding::text FROM chunks WHERE embedding IS NOT NULL AND text_key = ANY($1)
                """, try binds(keys), "looking up existing vectors") {
                let (title, heading, text, vector) = try row.decode((String, String, String, String).self)
                let found = EmbeddedText(title: title, heading: heading, text: text)
                guard wantedSet.contains(found), result[found] == nil else { continue }
                result[found] = PostgresVector.decode(vector)
            }
            return result
        }
    }

    public func sourcesMissingVectors() throws -> Set<String> {
        try read("listing sources without vectors") { session in
            Set(try session.query("""
                SELECT DISTINCT s.path FROM chunks c JOIN documents d ON d.id = c.document_id
                JOIN sources s ON s.id = d.source_id WHERE c.embedding IS NULL
                """, PostgresBindings(), "listing sources without vectors").map { try $0.decode(String.self) })
        }
    }

    public func vectorCount() throws -> Int {
        try read("counting vectors") { session in
            Int(try session.query("SELECT count(*) FROM chunks WHERE embedding IS NOT NULL", PostgresBindings(), "counting vectors")
                .first?.decode(Int64.self) ?? 0)
        }
    }

    public func loadVectors() throws -> (ids: [Int64], dimension: Int, matrix: [Float]) {
        try read("loading vectors") { session in
            guard let dimension = try Self.embeddingModel(session)?.dimension else { return ([], 0, []) }
            var ids: [Int64] = []
            var matrix: [Float] = []
            for row in try session.query("SELECT id, embedding::text FROM chunks WHERE embedding IS NOT NULL ORDER BY id",
                                         PostgresBindings(), "loading vectors") {
                let (id, text) = try row.decode((Int64, String).self)
                let vector = PostgresVector.decode(text)
                guard vector.count == dimension else {
                    throw StoreError.corruptVector(chunkID: id, bytes: vector.count * 4, dimension: dimension)
                }
                ids.append(id)
                matrix.append(contentsOf: vector)
            }
            return (ids, dimension, matrix)
        }
    }

    public func vectors(ids: [Int64]) throws -> [Int64: [Float]] {
        if ids.isEmpty { return [:] }
        return try read("reading vectors") { session in
            var result: [Int64: [Float]] = [:]
            for row in try session.query("SELECT id, embedding::text FROM chunks WHERE embedding IS NOT NULL AND id = ANY($1)",
                                         try binds(ids), "reading vectors") {
                let (id, text) = try row.decode((Int64, String).self)
                result[id] = PostgresVector.decode(text)
            }
            return result
        }
    }

    /// Builds the HNSW index when a bulk load that set it aside was cut off (no load holds the lock).
    static func restoreVectorIndexIfLost(_ session: PostgresSession) throws {
        guard try embeddingModel(session) != nil else { return }
        let missing = try session.query("SELECT to_regclass('chunks_embedding_hnsw') IS NULL", PostgresBindings(), "looking for the vector index")
            .first?.decode(Bool.self) ?? false
        guard missing else { return }
        let free = try session.query("SELECT pg_try_advisory_lock($1)", try binds(PostgresSchema.bulkLoadLockKey), "checking for a bulk load")
            .first?.decode(Bool.self) ?? false
        guard free else { return }
        defer { _ = try? session.query("SELECT pg_advisory_unlock($1)", try binds(PostgresSchema.bulkLoadLockKey), "checking for a bulk load") }
        try buildVectorIndex(session)
    }

    /// Builds the HNSW index with `$RAG_POSTGRES_BUILD_MEMORY` (default 1GB) of working memory in
    /// this session: a graph that fits is built several times faster (about 1.8 GB per million
    /// 384-d vectors).
    static func buildVectorIndex(_ session: PostgresSession) throws {
        let memory = ProcessInfo.processInfo.environment["RAG_POSTGRES_BUILD_MEMORY"].flatMap { text in
            text.allSatisfy { $0.isLetter || $0.isNumber } ? text : nil
        } ?? "1GB"
        try session.query("SET maintenance_work_mem = '\(memory)'", PostgresBindings(), "sizing the index build")
        try session.query(PostgresSQL.createHNSWIndex.replacingOccurrences(of: "CREATE INDEX", with: "CREATE INDEX IF NOT EXISTS"),
                          PostgresBindings(), "building the vector index")
        try session.query("RESET maintenance_work_mem", PostgresBindings(), "sizing the index build")
    }

    /// Drops the HNSW index for the load and builds it once afterwards (with more working memory
    /// than the server's default, in this session only): much faster than inserting row by row.
    public func withBulkLoad<T>(_ body: () throws -> T) throws -> T {
        guard !readOnly, try embeddingModel() != nil else { return try body() }
        // One connection holds the bulk-load lock throughout (an opener seeing the index missing
        // leaves it alone while it is held; a load cut off releases it with its connection).
        return try pool.withConnection { session in
            try session.query("SELECT pg_advisory_lock($1)", try binds(PostgresSchema.bulkLoadLockKey), "taking the bulk-load lock")
            defer { _ = try? session.query("SELECT pg_advisory_unlock($1)", try binds(PostgresSchema.bulkLoadLockKey), "releasing the bulk-load lock") }
            try session.query("DROP INDEX IF EXISTS chunks_embedding_hnsw", PostgresBindings(), "dropping the vector index")
            let result: T
            do { result = try body() } catch { try? Self.buildVectorIndex(session); throw error }
            try Self.buildVectorIndex(session)
            return result
        }
    }

    static func bumpGeneration(_ session: PostgresSession) throws {
        try session.query("UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'generation'", PostgresBindings(),
                          "bumping the generation")
    }
}

/// pgvector's text form, `[0.1,0.2,...]`: what the store sends and reads (exact for float32:
/// both sides print the shortest representation that reads back to the same float).
enum PostgresVector {
    static func encode(_ vector: [Float]) -> String {
        "[" + vector.map { $0.description }.joined(separator: ",") + "]"
    }

    static func decode(_ text: String) -> [Float] {
        text.dropFirst().dropLast().split(separator: ",").compactMap { Float($0) }
    }
}
