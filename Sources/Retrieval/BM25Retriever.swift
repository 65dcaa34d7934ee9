import Store

/// Lexical retrieval: BM25 over the index's FTS5 table (`porter unicode61`, title and heading weighted).
///
/// Questions are natural language, so the query keeps only their keywords (see ``FTSQueryBuilder``),
/// OR-ed: a passage needs no particular word to be found, and rarer words weigh more (BM25's IDF).
///
/// For example:
/// ```swift
/// let bm25 = BM25Retriever(store: store)
/// for hit in try bm25.search("How does FTS5 tokenize text?", limit: 5) { print(hit.chunk!.title) }
/// ```
public struct BM25Retriever: Retriever {
    public let store: IndexStore

    public init(store: IndexStore) {
        self.store = store
    }

    /// Best chunks for `query`, best first; hits carry their ``ChunkRecord``. Score = −bm25 (higher is better).
    /// Text without any searchable word returns no hits.
    public func search(_ query: String, limit: Int) throws -> [SearchHit] {
        guard limit > 0, let expression = FTSQueryBuilder.query(for: query) else { return [] }
        return try store.searchFTS(expression, limit: limit).map {
            SearchHit(chunkID: $0.chunk.id, score: $0.score, chunk: $0.chunk)
        }
    }
}
