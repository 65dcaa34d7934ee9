import Embeddings
import Store

/// Dense retrieval: the query's embedding against every chunk vector of the index (exact inner
/// product = cosine similarity, the vectors being L2-normalised), best first; hits carry their chunk.
///
/// For example:
/// ```swift
/// let loaded = try store.loadVectors()
/// let index = VectorIndex(ids: loaded.ids, dimension: loaded.dimension, matrix: loaded.matrix)
/// let dense = DenseRetriever(index: index, embedder: try MiniLMEmbedder(directory: dir), store: store)
/// let hits = try dense.search("Who wrote the Iliad?", limit: 5)
/// ```
public struct DenseRetriever: Retriever {
    public let index: VectorIndex
    public let embedder: any Embedder
    public let store: any IndexBackend

    public init(index: VectorIndex, embedder: any Embedder, store: any IndexBackend) {
        self.index = index
        self.embedder = embedder
        self.store = store
    }

    /// The `limit` chunks nearest to `query`, best first; score = cosine similarity in [-1, 1].
    /// - Throws: the embedder's or the store's errors.
    public func search(_ query: String, limit: Int) throws -> [SearchHit] {
        try search(queries: [query], limit: limit)[0]
    }

    /// Several queries at once: one embedding batch and one pass over the vectors for all of them.
    public func search(queries: [String], limit: Int) throws -> [[SearchHit]] {
        guard limit > 0, index.count > 0, !queries.isEmpty else { return queries.map { _ in [] } }
        let vectors = try embedder.embed(queries)
        let results = vectors.count == 1
            ? [index.search(vectors[0], limit: limit)]
            : index.search(batch: vectors, limit: limit)
        let wanted = Array(Set(results.flatMap { $0.map(\.id) }))
        var records: [Int64: ChunkRecord] = [:]
        for record in try store.chunks(ids: wanted) { records[record.id] = record }
        return results.map { hits in
            hits.map { SearchHit(chunkID: $0.id, score: Double($0.score), chunk: records[$0.id]) }
        }
    }
}
