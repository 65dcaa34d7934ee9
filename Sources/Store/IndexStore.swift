import Foundation
import GRDB

/// The SQLite index of one folder: sources, documents, chunks, their FTS5 table, and chunk vectors.
///
/// One index is one folder holding ``fileName`` in WAL mode with `synchronous = NORMAL`: every
/// ``write(_:)`` is one transaction, so a killed process loses at most the batch it was writing.
///
/// For example:
/// ```swift
/// let store = try IndexStore(directory: URL(fileURLWithPath: "indexes/docs"))
/// let summary = try store.write([source])
/// let hits = try store.chunks(ids: [1, 2, 3])
/// ```
public final class IndexStore: Sendable {
    /// The database file name inside an index folder.
    public static let fileName = "index.sqlite"

    /// Path of the database file (`:memory:` for in-memory stores); used in error messages.
    public let path: String
    /// Values derived from this index (in-memory search structures), invalidated by writes.
    public let cache = StoreCache()
    let writer: any DatabaseWriter

    /// Opens (or creates) the index in `directory`.
    ///
    /// `directory` may also be the index's database file (see ``databaseURL(for:)``): every
    /// command takes both forms alike.
    ///
    /// - Parameters:
    ///   - directory: The index folder, or its `index.sqlite`.
    ///   - createIfMissing: Create the folder and database when absent (otherwise throw ``StoreError/indexNotFound(path:)``).
    ///   - readOnly: Open for reading only (searches, statistics): works on an index the process may not
    ///     write (another user's, a read-only snapshot) and never waits for a writer (WAL readers do not
    ///     block). Implies not creating it.
    /// - Throws: ``StoreError``: `indexNotFound`, `notADatabase` (a foreign file), `foreignDatabase`
    ///   (an SQLite file that is not a rag index), `notAnIndex` (an empty file not named like an index),
    ///   `newerSchema`, `readOnlyNeedsUpgrade`, or `database`.
    public init(directory: URL, createIfMissing: Bool = true, readOnly: Bool = false) throws {
        let fileManager = FileManager.default
        let fileURL = Self.databaseURL(for: directory)
        let path = fileURL.path
        self.path = path
        if fileManager.fileExists(atPath: path) {
            // Validate read-only first so that a foreign database is never switched to WAL or migrated.
            try Self.validateExisting(path: path)
        } else {
            guard createIfMissing, !readOnly else { throw StoreError.indexNotFound(path: directory.path) }
            do {
                try fileManager.createDirectory(at: fileURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            } catch {
                throw StoreError.database(operation: "creating the index folder", path: directory.path,
                                          message: error.localizedDescription)
            }
        }
        if readOnly {
            writer = try Self.openReadOnly(path: path)
            return
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: Self.configuration(readonly: false))
        } catch {
            throw Self.mapOpenError(error, path: path)
        }
        writer = pool
        try Self.migrate(writer, path: path)
    }

