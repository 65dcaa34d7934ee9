/// Exact top-k selection over a score array by a bounded min-heap: O(n log k), one pass, no sort of
/// the whole array. Ties are broken by the lower index, so results are deterministic.
public enum TopK {
    /// The `k` largest scores, best first, as `(index, score)` pairs.
    ///
    /// For example:
    /// ```swift
    /// TopK.select([0.1, 0.9, 0.5], k: 2)   // [(1, 0.9), (2, 0.5)]
    /// ```
    public static func select(_ scores: UnsafeBufferPointer<Float>, k: Int) -> [(index: Int, score: Float)] {
        let k = min(k, scores.count)
        guard k > 0, let base = scores.baseAddress else { return [] }
        // Min-heap of the best k so far: heap[0] is the worst kept element.
        var heapScores = [Float](repeating: 0, count: k)
        var heapIndices = [Int](repeating: 0, count: k)
        heapScores.withUnsafeMutableBufferPointer { hs in
            heapIndices.withUnsafeMutableBufferPointer { hi in
                // "a is worse than b": lower score, or equal score with a higher index.
                @inline(__always) func worse(_ sa: Float, _ ia: Int, _ sb: Float, _ ib: Int) -> Bool {
                    sa < sb || (sa == sb && ia > ib)
                }
                @inline(__always) func siftDown(_ start: Int) {
                    var i = start
                    while true {
                        let l = 2 * i + 1
                        if l >= k { break }
                        var w = l
                        let r = l + 1
                        if r < k && worse(hs[r], hi[r], hs[l], hi[l]) { w = r }
                        if worse(hs[w], hi[w], hs[i], hi[i]) {
                            hs.swapAt(w, i); hi.swapAt(w, i); i = w
                        } else { break }
                    }
                }
                for i in 0..<k { hs[i] = base[i]; hi[i] = i }
                var i = k / 2
                while i > 0 { i -= 1; siftDown(i) }
                var threshold = hs[0]
                let n = scores.count
                var j = k
                while j < n {
                    let s = base[j]
                    // Strictly greater: an equal score with a higher index never displaces.
                    if s > threshold {
                        hs[0] = s; hi[0] = j
                        siftDown(0)
                        threshold = hs[0]
                    }
                    j += 1
                }
            }
        }
        var result = (0..<k).map { (index: heapIndices[$0], score: heapScores[$0]) }
        result.sort { $0.score > $1.score || ($0.score == $1.score && $0.index < $1.index) }
        return result
    }

    /// Array convenience for ``select(_:k:)-(UnsafeBufferPointer<Float>,_)``.
    public static func select(_ scores: [Float], k: Int) -> [(index: Int, score: Float)] {
        scores.withUnsafeBufferPointer { select($0, k: k) }
    }

    /// The plain twin (full sort) of ``select(_:k:)``, for tests.
    public static func referenceSelect(_ scores: [Float], k: Int) -> [(index: Int, score: Float)] {
        let sorted = scores.enumerated().sorted { $0.element > $1.element || ($0.element == $1.element && $0.offset < $1.offset) }
        return sorted.prefix(max(0, k)).map { (index: $0.offset, score: $0.element) }
    }
}
