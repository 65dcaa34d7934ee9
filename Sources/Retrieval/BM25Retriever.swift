import Foundation
import Store

/// Lexical retrieval: BM25 over the index's FTS5 table (`porter unicode61`, title and heading weighted).
///
/// Questions are natural language, so the query keeps only their keywords (see ``FTSQueryBuilder``),
/// OR-ed: a passage needs no particular word to be found, and rarer words weigh more (BM25's IDF).
///
/// Two engines give the same ranking: FTS5's `bm25()` in SQLite (no start-up cost, ~100–300 queries/s
/// on 24k chunks because every row matching any keyword is scored through FTS5's auxiliary-function
/// API) and ``BM25MemoryIndex`` (built once from the FTS5 index, ~1 s per 2M tokens, then thousands of
/// queries/s). `.automatic` answers the first queries of a store with FTS5 and builds the in-memory
/// index once a store has served `buildAfter` queries — a one-off `rag search` stays instant, an
/// evaluation or a server gets the fast path. The in-memory index is cached on the store and rebuilt
/// after any write.
///
/// For example:
/// ```swift
/// let bm25 = BM25Retriever(store: store)
/// for hit in try bm25.search("How does FTS5 tokenize text?", limit: 5) { print(hit.chunk!.title) }
/// ```
public struct BM25Retriever: Retriever {
    /// How queries are scored.
    public enum Engine: Sendable, Equatable {
        /// FTS5's `bm25()` inside SQLite.
        case fts5
        /// The in-memory index (built on first use, cached on the store).
        case memory
        /// FTS5 until the store has served `buildAfter` queries (or the index is already built), then memory.
        case automatic(buildAfter: Int)
    }

    static let cacheKey = "retrieval.bm25.memory"
    static let counterKey = "retrieval.bm25.queries"

    public let store: IndexStore
    public let engine: Engine

    public init(store: IndexStore, engine: Engine = .automatic(buildAfter: 16)) {
        self.store = store
        self.engine = engine
    }

    /// Best chunks for `query`, best first; hits carry their ``ChunkRecord``. Score = −bm25 (higher is better).
    /// Text without any searchable word returns no hits.
    public func search(_ query: String, limit: Int) throws -> [SearchHit] {
        guard limit > 0 else { return [] }
        let keywords = FTSQueryBuilder.keywords(in: query)
        if keywords.isEmpty { return [] }
        if let index = try memoryIndex() {
            let tokens = try index.tokenCache.tokens(for: keywords) { try store.ftsTokens($0) }
            let ranked = index.search(tokens: tokens, limit: limit)
            let records = try store.chunks(ids: ranked.map(\.chunkID))
            var byID: [Int64: ChunkRecord] = [:]
            for record in records { byID[record.id] = record }
            return ranked.compactMap { entry in
                byID[entry.chunkID].map { SearchHit(chunkID: entry.chunkID, score: entry.score, chunk: $0) }
            }
        }
        let expression = keywords.map(FTSQueryBuilder.quoted).joined(separator: " OR ")
        return try store.searchFTS(expression, limit: limit).map {
            SearchHit(chunkID: $0.chunk.id, score: $0.score, chunk: $0.chunk)
        }
    }

    /// The in-memory index this search should use, or nil to use FTS5.
    func memoryIndex() throws -> BM25MemoryIndex? {
        switch engine {
        case .fts5:
            return nil
        case .memory:
            return try store.cache.value(Self.cacheKey, generation: store.generation()) {
                BM25MemoryIndex(try store.lexicalPostings())
            }
        case let .automatic(buildAfter):
            let generation = try store.generation()
            if let index = store.cache.value(Self.cacheKey, generation: generation, as: BM25MemoryIndex.self) {
                return index
            }
            guard store.cache.increment(Self.counterKey) > buildAfter else { return nil }
            return try store.cache.value(Self.cacheKey, generation: generation) {
                BM25MemoryIndex(try store.lexicalPostings())
            }
        }
    }
}
