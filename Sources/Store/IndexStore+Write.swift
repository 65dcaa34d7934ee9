import Foundation
import GRDB

extension IndexStore {
    /// Replaces each source (deleting its old documents, chunks, FTS rows and links, then inserting the
    /// new ones with their links), all in ONE transaction: either every source of the batch is stored,
    /// or none is.
    ///
    /// For example:
    /// ```swift
    /// let summary = try store.write([SourceInput(path: "a.md", contentHash: h, modificationDate: d,
    ///                                            size: 120, type: "markdown", documents: [document])])
    /// ```
    /// - Parameter sources: The sources to store; a path seen twice keeps its last version.
    /// - Returns: How many chunks were added and removed.
    /// - Throws: ``StoreError/invalidInput(_:)``, ``StoreError/embeddingModelNotSet``,
    ///   ``StoreError/vectorDimensionMismatch(expected:found:context:)``, ``StoreError/database(operation:path:message:)``.
    @discardableResult
    public func write(_ sources: [SourceInput]) throws -> WriteSummary {
        for source in sources where source.path.isEmpty {
            throw StoreError.invalidInput("a source has an empty path")
        }
        if sources.isEmpty { return WriteSummary() }
        return try run("writing \(sources.count) source(s)") {
            try writeWithLinks { db, links in
                let dimension = try Self.embeddingDimension(db)
                var summary = WriteSummary()
                let now = Date().timeIntervalSince1970
                let insertSource = try db.cachedStatement(sql: """
                    INSERT INTO sources(path, content_hash, mtime, size, type, indexed_at) VALUES (?, ?, ?, ?, ?, ?)
                    """)
                for source in sources {
                    summary.chunksRemoved += try Self.deleteSource(db, path: source.path, links: &links)
                    try insertSource.execute(arguments: [
                        source.path, source.contentHash, source.modificationDate.timeIntervalSince1970,
                        source.size, source.type, now,
                    ])
                    summary.chunksAdded += try Self.insertDocuments(db, source.documents, sourceID: db.lastInsertedRowID,
                                                                    dimension: dimension, links: &links)
                }
                return summary
            }
        }
    }

    /// Adds documents to the source at `path` (already written, e.g. by the first part of a large
    /// corpus) in one transaction; with `contentHash`, also records the source's hash, marking it
    /// complete. A corpus written in parts therefore keeps every committed part if the process dies,
    /// and until its last part commits its stored hash is not the file's, so a re-run redoes it.
    ///
    /// - Throws: ``StoreError/invalidInput(_:)`` if no source has that path; see ``write(_:)``.
    @discardableResult
    public func append(_ documents: [DocumentInput], toSource path: String, contentHash: String? = nil) throws -> WriteSummary {
        try run("adding \(documents.count) document(s) to \(path)") {
            try writeWithLinks { db, links in
                guard let sourceID = try Int64.fetchOne(db, sql: "SELECT id FROM sources WHERE path = ?", arguments: [path]) else {
                    throw StoreError.invalidInput("no source \(path) to add documents to")
                }
                var summary = WriteSummary()
                summary.chunksAdded = try Self.insertDocuments(db, documents, sourceID: sourceID,
                                                               dimension: try Self.embeddingDimension(db), links: &links)
                if let contentHash {
                    try db.execute(sql: "UPDATE sources SET content_hash = ?, indexed_at = ? WHERE id = ?",
                                   arguments: [contentHash, Date().timeIntervalSince1970, sourceID])
                }
                return summary
            }
        }
    }

    /// Inserts documents and their chunks (FTS rows follow by trigger) under a source, recording them
    /// in `links`; returns the number of chunks.
    static func insertDocuments(_ db: Database, _ documents: [DocumentInput], sourceID: Int64, dimension: Int?,
                                links: inout LinkMaintenance) throws -> Int {
        let insertDocument = try db.cachedStatement(sql: """
            INSERT INTO documents(source_id, name, title, type) VALUES (?, ?, ?, ?)
            """)
        let insertChunk = try db.cachedStatement(sql: """
            INSERT INTO chunks(document_id, ordinal, text, heading, start, "end", text_key, vector)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        var added = 0
        for document in documents {
            try insertDocument.execute(arguments: [sourceID, document.name, document.title, document.type])
            let documentID = db.lastInsertedRowID
            var chunkIDs: [(id: Int64, text: String)] = []
            chunkIDs.reserveCapacity(document.chunks.count)
            for chunk in document.chunks {
                var blob: Data?
                if let vector = chunk.vector {
                    guard let dimension else { throw StoreError.embeddingModelNotSet }
                    guard vector.count == dimension else {
                        throw StoreError.vectorDimensionMismatch(
                            expected: dimension, found: vector.count,
                            context: "chunk \(chunk.ordinal) of \(document.name)")
                    }
                    blob = VectorCoding.encode(vector)
                }
                try insertChunk.execute(arguments: [
                    documentID, chunk.ordinal, chunk.text, chunk.heading, chunk.start, chunk.end,
                    TextKey.of(chunk.text), blob,
                ])
                chunkIDs.append((db.lastInsertedRowID, chunk.text))
                added += 1
            }
            links.inserted(document: documentID, title: document.title, chunks: chunkIDs)
        }
        return added
    }

    /// Removes the sources at `paths` with their documents, chunks, FTS rows and links, in one
    /// transaction (links of other chunks to the removed documents go too). Unknown paths are ignored.
    @discardableResult
    public func removeSources(paths: [String]) throws -> WriteSummary {
        if paths.isEmpty { return WriteSummary() }
        return try run("removing \(paths.count) source(s)") {
            try writeWithLinks { db, links in
                var summary = WriteSummary()
                for path in paths {
                    summary.chunksRemoved += try Self.deleteSource(db, path: path, links: &links)
                }
                return summary
            }
        }
    }

    /// Deletes one source (triggers remove its chunks' FTS rows, the cascade its documents and their
    /// links); returns how many chunks went away.
    static func deleteSource(_ db: Database, path: String, links: inout LinkMaintenance) throws -> Int {
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM sources WHERE path = ?", arguments: [path]) else {
            return 0
        }
        let count = try Int.fetchOne(db, sql: """
            SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.source_id = ?
            """, arguments: [id]) ?? 0
        try links.removingDocuments(ofSource: id, db)
        try db.execute(sql: "DELETE FROM sources WHERE id = ?", arguments: [id])
        return count
    }

    /// Runs `body` in one write transaction with a ``LinkMaintenance`` that it records its changes
    /// in; then writes the links and bumps the generation in the same transaction. After commit, the
    /// updated title dictionary and word index are cached under the new generation.
    func writeWithLinks<T>(_ body: (Database, inout LinkMaintenance) throws -> T) throws -> T {
        let (result, links, generation) = try writer.write { db in
            var links = try LinkMaintenance(db, cache: cache)
            let result = try body(db, &links)
            try links.finish(db)
            try Self.bumpGeneration(db)
            return (result, links, try Self.generation(db))
        }
        links.cache(in: cache, generation: generation)
        return result
    }

    static func bumpGeneration(_ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO meta(key, value) VALUES ('generation', '1')
            ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)
            """)
    }
}

/// A 64-bit FNV-1a hash of a chunk text, indexed so that identical texts are found without
/// indexing the texts themselves (vector reuse on re-ingest).
package enum TextKey {
    package static func of(_ text: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }
}
