import Foundation
import GRDB

/// Which way a ``ChunkLink`` goes.
public enum LinkDirection: String, Sendable, Equatable {
    /// The `from` chunk mentions the title of `to`'s document.
    case mentions
    /// `to` mentions the title of the `from` chunk's document.
    case mentionedBy
}

/// A chunk reached from another through the title-mention graph (see ``IndexStore/linkedChunks(from:limitPerDocument:mentionedByLimit:)``).
public struct ChunkLink: Sendable, Equatable {
    /// The chunk the link starts from (one of the ids asked about).
    public var from: Int64
    /// The linked chunk.
    public var to: ChunkRecord
    public var direction: LinkDirection

    public init(from: Int64, to: ChunkRecord, direction: LinkDirection) {
        self.from = from
        self.to = to
        self.direction = direction
    }
}

extension IndexStore {
    /// The chunks linked to the given chunks by title mentions, for multi-hop "bridging": passages of
    /// the documents each chunk mentions, and passages of other documents that mention the chunk's
    /// own document.
    ///
    /// For each chunk, in the order given: first `.mentions` links (the first `limitPerDocument`
    /// chunks by ordinal of each document whose title the chunk mentions, longest titles first), then
    /// `.mentionedBy` links (at most `mentionedByLimit` chunks of other documents that mention the
    /// chunk's document title, in index order). The given chunks themselves are never returned, and a
    /// chunk is returned at most once per `from`. Unknown ids are skipped. Title-matching rules:
    /// `TitleMatcher` (whole and core titles, word boundaries, case and diacritics folded, short,
    /// common and ambiguous titles skipped, at most 32 linked documents per chunk).
    ///
    /// For example:
    /// ```swift
    /// let hits = try store.searchFTS(#""sinister""#, limit: 5)
    /// for link in try store.linkedChunks(from: hits.map(\.chunk.id)) where link.direction == .mentions {
    ///     print(link.from, "→", link.to.title)   // 17 → Scott Derrickson
    /// }
    /// ```
    /// - Parameters:
    ///   - chunkIDs: The chunks to start from (e.g. the passages retrieved so far).
    ///   - limitPerDocument: How many chunks of each mentioned document to return.
    ///   - mentionedByLimit: How many mentioning chunks to return per given chunk.
    /// - Throws: ``StoreError/database(operation:path:message:)``.
    public func linkedChunks(from chunkIDs: [Int64], limitPerDocument: Int = 4,
                             mentionedByLimit: Int = 16) throws -> [ChunkLink] {
        if chunkIDs.isEmpty { return [] }
        return try run("reading links") {
            try writer.read { db in
                let given = Set(chunkIDs)
                let ownDocument = try db.cachedStatement(sql: "SELECT document_id FROM chunks WHERE id = ?")
                let mentioned = try db.cachedStatement(sql: """
                    SELECT l.document_id FROM links l JOIN documents d ON d.id = l.document_id
                    WHERE l.chunk_id = ? ORDER BY length(d.title) DESC, d.id
                    """)
                let firstChunks = try db.cachedStatement(sql: """
                    SELECT id FROM chunks WHERE document_id = ? ORDER BY ordinal, id LIMIT ?
                    """)
                let mentioning = try db.cachedStatement(sql: """
                    SELECT l.chunk_id FROM links l JOIN chunks c ON c.id = l.chunk_id
                    WHERE l.document_id = ? AND c.document_id <> ? AND l.chunk_id NOT IN (SELECT value FROM json_each(?))
                    ORDER BY l.chunk_id LIMIT ?
                    """)
                let givenList = "[" + given.sorted().map(String.init).joined(separator: ",") + "]"
                let planned = try LinkPlanner.plan(
                    from: chunkIDs, limitPerDocument: limitPerDocument, mentionedByLimit: mentionedByLimit,
                    documentOf: { try Int64.fetchOne(ownDocument, arguments: [$0]) },
                    mentionedChunks: { from in
                        try Int64.fetchAll(mentioned, arguments: [from]).flatMap {
                            try Int64.fetchAll(firstChunks, arguments: [$0, limitPerDocument])
                        }
                    },
                    mentioning: { document, limit in
                        try Int64.fetchAll(mentioning, arguments: [document, document, givenList, limit])
                    })
                return LinkPlanner.links(planned, records: try Self.chunkRecords(db, ids: Array(Set(planned.map(\.to)))))
            }
        }
    }

    /// The first chunk of each document whose title `text` mentions, longest titles first: the
    /// passages a question names ("Which film did Scott Derrickson direct?" → the "Scott Derrickson"
    /// document). Same rules as the stored links (`TitleMatcher`).
    ///
    /// The title dictionary is built once per index generation and cached in ``cache``.
    ///
    /// For example:
    /// ```swift
    /// let named = try store.documentsTitled(in: "Were Scott Derrickson and Ed Wood of the same nationality?", limit: 4)
    /// named.map(\.title)   // ["Scott Derrickson", "Ed Wood"]
    /// ```
    /// - Parameters:
    ///   - text: Any text, e.g. a question.
    ///   - limit: The most chunks to return.
    /// - Throws: ``StoreError/database(operation:path:message:)``.
    public func documentsTitled(in text: String, limit: Int) throws -> [ChunkRecord] {
        guard limit > 0 else { return [] }
        return try run("finding titles in a text") {
            try writer.read { db in
                let generation = try Self.generation(db)
                let matcher = try cache.value(LinkMaintenance.cacheKey, generation: generation) {
                    try LinkMaintenance.loadMatcher(db)
                }
                let firstChunk = try db.cachedStatement(sql: """
                    SELECT id FROM chunks WHERE document_id = ? ORDER BY ordinal, id LIMIT 1
                    """)
                var ids: [Int64] = []
                // Documents without chunks are skipped, so ask for more than `limit` documents.
                for document in matcher.titledDocuments(inText: text, limit: Int.max) {
                    if let id = try Int64.fetchOne(firstChunk, arguments: [document]) { ids.append(id) }
                    if ids.count == limit { break }
                }
                return try Self.chunkRecords(db, ids: ids)
            }
        }
    }

    /// The number of stored links (chunk → mentioned document).
    ///
    /// For example:
    /// ```swift
    /// let degree = Double(try store.linkCount()) / Double(try store.statistics().chunks)
    /// ```
    /// - Throws: ``StoreError/database(operation:path:message:)``.
    public func linkCount() throws -> Int {
        try run("counting links") {
            try writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM links") ?? 0 }
        }
    }
}
