/// Fuses several retrievers' top `candidates` hits, by one of two rules:
/// - reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): `score(d) = Σ_r 1 / (k + rank_r(d))`,
///   ranks counted from 1;
/// - a convex combination of min-max normalised scores (Bruch, Gai & Ingber, "An Analysis of Fusion
///   Functions for Hybrid Retrieval", TOIS 2023): `score(d) = Σ_r w_r · (s_r(d) − min_r) / (max_r − min_r)`
///   over each list's candidates, 0 where a list lacks d. It keeps how far apart scores are, which
///   ranks throw away, and needs one weight tuned.
///
/// For example:
/// ```swift
/// let hybrid = HybridRetriever([BM25Retriever(store: store), dense])
/// let hits = try hybrid.search("fts5 tokenizer", limit: 10)
/// ```
public struct HybridRetriever: Retriever {
    /// How the lists are combined.
    public enum Fusion: Sendable, Equatable {
        /// Reciprocal rank fusion with constant `k` (60 in the paper).
        case reciprocalRank(k: Double)
        /// Convex combination of min-max normalised scores, one weight per retriever.
        case convex(weights: [Double])
    }

    public let retrievers: [any Retriever]
    public let fusion: Fusion
    /// How many hits each retriever contributes before fusion.
    public let candidates: Int

    public init(_ retrievers: [any Retriever], fusion: Fusion = .reciprocalRank(k: 60), candidates: Int = 50) {
        self.retrievers = retrievers
        self.fusion = fusion
        self.candidates = max(1, candidates)
    }

    public init(_ retrievers: [any Retriever], k: Double, candidates: Int = 50) {
        self.init(retrievers, fusion: .reciprocalRank(k: k), candidates: candidates)
    }

    public func search(_ query: String, limit: Int) throws -> [SearchHit] {
        guard limit > 0 else { return [] }
        let lists = try retrievers.map { try $0.search(query, limit: max(candidates, limit)) }
        switch fusion {
        case .reciprocalRank(let k): return Self.fuse(lists, k: k, limit: limit)
        case .convex(let weights): return Self.combine(lists, weights: weights, limit: limit)
        }
    }

    /// Convex combination of min-max normalised scores (see the type's documentation). A list whose
    /// scores are all equal gives each of its hits 1. Ties are broken by chunk id.
    public static func combine(_ lists: [[SearchHit]], weights: [Double], limit: Int) -> [SearchHit] {
        var scores: [Int64: Double] = [:]
        var hits: [Int64: SearchHit] = [:]
        for (list, weight) in zip(lists, weights) {
            guard let low = list.map(\.score).min(), let high = list.map(\.score).max() else { continue }
            var seen = Set<Int64>()
            for hit in list where seen.insert(hit.chunkID).inserted {
                let normalised = high > low ? (hit.score - low) / (high - low) : 1
                scores[hit.chunkID, default: 0] += weight * normalised
                if hits[hit.chunkID]?.chunk == nil { hits[hit.chunkID] = hit }
            }
        }
        let ordered = scores.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        return ordered.prefix(max(0, limit)).map { id, score in
            SearchHit(chunkID: id, score: score, chunk: hits[id]?.chunk)
        }
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
