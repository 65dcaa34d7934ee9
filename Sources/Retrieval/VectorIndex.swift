import Foundation
import Kernels

/// Exact maximum-inner-product search over all vectors held as one row-major float32 matrix.
///
/// One query is a matrix-vector product (BLAS sgemv, memory-bound: one pass over the matrix) followed
/// by a partial top-k selection; a batch of queries is a matrix product (sgemm) over blocks of rows,
/// so each block of the matrix is read once for the whole batch. With L2-normalised vectors the
/// score is the cosine similarity.
///
/// For example:
/// ```swift
/// let index = VectorIndex(ids: [10, 11], dimension: 2, matrix: [1, 0, 0, 1])
/// index.search([0.6, 0.8], limit: 1)   // [(id: 11, score: 0.8)]
/// ```
public struct VectorIndex: Sendable {
    /// Row `i` of the matrix belongs to `ids[i]` (a chunk id).
    public let ids: [Int64]
    /// Columns per vector.
    public let dimension: Int
    /// `[count, dimension]`, row-major.
    public let matrix: [Float]

    /// Rows scored per block in batched search: big enough for sgemm to be efficient, small enough
    /// that the score block (`queries × rows`) stays in cache.
    static let blockRows = 16_384

    /// Wraps an existing matrix without copying it.
    /// - Precondition: `matrix.count == ids.count * dimension` and `dimension > 0` when `ids` is not empty.
    public init(ids: [Int64], dimension: Int, matrix: [Float]) {
        precondition(matrix.count == ids.count * dimension, "matrix has \(matrix.count) floats, expected \(ids.count) × \(dimension)")
        precondition(ids.isEmpty || dimension > 0, "dimension must be positive")
        self.ids = ids
        self.dimension = dimension
        self.matrix = matrix
    }

    /// The number of vectors.
    public var count: Int { ids.count }

    /// The `limit` best vectors for `query` by inner product, best first (ties: lower row first).
    /// Returns [] when the index is empty or the query's width differs from ``dimension``.
    public func search(_ query: [Float], limit: Int) -> [(id: Int64, score: Float)] {
        guard count > 0, limit > 0, query.count == dimension else { return [] }
        var scores = [Float](repeating: 0, count: count)
        matrix.withUnsafeBufferPointer { m in
            query.withUnsafeBufferPointer { q in
                scores.withUnsafeMutableBufferPointer { s in
                    Matrix.multiplyVectorInParallel(m: count, n: dimension, a: m.baseAddress!, lda: dimension,
                                                    x: q.baseAddress!, y: s.baseAddress!)
                }
            }
        }
        return TopK.select(scores, k: limit).map { (id: ids[$0.index], score: $0.score) }
    }

    /// The `limit` best vectors for each query; the matrix is read once per block of rows for all
    /// queries. Queries whose width differs from ``dimension`` get [].
    public func search(batch queries: [[Float]], limit: Int) -> [[(id: Int64, score: Float)]] {
        let valid = queries.indices.filter { queries[$0].count == dimension }
        guard count > 0, limit > 0, !valid.isEmpty else { return queries.map { _ in [] } }
        if valid.count == 1 {
            var result = queries.map { _ in [(id: Int64, score: Float)]() }
            result[valid[0]] = search(queries[valid[0]], limit: limit)
            return result
        }
        let nq = valid.count, d = dimension
        var packed = [Float](repeating: 0, count: nq * d)
        for (row, q) in valid.enumerated() { packed.replaceSubrange(row * d..<(row + 1) * d, with: queries[q]) }
        let block = min(Self.blockRows, count)
        // candidates[q] collects each block's top `limit` as (row, score).
        var candidates = [[(index: Int, score: Float)]](repeating: [], count: nq)
        var scores = [Float](repeating: 0, count: nq * block)
        matrix.withUnsafeBufferPointer { m in
            packed.withUnsafeBufferPointer { p in
                scores.withUnsafeMutableBufferPointer { s in
                    candidates.withUnsafeMutableBufferPointer { cand in
                        var start = 0
                        while start < count {
                            let rows = min(block, count - start)
                            Matrix.multiplyInParallel(m: nq, n: rows, k: d, a: p.baseAddress!, lda: d,
                                            b: m.baseAddress! + start * d, ldb: d, transposeB: true,
                                            c: s.baseAddress!, ldc: rows)
                            let base = start
                            ParallelFor.ranges(nq, minimumPerWorker: 2) { range in
                                for q in range {
                                    let row = UnsafeBufferPointer(start: s.baseAddress! + q * rows, count: rows)
                                    for hit in TopK.select(row, k: limit) {
                                        cand[q].append((index: base + hit.index, score: hit.score))
                                    }
                                }
                            }
                            start += rows
                        }
                    }
                }
            }
        }
        var result = queries.map { _ in [(id: Int64, score: Float)]() }
        for (row, q) in valid.enumerated() {
            let best = candidates[row].sorted { $0.score > $1.score || ($0.score == $1.score && $0.index < $1.index) }
            result[q] = best.prefix(limit).map { (id: ids[$0.index], score: $0.score) }
        }
        return result
    }
}
