import Foundation
import PostgresNIO
import Store

extension PostgresIndexStore {
    /// Replaces each source (its old documents, chunks and links go first), all in one transaction.
    @discardableResult
    public func write(_ sources: [SourceInput]) throws -> WriteSummary {
        for source in sources where source.path.isEmpty {
            throw StoreError.invalidInput("a source has an empty path")
        }
        if sources.isEmpty { return WriteSummary() }
        return try writeTransaction("writing \(sources.count) source(s)") { session, links in
            let dimension = try Self.embeddingModel(session)?.dimension
            var summary = WriteSummary()
            let now = Date().timeIntervalSince1970
            for source in sources {
                summary.chunksRemoved += try Self.deleteSource(session, path: source.path, links: &links)
                let id = try session.query("""
                    INSERT INTO sources(path, content_hash, mtime, size, type, indexed_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
                    """, try binds(source.path, source.contentHash, source.modificationDate.timeIntervalSince1970,
                                   Int64(source.size), source.type, now), "adding source \(source.path)")
                    .first?.decode(Int64.self) ?? 0
                summary.chunksAdded += try Self.insertDocuments(session, source.documents, sourceID: id,
                                                                dimension: dimension, links: &links)
            }
            return summary
        }
    }

    @discardableResult
    public func append(_ documents: [DocumentInput], toSource path: String, contentHash: String? = nil) throws -> WriteSummary {
        try writeTransaction("adding \(documents.count) document(s) to \(path)") { session, links in
            guard let sourceID = try session.query("SELECT id FROM sources WHERE path = $1", try binds(path), "finding \(path)")
                .first?.decode(Int64.self) else {
                throw StoreError.invalidInput("no source \(path) to add documents to")
            }
            var summary = WriteSummary()
            summary.chunksAdded = try Self.insertDocuments(session, documents, sourceID: sourceID,
                                                           dimension: try Self.embeddingModel(session)?.dimension, links: &links)
            if let contentHash {
                try session.query("UPDATE sources SET content_hash = $1, indexed_at = $2 WHERE id = $3",
                                  try binds(contentHash, Date().timeIntervalSince1970, sourceID), "completing \(path)")
            }
            return summary
        }
    }

    @discardableResult
    public func removeSources(paths: [String]) throws -> WriteSummary {
        if paths.isEmpty { return WriteSummary() }
        return try writeTransaction("removing \(paths.count) source(s)") { session, links in
            var summary = WriteSummary()
            for path in paths { summary.chunksRemoved += try Self.deleteSource(session, path: path, links: &links) }
            return summary
        }
    }

    /// One write transaction under the write lock, with the title links brought in step before it
    /// commits and the generation bumped; the updated title dictionary is cached afterwards.
    func writeTransaction<T>(_ operation: String, _ body: (PostgresSession, inout PostgresLinks) throws -> T) throws -> T {
        guard !readOnly else {
            throw StoreError.invalidInput("the index \(location) was opened read-only")
        }
        return try pool.withConnection { session in
            let (result, matcher, generation) = try session.transaction(operation) {
                try session.query("SELECT pg_advisory_xact_lock($1)", try binds(PostgresSchema.writeLockKey), "taking the write lock")
                let before = try Self.generation(session)
                let matcher = try cache.take(titleCacheKey, generation: before, as: TitleMatcher.self)
                    ?? PostgresLinks.loadMatcher(session)
                var links = PostgresLinks(matcher: matcher)
                let result = try body(session, &links)
                try links.finish(session)
                try Self.bumpGeneration(session)
                return (result, links.matcher, try Self.generation(session))
            }
            _ = cache.value(titleCacheKey, generation: generation) { matcher }
            return result
        }
    }

    /// Deletes one source (documents, chunks and links follow by cascade); returns its chunk count.
    static func deleteSource(_ session: PostgresSession, path: String, links: inout PostgresLinks) throws -> Int {
        guard let id = try session.query("SELECT id FROM sources WHERE path = $1", try binds(path), "finding \(path)")
            .first?.decode(Int64.self) else { return 0 }
        let count = try session.query("""
            SELECT count(*) FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.source_id = $1
            """, try binds(id), "counting chunks of \(path)").first?.decode(Int64.self) ?? 0
        for row in try session.query("SELECT id, title FROM documents WHERE source_id = $1", try binds(id), "listing documents of \(path)") {
            let (document, title) = try row.decode((Int64, String).self)
            links.removing(document: document, title: title)
        }
        try session.query("DELETE FROM sources WHERE id = $1", try binds(id), "removing \(path)")
        return Int(count)
    }

    /// Inserts documents and their chunks in three round trips whatever their number: document ids
    /// drawn from the sequence, the documents as arrays, the chunks as arrays.
    static func insertDocuments(_ session: PostgresSession, _ documents: [DocumentInput], sourceID: Int64, dimension: Int?,
                                links: inout PostgresLinks) throws -> Int {
        if documents.isEmpty { return 0 }
        var vectors: [String] = []
        for document in documents {
            for chunk in document.chunks {
                guard let vector = chunk.vector else { vectors.append(""); continue }
                guard let dimension else { throw StoreError.embeddingModelNotSet }
                guard vector.count == dimension else {
                    throw StoreError.vectorDimensionMismatch(expected: dimension, found: vector.count,
                                                             context: "chunk \(chunk.ordinal) of \(document.name)")
                }
                vectors.append(PostgresVector.encode(vector))
            }
        }
        let ids = try session.query("SELECT nextval('documents_id_seq') FROM generate_series(1, $1)",
                                    try binds(Int64(documents.count)), "numbering \(documents.count) document(s)")
            .map { try $0.decode(Int64.self) }
        guard ids.count == documents.count else {
            throw PostgresStoreError.query(operation: "numbering documents", location: "", message: "expected \(documents.count) ids, got \(ids.count)")
        }
        try session.query(PostgresSQL.insertDocuments, try binds(
            sourceID, ids, documents.map(\.name), documents.map(\.title), documents.map(\.type)),
            "adding \(documents.count) document(s)")
        let chunks = documents.indices.flatMap { d in documents[d].chunks.map { (document: d, chunk: $0) } }
        var inserted: [Int64: [(id: Int64, text: String)]] = [:]
        if !chunks.isEmpty {
            let rows = try session.query(PostgresSQL.insertChunks, try binds(
                chunks.map { ids[$0.document] }, chunks.map { documents[$0.document].title },
                chunks.map { Int64($0.chunk.ordinal) }, chunks.map(\.chunk.heading), chunks.map(\.chunk.text),
                chunks.map { Int64($0.chunk.start) }, chunks.map { Int64($0.chunk.end) }, chunks.map { TextKey.of($0.chunk.text) },
                vectors, chunks.map { TitleMatcher.words(in: $0.chunk.text).joined(separator: " ") }), "adding \(chunks.count) chunk(s)")
            for row in rows {
                let (id, document, text) = try row.decode((Int64, Int64, String).self)
                inserted[document, default: []].append((id, text))
            }
        }
        for (index, document) in documents.enumerated() {
            links.inserted(document: ids[index], title: document.title, chunks: inserted[ids[index]] ?? [])
        }
        return chunks.count
    }
}
