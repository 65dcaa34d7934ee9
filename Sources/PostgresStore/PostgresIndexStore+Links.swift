import Foundation
import PostgresNIO
import Store

extension PostgresIndexStore {
    /// Chunks linked to the given ones by title mentions, in the order and with the limits of
    /// ``IndexStore/linkedChunks(from:limitPerDocument:mentionedByLimit:)``.
    public func linkedChunks(from chunkIDs: [Int64], limitPerDocument: Int = 4, mentionedByLimit: Int = 16) throws -> [ChunkLink] {
        if chunkIDs.isEmpty { return [] }
        return try read("reading links") { session in
            let givenList = Set(chunkIDs).sorted()
            let planned = try LinkPlanner.plan(
                from: chunkIDs, limitPerDocument: limitPerDocument, mentionedByLimit: mentionedByLimit,
                documentOf: { from in
                    try session.query("SELECT document_id FROM chunks WHERE id = $1", try binds(from), "reading links")
                        .first?.decode(Int64.self)
                },
                mentionedChunks: { from in
                    // The first chunks of each mentioned document, longest titles first.
                    try session.query("""
                        SELECT t.id FROM links l JOIN documents d ON d.id = l.document_id
                        CROSS JOIN LATERAL (SELECT c.id FROM chunks c WHERE c.document_id = l.document_id
                                            ORDER BY c.ordinal, c.id LIMIT $2) t
                        WHERE l.chunk_id = $1 ORDER BY length(d.title) DESC, d.id
                        """, try binds(from, Int64(limitPerDocument)), "reading links").map { try $0.decode(Int64.self) }
                },
                mentioning: { document, limit in
                    try session.query("""
                        SELECT l.chunk_id FROM links l JOIN chunks c ON c.id = l.chunk_id
                        WHERE l.document_id = $1 AND c.document_id <> $1 AND NOT (l.chunk_id = ANY($2))
                        ORDER BY l.chunk_id LIMIT $3
                        """, try binds(document, givenList, Int64(limit)), "reading links").map { try $0.decode(Int64.self) }
                })
            return LinkPlanner.links(planned, records: try Self.chunkRecords(session, ids: Array(Set(planned.map(\.to)))))
        }
    }

    /// The first chunk of each document whose title `text` mentions, longest titles first (the title
    /// dictionary is loaded once per index generation).
    public func documentsTitled(in text: String, limit: Int) throws -> [ChunkRecord] {
        guard limit > 0 else { return [] }
        return try read("finding titles in a text") { session in
            let generation = try Self.generation(session)
            let matcher = try cache.value(titleCacheKey, generation: generation) { try PostgresLinks.loadMatcher(session) }
            let documents = matcher.titledDocuments(inText: text, limit: Int.max)
            if documents.isEmpty { return [] }
            var first: [Int64: Int64] = [:]
            for row in try session.query("""
                SELECT DISTINCT ON (document_id) document_id, id FROM chunks WHERE document_id = ANY($1)
                ORDER BY document_id, ordinal, id
                """, try binds(documents), "finding titles in a text") {
                let (document, chunk) = try row.decode((Int64, Int64).self)
                first[document] = chunk
            }
            let ids = Array(documents.compactMap { first[$0] }.prefix(limit))
            return try Self.chunkRecords(session, ids: ids)
        }
    }

    public func linkCount() throws -> Int {
        try read("counting links") { session in
            Int(try session.query("SELECT count(*) FROM links", PostgresBindings(), "counting links").first?.decode(Int64.self) ?? 0)
        }
    }
}
