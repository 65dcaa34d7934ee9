import Embeddings
import Store

/// Lexical retrieval by a database that ranks itself (PostgreSQL: BM25 with pg_textsearch, else
/// ts_rank_cd): the question's keywords (``FTSQueryBuilder``), any of them, as ``BM25Retriever``
/// sends them to FTS5.
public struct ServerLexicalRetriever: Retriever {
    public let backend: any ServerRankedBackend

    public init(backend: any ServerRankedBackend) {
        self.backend = backend
    }

    public func search(_ query: String, limit: Int) throws -> [SearchHit] {
        let keywords = FTSQueryBuilder.keywords(in: query)
        guard limit > 0, !keywords.isEmpty else { return [] }
        return try backend.lexicalSearch(keywords: keywords, limit: limit).map(SearchHit.init)
    }
}

/// Dense retrieval by the database's vector index (PostgreSQL: pgvector HNSW, cosine); `exact`
/// scans every vector instead (the reference the approximate index is measured against).
public struct ServerDenseRetriever: Retriever {
    public let backend: any ServerRankedBackend
    public let embedder: any Embedder
    public let exact: Bool

    public init(backend: any ServerRankedBackend, embedder: any Embedder, exact: Bool = false) {
        self.backend = backend
        self.embedder = embedder
        self.exact = exact
    }

    public func search(_ query: String, limit: Int) throws -> [SearchHit] {
        guard limit > 0 else { return [] }
        let vector = try embedder.embed([query])[0]
        return try backend.vectorSearch(vector, limit: limit, exact: exact).map(SearchHit.init)
    }
}

/// Hybrid retrieval fused by the database in one statement, by the rules of ``HybridRetriever``
/// (the lexical list first, the vector list second; each `candidates` deep). A question without
/// keywords is searched by its vector alone.
public struct ServerHybridRetriever: Retriever {
    public let backend: any ServerRankedBackend
    public let embedder: any Embedder
    public let fusion: HybridRetriever.Fusion
    public let candidates: Int

    public init(backend: any ServerRankedBackend, embedder: any Embedder, fusion: HybridRetriever.Fusion, candidates: Int = 50) {
        self.backend = backend
        self.embedder = embedder
        self.fusion = fusion
        self.candidates = max(1, candidates)
    }

    public func search(_ query: String, limit: Int) throws -> [SearchHit] {
        guard limit > 0 else { return [] }
        let vector = try embedder.embed([query])[0]
        let keywords = FTSQueryBuilder.keywords(in: query)
        if keywords.isEmpty { return try backend.vectorSearch(vector, limit: limit, exact: false).map(SearchHit.init) }
        let backendFusion: BackendFusion
        switch fusion {
        case .reciprocalRank(let k): backendFusion = .reciprocalRank(k: k)
        case .convex(let weights): backendFusion = .convex(lexical: weights.first ?? 0.5, vector: weights.dropFirst().first ?? 0.5)
        }
        return try backend.hybridSearch(keywords: keywords, vector: vector, limit: limit, candidates: candidates,
                                        fusion: backendFusion).map(SearchHit.init)
    }
}

extension SearchHit {
    init(_ ranked: RankedChunk) {
        self.init(chunkID: ranked.chunk.id, score: ranked.score, chunk: ranked.chunk)
    }
}
