import Foundation
import Kernels
import Testing
@testable import Retrieval

@Suite struct VectorIndexTests {
    /// Deterministic pseudo-random unit vectors.
    static func vectors(_ n: Int, _ d: Int, seed: UInt64) -> [Float] {
        var state = seed | 1
        var m = [Float](repeating: 0, count: n * d)
        for r in 0..<n {
            var norm: Float = 0
            for j in 0..<d {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                m[r * d + j] = Float(state % 20001) / 10000 - 1
                norm += m[r * d + j] * m[r * d + j]
            }
            for j in 0..<d { m[r * d + j] /= norm.squareRoot() }
        }
        return m
    }

    /// The plain twin: every score by a loop, full sort.
    static func reference(_ m: [Float], ids: [Int64], d: Int, query: [Float], limit: Int) -> [(id: Int64, score: Float)] {
        let scores = (0..<ids.count).map { r in (0..<d).reduce(Float(0)) { $0 + m[r * d + $1] * query[$1] } }
        return TopK.referenceSelect(scores, k: limit).map { (id: ids[$0.index], score: $0.score) }
    }

    @Test func singleAndBatchMatchReference() {
        let n = 40_000, d = 24
        let m = Self.vectors(n, d, seed: 3)
        let ids = (0..<n).map { Int64($0 * 7 + 100) }
        let index = VectorIndex(ids: ids, dimension: d, matrix: m)
        #expect(index.count == n)
        let queries = (0..<5).map { q in Array(Self.vectors(1, d, seed: UInt64(100 + q))) }
        let batch = index.search(batch: queries, limit: 10)
        for (q, query) in queries.enumerated() {
            let want = Self.reference(m, ids: ids, d: d, query: query, limit: 10)
            let single = index.search(query, limit: 10)
            #expect(single.map(\.id) == want.map(\.id))
            #expect(batch[q].map(\.id) == want.map(\.id))
            for (a, b) in zip(single, want) { #expect(abs(a.score - b.score) < 1e-5) }
        }
    }

    @Test func exactVectorIsItsOwnBestMatch() {
        let d = 8
        let m = Self.vectors(1000, d, seed: 9)
        let index = VectorIndex(ids: (0..<1000).map(Int64.init), dimension: d, matrix: m)
        for r in [0, 17, 999] {
            let hit = index.search(Array(m[r * d..<(r + 1) * d]), limit: 1)
            #expect(hit.first?.id == Int64(r))
            #expect(abs((hit.first?.score ?? 0) - 1) < 1e-5)
        }
    }

    @Test func edgeCases() {
        let index = VectorIndex(ids: [10, 11], dimension: 2, matrix: [1, 0, 0, 1])
        #expect(index.search([0.6, 0.8], limit: 1).map(\.id) == [11])
        #expect(index.search([0.6, 0.8], limit: 5).map(\.id) == [11, 10])   // limit above count
        #expect(index.search([0.6, 0.8], limit: 0).isEmpty)
        #expect(index.search([1, 2, 3], limit: 1).isEmpty)                  // wrong width
        let batch = index.search(batch: [[1, 0], [1, 2, 3], [0, 1]], limit: 1)
        #expect(batch.map { $0.map(\.id) } == [[10], [], [11]])
        let empty = VectorIndex(ids: [], dimension: 384, matrix: [])
        #expect(empty.search([Float](repeating: 0, count: 384), limit: 3).isEmpty)
        #expect(empty.search(batch: [[Float](repeating: 0, count: 384)], limit: 3).map(\.count) == [0])
    }

    @Test func tiesPreferTheLowerRow() {
        let index = VectorIndex(ids: [5, 6, 7], dimension: 1, matrix: [1, 1, 1])
        #expect(index.search([1], limit: 2).map(\.id) == [5, 6])
        #expect(index.search(batch: [[1], [1]], limit: 2).map { $0.map(\.id) } == [[5, 6], [5, 6]])
    }
}

@Suite struct TopKTests {
    @Test func matchesFullSort() {
        var state: UInt64 = 12345
        for n in [0, 1, 5, 100, 10_000] {
            let scores = (0..<n).map { _ -> Float in
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                return Float(state % 50) / 7   // many ties
            }
            for k in [0, 1, 3, 10, 200] {
                let got = TopK.select(scores, k: k)
                let want = TopK.referenceSelect(scores, k: k)
                #expect(got.map(\.index) == want.map(\.index))
            }
        }
    }

    @Test func sgemmMatchesReference() {
        let (m, n, k) = (7, 5, 9)
        let a = (0..<m * k).map { Float($0 % 11) - 5 }, b = (0..<n * k).map { Float($0 % 7) - 3 }
        var c1 = [Float](repeating: 1, count: m * n), c2 = c1
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c1.withUnsafeMutableBufferPointer { pc in
                    Matrix.multiply(m: m, n: n, k: k, alpha: 0.5, a: pa.baseAddress!, lda: k,
                                    b: pb.baseAddress!, ldb: k, transposeB: true, beta: 2, c: pc.baseAddress!, ldc: n)
                }
                c2.withUnsafeMutableBufferPointer { pc in
                    Matrix.referenceMultiply(m: m, n: n, k: k, alpha: 0.5, a: pa.baseAddress!, lda: k,
                                             b: pb.baseAddress!, ldb: k, transposeB: true, beta: 2, c: pc.baseAddress!, ldc: n)
                }
            }
        }
        #expect(c1 == c2)
    }
}
