import Foundation
import Store

/// An in-memory BM25 index that ranks exactly like FTS5's `bm25()` over the store's FTS5 table, but
/// scores a query by walking only the postings of its terms with precomputed impacts (as bm25s does,
/// Lù 2024, arXiv 2407.03618 §2): no per-row auxiliary-function calls, no per-row document-size lookups.
///
/// Built from ``IndexStore/lexicalPostings()`` (same tokens, same column weights); FTS5's formula
/// (`fts5_aux.c`): `score = Σ_phrase idf · f·(k1+1) / (f + k1·(1 − b + b·D/avgdl))` with `k1 = 1.2`,
/// `b = 0.75`, `idf = ln((N − n + 0.5)/(n + 0.5))` floored at 1e-6, `f` the column-weighted frequency
/// and `D` the row's token count. Query words that FTS5 would read as a multi-token phrase are scored
/// here as separate terms (rare: the query builder splits words like `unicode61`).
///
/// For example:
/// ```swift
/// let index = BM25MemoryIndex(try store.lexicalPostings())
/// let top = index.search(tokens: try store.ftsTokens(["porter", "tokenizer"]), limit: 10)
/// ```
public struct BM25MemoryIndex: Sendable {
    public static let k1 = 1.2
    public static let b = 0.75

    /// The store generation the index reflects.
    public let generation: Int
    let chunkIDs: [Int64]
    let termIDs: [String: Int]
    let termStarts: [Int]
    let documents: [UInt32]
    /// Each posting's contribution to a document's score.
    let impacts: [Double]
    /// Query word -> FTS5 tokens, filled on demand (tokenizing needs a database round trip).
    let tokenCache = TokenCache()

    /// Number of indexed chunks.
    public var count: Int { chunkIDs.count }

    public init(_ postings: LexicalPostings) {
        let k1 = Self.k1, b = Self.b
        let rowCount = postings.chunkIDs.count
        let totalTokens = postings.documentLengths.reduce(0) { $0 + Int($1) }
        let averageLength = rowCount > 0 ? Double(totalTokens) / Double(rowCount) : 1
        var impacts = [Double](repeating: 0, count: postings.documents.count)
        for term in 0..<postings.terms.count {
            let start = postings.termStarts[term], end = postings.termStarts[term + 1]
            let hits = Double(end - start)
            var idf = log((Double(rowCount) - hits + 0.5) / (hits + 0.5))
            if idf <= 0 { idf = 1e-6 }
            for posting in start..<end {
                let f = postings.frequencies[posting]
                let length = Double(postings.documentLengths[Int(postings.documents[posting])])
                impacts[posting] = idf * ((f * (k1 + 1.0)) / (f + k1 * (1 - b + b * length / averageLength)))
            }
        }
        var termIDs: [String: Int] = [:]
        termIDs.reserveCapacity(postings.terms.count)
        for (index, term) in postings.terms.enumerated() { termIDs[term] = index }
        self.generation = postings.generation
        self.chunkIDs = postings.chunkIDs
        self.termIDs = termIDs
        self.termStarts = postings.termStarts
        self.documents = postings.documents
        self.impacts = impacts
    }

    /// Best chunks for the query, best first (score descending, then chunk id ascending).
    /// - Parameter tokens: FTS5 tokens of each query word (``IndexStore/ftsTokens(_:)``); each token
    ///   counts once per word it came from, as each quoted word is one FTS5 phrase.
    public func search(tokens: [[String]], limit: Int) -> [(chunkID: Int64, score: Double)] {
        guard limit > 0, !chunkIDs.isEmpty else { return [] }
        var postingRanges: [Range<Int>] = []
        for word in tokens {
            for token in word {
                guard let term = termIDs[token] else { continue }
                postingRanges.append(termStarts[term]..<termStarts[term + 1])
            }
        }
        if postingRanges.isEmpty { return [] }
        var scores = [Double](repeating: 0, count: chunkIDs.count)
        var touched: [UInt32] = []
        documents.withUnsafeBufferPointer { documents in
            impacts.withUnsafeBufferPointer { impacts in
                scores.withUnsafeMutableBufferPointer { scores in
                    for range in postingRanges {
                        for posting in range {
                            let document = Int(documents[posting])
                            if scores[document] == 0 { touched.append(UInt32(document)) }
                            scores[document] += impacts[posting]
                        }
                    }
                }
            }
        }
        return Self.top(limit, of: touched, scores: scores, chunkIDs: chunkIDs)
    }

    /// The `limit` best documents among `candidates` by score, ties by chunk id.
    static func top(_ limit: Int, of candidates: [UInt32], scores: [Double], chunkIDs: [Int64]) -> [(chunkID: Int64, score: Double)] {
        // Keep the best `limit` in a small array sorted worst-last; most candidates lose to the worst kept.
        var best: [(chunkID: Int64, score: Double)] = []
        best.reserveCapacity(limit + 1)
        func better(_ a: (chunkID: Int64, score: Double), _ b: (chunkID: Int64, score: Double)) -> Bool {
            a.score != b.score ? a.score > b.score : a.chunkID < b.chunkID
        }
        for document in candidates {
            let candidate = (chunkID: chunkIDs[Int(document)], score: scores[Int(document)])
            if best.count == limit, !better(candidate, best[limit - 1]) { continue }
            var position = best.count
            while position > 0, better(candidate, best[position - 1]) { position -= 1 }
            best.insert(candidate, at: position)
            if best.count > limit { best.removeLast() }
        }
        return best
    }
}

/// Query word -> FTS5 tokens, shared by the searches of one ``BM25MemoryIndex``.
final class TokenCache: @unchecked Sendable {
    private let lock = NSLock()
    private var tokens: [String: [String]] = [:]
    static let capacity = 100_000

    /// Tokens of each word, asking `tokenize` only for the words not seen before.
    func tokens(for words: [String], tokenize: ([String]) throws -> [[String]]) throws -> [[String]] {
        lock.lock()
        var result = words.map { tokens[$0] }
        lock.unlock()
        let missing = words.indices.filter { result[$0] == nil }
        if missing.isEmpty { return result.map { $0! } }
        let fresh = try tokenize(missing.map { words[$0] })
        lock.lock()
        if tokens.count > Self.capacity { tokens.removeAll(keepingCapacity: true) }
        for (position, index) in missing.enumerated() {
            result[index] = fresh[position]
            tokens[words[index]] = fresh[position]
        }
        lock.unlock()
        return result.map { $0 ?? [] }
    }
}
