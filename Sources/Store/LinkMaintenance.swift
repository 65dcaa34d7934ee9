import Foundation
import GRDB

/// Keeps the `links` table in step with one write transaction: every write, append and removal
/// runs one of these, so links never disagree with the chunks and titles they were committed with.
///
/// - Inserted chunks get their out-links against the final title dictionary (existing titles and
///   the ones inserted in the same transaction).
/// - A key (normalised title) whose documents changed may add, drop or re-rank links of existing
///   chunks that mention it: those chunks are found in the ``ChunkWordIndex`` (chunks holding every
///   word of the key, a superset) and re-matched.
/// - Links of removed chunks and documents go with them (foreign-key cascade).
///
/// The title dictionary and the word index are taken from the store cache when they were built at
/// the transaction's generation (else loaded) and put back under the new generation after commit.
struct LinkMaintenance {
    static let cacheKey = "store.titleMatcher"

    private(set) var matcher: TitleMatcher
    private(set) var words: ChunkWordIndex
    /// The documents of each key touched by this transaction, as they were before it.
    private var documentsBefore: [String: [Int64]] = [:]
    private var insertedChunks: [(id: Int64, documentID: Int64, title: String, text: String)] = []
    /// Chunks re-matched because a key they may mention changed (for measurements and tests).
    private(set) var recheckedChunks = 0

    init(_ db: Database, cache: StoreCache) throws {
        let generation = try IndexStore.generation(db)
        matcher = try cache.take(Self.cacheKey, generation: generation, as: TitleMatcher.self) ?? Self.loadMatcher(db)
        words = try cache.take(ChunkWordIndex.cacheKey, generation: generation, as: ChunkWordIndex.self)
            ?? ChunkWordIndex.load(db)
    }

    /// Puts the updated dictionary and word index back into `cache` (after the transaction committed).
    func cache(in cache: StoreCache, generation: Int) {
        _ = cache.value(Self.cacheKey, generation: generation) { matcher }
        _ = cache.value(ChunkWordIndex.cacheKey, generation: generation) { words }
    }

    /// The title dictionary of every stored document.
    static func loadMatcher(_ db: Database) throws -> TitleMatcher {
        var matcher = TitleMatcher()
        let rows = try Row.fetchCursor(db, sql: "SELECT id, title FROM documents")
        while let row = try rows.next() { matcher.add(document: row[0], title: row[1]) }
        return matcher
    }

    // MARK: - Recording changes

    /// Call before the documents of `sourceID` are deleted.
    mutating func removingDocuments(ofSource sourceID: Int64, _ db: Database) throws {
        let rows = try Row.fetchAll(db, sql: "SELECT id, title FROM documents WHERE source_id = ?", arguments: [sourceID])
        var removed = Set<Int64>()
        for row in rows {
            let id: Int64 = row[0]
            let title: String = row[1]
            noteKeys(of: title)
            matcher.remove(document: id, title: title)
            removed.insert(id)
        }
        // Rowids may be reused by a later insert in the same transaction: forget these now.
        if !removed.isEmpty { insertedChunks.removeAll { removed.contains($0.documentID) } }
    }

    /// Call after a document and its chunks were inserted.
    mutating func inserted(document id: Int64, title: String, chunks: [(id: Int64, text: String)]) {
        noteKeys(of: title)
        matcher.add(document: id, title: title)
        for chunk in chunks { insertedChunks.append((chunk.id, id, title, chunk.text)) }
    }

    private mutating func noteKeys(of title: String) {
        for key in TitleMatcher.keys(forTitle: title) where documentsBefore[key] == nil {
            documentsBefore[key] = matcher.documents(forKey: key)
        }
    }

    // MARK: - Applying

    /// Writes the links the recorded changes call for; call once, after the last change.
    mutating func finish(_ db: Database) throws {
        let insert = try db.cachedStatement(sql: "INSERT INTO links(chunk_id, document_id) VALUES (?, ?)")
        var inserted = Set<Int64>()
        for chunk in insertedChunks {
            inserted.insert(chunk.id)
            let chunkWords = NormalizedWords(chunk.text)
            words.add(chunk: chunk.id, words: chunkWords)
            for target in matcher.linkedDocuments(in: chunkWords, ownTitle: chunk.title) {
                try insert.execute(arguments: [chunk.id, target])
            }
        }
        let limit = TitleMatcher.maximumDocumentsPerTitle
        var candidates = Set<Int64>()
        for (key, before) in documentsBefore {
            let after = matcher.documents(forKey: key)
            // A key ambiguous before and after links nothing either way.
            guard before != after, before.count <= limit || after.count <= limit else { continue }
            for id in words.candidates(forKey: key) where !inserted.contains(id) { candidates.insert(id) }
        }
        try Self.recompute(db, chunks: candidates.sorted(), with: matcher)
        recheckedChunks += candidates.count
    }

    /// Replaces the out-links of existing chunks with what `matcher` finds now (writing only differences).
    static func recompute(_ db: Database, chunks ids: [Int64], with matcher: TitleMatcher) throws {
        let read = try db.cachedStatement(sql: """
            SELECT c.id, c.text, d.title FROM chunks c JOIN documents d ON d.id = c.document_id
            WHERE c.id IN (SELECT value FROM json_each(?))
            """)
        if ids.isEmpty { return }
        let current = try db.cachedStatement(sql: "SELECT document_id FROM links WHERE chunk_id = ?")
        let insert = try db.cachedStatement(sql: "INSERT INTO links(chunk_id, document_id) VALUES (?, ?)")
        let delete = try db.cachedStatement(sql: "DELETE FROM links WHERE chunk_id = ? AND document_id = ?")
        var start = 0
        while start < ids.count {
            let group = ids[start..<min(start + 500, ids.count)]
            start += 500
            let rows = try Row.fetchAll(read, arguments: ["[" + group.map(String.init).joined(separator: ",") + "]"])
            for row in rows {
                let id: Int64 = row[0]
                let wanted = Set(matcher.linkedDocuments(inText: row[1], ownTitle: row[2]))
                let have = Set(try Int64.fetchAll(current, arguments: [id]))
                for target in have.subtracting(wanted) { try delete.execute(arguments: [id, target]) }
                for target in wanted.subtracting(have).sorted() { try insert.execute(arguments: [id, target]) }
            }
        }
    }

    /// Recomputes the whole `links` table from the documents and chunks (the v3 backfill).
    static func rebuild(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM links")
        var titles: [Int64: String] = [:]
        var matcher = TitleMatcher()
        let documents = try Row.fetchCursor(db, sql: "SELECT id, title FROM documents")
        while let row = try documents.next() {
            let id: Int64 = row[0]
            let title: String = row[1]
            titles[id] = title
            matcher.add(document: id, title: title)
        }
        let insert = try db.cachedStatement(sql: "INSERT INTO links(chunk_id, document_id) VALUES (?, ?)")
        let chunks = try Row.fetchCursor(db, sql: "SELECT id, document_id, text FROM chunks ORDER BY id")
        while let row = try chunks.next() {
            let id: Int64 = row[0]
            for target in matcher.linkedDocuments(inText: row[2], ownTitle: titles[row[1]]).sorted() {
                try insert.execute(arguments: [id, target])
            }
        }
    }
}