    /// The database file an `--index` location names: a folder's `index.sqlite`, an existing file
    /// itself, and a path that does not exist yet is a folder unless it ends in `index.sqlite`.
    public static func databaseURL(for location: URL) -> URL {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: location.path, isDirectory: &isDirectory) {
            return isDirectory.boolValue ? location.appendingPathComponent(fileName) : location
        }
        return location.lastPathComponent == fileName ? location : location.appendingPathComponent(fileName)
    }

    /// A read-only connection pool; an index that needs a migration is refused (readers never write).
    ///
    /// A WAL database needs its `-shm` file to be read: when no process has it open (the file is
    /// gone) and this one may not create it (another user's folder, a read-only mount), the index
    /// is opened as immutable instead: no process can be writing it then, or the `-shm` would exist.
    static func openReadOnly(path: String) throws -> any DatabaseWriter {
        do {
            let reader = try readOnlyPool(path: path)
            let current = try reader.read { db in try Schema.migrator.hasCompletedMigrations(db) }
            guard current else { throw StoreError.readOnlyNeedsUpgrade(path: path) }
            return reader
        } catch {
            throw mapOpenError(error, path: path)
        }
    }

    private init(inMemoryQueue: DatabaseQueue) throws {
        path = ":memory:"
        writer = inMemoryQueue
        try Self.migrate(writer, path: path)
    }

    /// A fresh, empty in-memory index (for tests and one-off use).
    public static func inMemory() throws -> IndexStore {
        do {
            return try IndexStore(inMemoryQueue: DatabaseQueue(configuration: configuration(readonly: false)))
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.database(operation: "opening an in-memory index", path: ":memory:", message: "\(error)")
        }
    }

    // MARK: - Opening

    static func configuration(readonly: Bool) -> Configuration {
        var configuration = Configuration()
        configuration.readonly = readonly
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(10)
        configuration.label = "rag.index"
        if !readonly {
            configuration.prepareDatabase { db in
                // WAL + NORMAL: a committed transaction survives a process kill; only an OS crash or
                // power loss may roll back the last commits. Never a torn index.
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
        }
        return configuration
    }

    /// A WAL database this process cannot read for want of a `-shm` file it may not create.
    static func isUnreadableWAL(_ error: DatabaseError) -> Bool {
        error.resultCode == .SQLITE_READONLY || error.resultCode == .SQLITE_CANTOPEN
    }

    /// Read-only connections (the immutable queue when the `-shm` cannot be made).
    static func readOnlyPool(path: String) throws -> any DatabaseWriter {
        try readable(path) { try DatabasePool(path: path, configuration: configuration(readonly: true)) }
    }

    static func readOnlyQueue(path: String) throws -> any DatabaseWriter {
        try readable(path) { try DatabaseQueue(path: path, configuration: configuration(readonly: true)) }
    }

    /// `open()`'s connection once a first read works, else the immutable queue when the read failed
    /// for want of a `-shm` this process may not create.
    private static func readable(_ path: String, _ open: () throws -> any DatabaseWriter) throws -> any DatabaseWriter {
        do {
            let connection = try open()
            _ = try connection.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
            return connection
        } catch let error as DatabaseError where isUnreadableWAL(error) {
            return try immutableQueue(path: path)
        }
    }

    /// The database opened as immutable (no locks, no `-shm`): for an index nobody is writing.
    static func immutableQueue(path: String) throws -> DatabaseQueue {
        let encoded = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
        return try DatabaseQueue(path: "file:\(encoded)?immutable=1", configuration: configuration(readonly: true))
    }

    /// Refuses files that are not SQLite, SQLite files that are not ours, and newer schemas.
    static func validateExisting(path: String) throws {
        do {
            let queue = try readOnlyQueue(path: path)
            try queue.read { db in
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
                if tables.isEmpty {
                    // An empty file named like an index (a first ingest killed before its first
                    // commit) is initialised; any other empty file is someone else's.
                    guard URL(fileURLWithPath: path).lastPathComponent == fileName else { throw StoreError.notAnIndex(path: path) }
                    return
                }
                guard tables.contains("meta") else { throw StoreError.foreignDatabase(path: path) }
                let format = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?",
                                                 arguments: [Schema.MetaKey.format])
                guard format == Schema.formatMarker else { throw StoreError.foreignDatabase(path: path) }
                let version = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?",
                                                  arguments: [Schema.MetaKey.schemaVersion]).flatMap { Int($0) } ?? 0
                if version > Schema.currentVersion {
                    throw StoreError.newerSchema(path: path, found: version, supported: Schema.currentVersion)
                }
                if tables.contains("grdb_migrations"), try Schema.migrator.hasBeenSuperseded(db) {
                    throw StoreError.newerSchema(path: path, found: version, supported: Schema.currentVersion)
                }
            }
        } catch {
            throw mapOpenError(error, path: path)
        }
    }

    static func mapOpenError(_ error: any Error, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                return .notADatabase(path: path)
            default:
                return .database(operation: "opening the index", path: path, message: error.message ?? "\(error)")
            }
        }
        return .database(operation: "opening the index", path: path, message: "\(error)")
    }

    static func migrate(_ writer: any DatabaseWriter, path: String) throws {
        do {
            try Schema.migrator.migrate(writer)
        } catch {
            throw mapOpenError(error, path: path)
        }
    }

    // MARK: - Error mapping

    /// Runs `body`, turning GRDB errors into ``StoreError/database(operation:path:message:)``.
    func run<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw StoreError.database(operation: operation, path: path, message: error.message ?? "\(error)")
        } catch {
            throw StoreError.database(operation: operation, path: path, message: "\(error)")
        }
    }

    // MARK: - Reading

    /// The stored source at `path`, or nil. Callers compare its `contentHash` to skip unchanged files.
    public func source(path sourcePath: String) throws -> SourceRecord? {
        try run("reading source \(sourcePath)") {
            try writer.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM sources WHERE path = ?", arguments: [sourcePath])
                    .map(Self.sourceRecord)
            }
        }
    }

    /// Every stored source, ordered by path.
    public func allSources() throws -> [SourceRecord] {
        try run("listing sources") {
            try writer.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM sources ORDER BY path").map(Self.sourceRecord)
            }
        }
    }

    /// The number of chunks of each source, by source id (sources without chunks absent).
    public func chunkCountsBySource() throws -> [Int64: Int] {
        try run("counting chunks per source") {
            try writer.read { db in
                var counts: [Int64: Int] = [:]
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT d.source_id, count(*) FROM chunks c JOIN documents d ON d.id = c.document_id GROUP BY d.source_id
                    """)
                while let row = try rows.next() { counts[row[0]] = row[1] }
                return counts
            }
        }
    }

    static func sourceRecord(_ row: Row) -> SourceRecord {
        SourceRecord(id: row["id"], path: row["path"], contentHash: row["content_hash"],
                     modificationDate: Date(timeIntervalSince1970: row["mtime"]), size: row["size"],
                     type: row["type"], indexedAt: Date(timeIntervalSince1970: row["indexed_at"]))
    }

    /// The chunks with the given ids, joined with their document and source, in the order given.
    /// Unknown ids are skipped.
    public func chunks(ids: [Int64]) throws -> [ChunkRecord] {
        if ids.isEmpty { return [] }
        return try run("reading chunks") {
            try writer.read { db in try Self.chunkRecords(db, ids: ids) }
        }
    }

    /// The chunks with the given ids in the order given (unknown ids skipped), read in `db`.
    static func chunkRecords(_ db: Database, ids: [Int64]) throws -> [ChunkRecord] {
        if ids.isEmpty { return [] }
        var byID: [Int64: ChunkRecord] = [:]
        // One cached statement for any number of ids: they travel as one JSON array.
        let statement = try db.cachedStatement(sql: """
            SELECT c.id, d.name, d.title, c.heading, c.text, c.start, c."end", c.ordinal, s.path
            FROM chunks c JOIN documents d ON d.id = c.document_id JOIN sources s ON s.id = d.source_id
            WHERE c.id IN (SELECT value FROM json_each(?))
            """)
        let list = "[" + ids.map(String.init).joined(separator: ",") + "]"
        let rows = try Row.fetchCursor(statement, arguments: [list])
        while let row = try rows.next() {
            let record = ChunkRecord(id: row[0], documentName: row[1], title: row[2], heading: row[3],
                                     text: row[4], start: row[5], end: row[6], ordinal: row[7],
                                     sourcePath: row[8])
            byID[record.id] = record
        }
        return ids.compactMap { byID[$0] }
    }

    /// Ids of the chunks of the source at `sourcePath`, in document and ordinal order.
    public func chunkIDs(sourcePath: String) throws -> [Int64] {
        try run("listing chunks of \(sourcePath)") {
            try writer.read { db in
                try Int64.fetchAll(db, sql: """
                    SELECT c.id FROM chunks c JOIN documents d ON d.id = c.document_id
                    JOIN sources s ON s.id = d.source_id WHERE s.path = ? ORDER BY d.id, c.ordinal
                    """, arguments: [sourcePath])
            }
        }
    }

    /// Counts of sources, documents and chunks.
    public func statistics() throws -> (sources: Int, documents: Int, chunks: Int) {
        try run("counting rows") {
            try writer.read { db in
                let sources = try Int.fetchOne(db, sql: "SELECT count(*) FROM sources") ?? 0
                let documents = try Int.fetchOne(db, sql: "SELECT count(*) FROM documents") ?? 0
                let chunks = try Int.fetchOne(db, sql: "SELECT count(*) FROM chunks") ?? 0
                return (sources, documents, chunks)
            }
        }
    }

    /// The schema version recorded in the index.
    public func schemaVersion() throws -> Int {
        try run("reading the schema version") {
            try writer.read { db in
                try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?",
                                    arguments: [Schema.MetaKey.schemaVersion]).flatMap { Int($0) } ?? 0
            }
        }
    }

    /// A counter bumped by every write; caches built from the index (e.g. an in-memory BM25 index)
    /// compare it to know when they are stale.
    public func generation() throws -> Int {
        try run("reading the index generation") {
            try writer.read { db in try Self.generation(db) }
        }
    }

    /// The index generation as seen by `db` (inside its current transaction).
    static func generation(_ db: Database) throws -> Int {
        try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM meta WHERE key = 'generation'"))
            .flatMap { Int($0) } ?? 0
    }

    /// `PRAGMA integrity_check` plus the FTS5 index check; `"ok"` when both pass.
    public func integrityCheck() throws -> String {
        try run("checking integrity") {
            let sqliteResult = try writer.read { db in
                try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n")
            }
            if sqliteResult != "ok" { return sqliteResult }
            do {
                try writer.writeWithoutTransaction { db in
                    try db.execute(sql: "INSERT INTO chunks_fts(chunks_fts) VALUES ('integrity-check')")
                }
            } catch let error as DatabaseError {
                return "chunks_fts: \(error.message ?? "\(error)")"
            }
            return "ok"
        }
    }
}
