/// Fuses several retrievers by reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009):
/// `score(d) = Σ_r 1 / (k + rank_r(d))`, ranks counted from 1, over each retriever's top `candidates`.
///
/// For example:
/// ```swift
/// let hybrid = HybridRetriever([BM25Retriever(store: store), dense])
/// let hits = try hybrid.search("fts5 tokenizer", limit: 10)
/// ```
public struct HybridRetriever: Retriever {
    public let retrievers: [any Retriever]
    /// The RRF constant (60 in the paper).
    public let k: Double
    /// How many hits each retriever contributes before fusion.
    public let candidates: Int

    public init(_ retrievers: [any Retriever], k: Double = 60, candidates: Int = 50) {
        self.retrievers = retrievers
        self.k = k
        self.candidates = max(1, candidates)
    }

    public func search(_ query: String, limit: Int) throws -> [SearchHit] {
        guard limit > 0 else { return [] }
        let lists = try retrievers.map { try $0.search(query, limit: max(candidates, limit)) }
        return Self.fuse(lists, k: k, limit: limit)
    }

    /// Reciprocal rank fusion of ranked lists (each best first). Ties are broken by the best single
    /// rank, then by chunk id, so the result is deterministic. A chunk listed twice in one list counts once.
    public static func fuse(_ lists: [[SearchHit]], k: Double = 60, limit: Int) -> [SearchHit] {
        struct Entry {
            var score: Double
            var bestRank: Int
            var chunk: SearchHit
        }
        var entries: [Int64: Entry] = [:]
        for list in lists {
            var seen = Set<Int64>()
            for (index, hit) in list.enumerated() where seen.insert(hit.chunkID).inserted {
                let rank = index + 1
                let contribution = 1.0 / (k + Double(rank))
                if var entry = entries[hit.chunkID] {
                    entry.score += contribution
                    entry.bestRank = min(entry.bestRank, rank)
                    if entry.chunk.chunk == nil { entry.chunk.chunk = hit.chunk }
                    entries[hit.chunkID] = entry
                } else {
                    entries[hit.chunkID] = Entry(score: contribution, bestRank: rank, chunk: hit)
                }
            }
        }
        let ordered = entries.values.sorted {
            if $0.score != $1.score { return $0.score > $1.score }
            if $0.bestRank != $1.bestRank { return $0.bestRank < $1.bestRank }
            return $0.chunk.chunkID < $1.chunk.chunkID
        }
        return ordered.prefix(max(0, limit)).map { SearchHit(chunkID: $0.chunk.chunkID, score: $0.score, chunk: $0.chunk.chunk) }
    }
}
