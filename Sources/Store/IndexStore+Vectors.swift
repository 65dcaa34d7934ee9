import Foundation
import GRDB

extension IndexStore {
    /// The embedding model recorded in the index, or nil when none was set.
    public func embeddingModel() throws -> (id: String, dimension: Int)? {
        try run("reading the embedding model") {
            try writer.read { db in try Self.embeddingModel(db) }
        }
    }

    /// Records the embedding model of the index's vectors.
    ///
    /// Setting the same model again is a no-op. Changing it is refused while vectors exist
    /// (call ``clearVectors()`` first to re-embed with another model).
    /// - Throws: ``StoreError/embeddingModelMismatch(stored:storedDimension:requested:requestedDimension:)``,
    ///   ``StoreError/invalidInput(_:)`` for an empty id or a non-positive dimension.
    public func setEmbeddingModel(id: String, dimension: Int) throws {
        guard !id.isEmpty, dimension > 0 else {
            throw StoreError.invalidInput("embedding model id must be non-empty and dimension positive (got '\(id)', \(dimension))")
        }
        try run("setting the embedding model") {
            try writer.write { db in
                if let stored = try Self.embeddingModel(db) {
                    if stored.id == id && stored.dimension == dimension { return }
                    let vectors = try Int.fetchOne(db, sql: "SELECT count(*) FROM chunks WHERE vector IS NOT NULL") ?? 0
                    if vectors > 0 {
                        throw StoreError.embeddingModelMismatch(stored: stored.id, storedDimension: stored.dimension,
                                                                requested: id, requestedDimension: dimension)
                    }
                }
                try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?), (?, ?)", arguments: [
                    Schema.MetaKey.embeddingModel, id, Schema.MetaKey.embeddingDimension, String(dimension),
                ])
                try Self.bumpGeneration(db)
            }
        }
    }

    /// The precisions the vectors were computed in (see ``IndexBackend/embeddingPrecision()``).
    public func embeddingPrecision() throws -> String? {
        try run("reading the embedding precision") {
            try writer.read { db in
                try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [Schema.MetaKey.embeddingPrecision])
            }
        }
    }

    /// Adds `precision` to the recorded precisions, in its own transaction.
    public func recordEmbeddingPrecision(_ precision: String) throws {
        try run("recording the embedding precision") {
            try writer.write { db in
                let stored = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?",
                                                 arguments: [Schema.MetaKey.embeddingPrecision])
                let value = EmbeddingPrecisions.adding(precision, to: stored)
                guard value != stored else { return }
                try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                               arguments: [Schema.MetaKey.embeddingPrecision, value])
            }
        }
    }

    /// All (chunk id, vector) pairs with a vector, as one contiguous row-major float32 matrix
    /// (`matrix[row * dimension + column]`), ordered by chunk id. Dimension is 0 when no model is set.
    public func loadVectors() throws -> (ids: [Int64], dimension: Int, matrix: [Float]) {
        try run("loading vectors") {
            try writer.read { db in
                guard let dimension = try Self.embeddingDimension(db) else { return ([], 0, []) }
                let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM chunks WHERE vector IS NOT NULL") ?? 0
                var ids: [Int64] = []
                ids.reserveCapacity(count)
                var matrix = [Float](repeating: 0, count: count * dimension)
                let rows = try Row.fetchCursor(db, sql: "SELECT id, vector FROM chunks WHERE vector IS NOT NULL ORDER BY id")
                try matrix.withUnsafeMutableBufferPointer { buffer in
                    while let row = try rows.next(), ids.count < count {
                        let id: Int64 = row[0]
                        try row.withUnsafeData(atIndex: 1) { data in
                            let bytes = data?.count ?? 0
                            guard let data, bytes == dimension * 4 else {
                                throw StoreError.corruptVector(chunkID: id, bytes: bytes, dimension: dimension)
                            }
                            let offset = ids.count * dimension
                            VectorCoding.decode(data, into: UnsafeMutableBufferPointer(
                                rebasing: buffer[offset..<offset + dimension]))
                        }
                        ids.append(id)
                    }
                }
                return (ids, dimension, matrix)
            }
        }
    }

    /// Vectors of already-embedded chunks with the same text, heading and document title as one of
    /// `wanted` (chunks are embedded with their title and heading path, so all three must match), so a
    /// re-ingest can reuse them instead of embedding again.
    public func existingVectors(for wanted: [EmbeddedText]) throws -> [EmbeddedText: [Float]] {
        if wanted.isEmpty { return [:] }
        let wantedSet = Set(wanted)
        let keys = Array(Set(wanted.map { TextKey.of($0.text) }))
        return try run("looking up existing vectors") {
            try writer.read { db in
                var result: [EmbeddedText: [Float]] = [:]
                for start in stride(from: 0, to: keys.count, by: 500) {
                    let batch = Array(keys[start..<min(start + 500, keys.count)])
                    let rows = try Row.fetchCursor(db, sql: """
                        SELECT d.title, c.heading, c.text, c.vector FROM chunks c JOIN documents d ON d.id = c.document_id
                        WHERE c.vector IS NOT NULL AND c.text_key IN (\(databaseQuestionMarks(count: batch.count)))
                        """, arguments: StatementArguments(batch))
                    while let row = try rows.next() {
                        let found = EmbeddedText(title: row[0], heading: row[1], text: row[2])
                        guard wantedSet.contains(found), result[found] == nil, let data: Data = row[3] else { continue }
                        result[found] = VectorCoding.decode(data)
                    }
                }
                return result
            }
        }
    }

    /// Sets the vectors of existing chunks (for embedding after the text was stored), in one transaction.
    /// - Throws: ``StoreError/embeddingModelNotSet``, ``StoreError/vectorDimensionMismatch(expected:found:context:)``.
    public func updateVectors(_ vectors: [(id: Int64, vector: [Float])]) throws {
        if vectors.isEmpty { return }
        try run("storing \(vectors.count) vector(s)") {
            try writer.write { db in
                guard let dimension = try Self.embeddingDimension(db) else { throw StoreError.embeddingModelNotSet }
                let statement = try db.cachedStatement(sql: "UPDATE chunks SET vector = ? WHERE id = ?")
                for (id, vector) in vectors {
                    guard vector.count == dimension else {
                        throw StoreError.vectorDimensionMismatch(expected: dimension, found: vector.count, context: "chunk \(id)")
                    }
                    try statement.execute(arguments: [VectorCoding.encode(vector), id])
                }
                try Self.bumpGeneration(db)
            }
        }
    }

    /// Chunks that have no vector yet (id and text), by id, at most `limit`.
    public func chunksWithoutVectors(limit: Int = Int.max) throws -> [(id: Int64, text: String)] {
        try run("listing chunks without vectors") {
            try writer.read { db in
                try Row.fetchAll(db, sql: "SELECT id, text FROM chunks WHERE vector IS NULL ORDER BY id LIMIT ?",
                                 arguments: [Int64(clamping: limit)]).map { (id: $0[0], text: $0[1]) }
            }
        }
    }

    /// The paths of the sources some of whose chunks have no vector (indexed without embeddings, or
    /// before a model was chosen): an ingest with embeddings indexes them again even if unchanged.
    public func sourcesMissingVectors() throws -> Set<String> {
        try run("listing sources without vectors") {
            try writer.read { db in
                Set(try String.fetchAll(db, sql: """
                    SELECT DISTINCT s.path FROM chunks c JOIN documents d ON d.id = c.document_id
                    JOIN sources s ON s.id = d.source_id WHERE c.vector IS NULL
                    """))
            }
        }
    }

    /// Number of chunks that have a vector.
    public func vectorCount() throws -> Int {
        try run("counting vectors") {
            try writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM chunks WHERE vector IS NOT NULL") ?? 0 }
        }
    }

    /// Drops every vector and the recorded embedding model (to re-embed with another model).
    public func clearVectors() throws {
        try run("clearing vectors") {
            try writer.write { db in
                try db.execute(sql: "UPDATE chunks SET vector = NULL WHERE vector IS NOT NULL")
                try db.execute(sql: "DELETE FROM meta WHERE key IN (?, ?, ?)", arguments: [
                    Schema.MetaKey.embeddingModel, Schema.MetaKey.embeddingDimension, Schema.MetaKey.embeddingPrecision,
                ])
                try Self.bumpGeneration(db)
            }
        }
    }

    static func embeddingModel(_ db: Database) throws -> (id: String, dimension: Int)? {
        guard let id = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?",
                                           arguments: [Schema.MetaKey.embeddingModel]),
              let dimension = try embeddingDimension(db) else { return nil }
        return (id, dimension)
    }

    static func embeddingDimension(_ db: Database) throws -> Int? {
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?",
                            arguments: [Schema.MetaKey.embeddingDimension]).flatMap { Int($0) }
    }
}
