import Testing

@testable import Kernels

/// The products split over the kernels' pool equal the plain twin, split along C's rows or columns,
/// with B transposed or not, and with beta accumulating.
@Suite struct ParallelMatrixTests {
    static func random(_ n: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<n).map { _ in Float.random(in: -1...1, using: &rng) }
    }

    @Test(arguments: [(m: 600, n: 40, k: 200), (m: 3, n: 5000, k: 384), (m: 1, n: 1, k: 1), (m: 97, n: 301, k: 130)])
    func splitProductsMatchTheReference(shape: (m: Int, n: Int, k: Int)) {
        let (m, n, k) = shape
        for transposeB in [true, false] {
            let a = Self.random(m * k, seed: 1), b = Self.random(n * k, seed: 2), c0 = Self.random(m * n, seed: 3)
            var fast = c0, reference = c0
            let ldb = transposeB ? k : n
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    fast.withUnsafeMutableBufferPointer {
                        Matrix.multiplyInParallel(m: m, n: n, k: k, alpha: 0.5, a: ap.baseAddress!, lda: k, b: bp.baseAddress!,
                                                  ldb: ldb, transposeB: transposeB, beta: 1, c: $0.baseAddress!, ldc: n)
                    }
                    reference.withUnsafeMutableBufferPointer {
                        Matrix.referenceMultiply(m: m, n: n, k: k, alpha: 0.5, a: ap.baseAddress!, lda: k, b: bp.baseAddress!,
                                                 ldb: ldb, transposeB: transposeB, beta: 1, c: $0.baseAddress!, ldc: n)
                    }
                }
            }
            #expect(zip(fast, reference).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) }, "\(shape) transposeB \(transposeB)")
        }
    }

    @Test func splitMatrixVectorMatchesTheReference() {
        let (m, n) = (50_001, 24)
        let a = Self.random(m * n, seed: 4), x = Self.random(n, seed: 5)
        var y = [Float](repeating: .nan, count: m)
        a.withUnsafeBufferPointer { ap in
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { Matrix.multiplyVectorInParallel(m: m, n: n, a: ap.baseAddress!, lda: n, x: xp.baseAddress!, y: $0.baseAddress!) }
            }
        }
        for r in stride(from: 0, to: m, by: 997) {
            var sum: Double = 0
            for j in 0..<n { sum += Double(a[r * n + j]) * Double(x[j]) }
            #expect(abs(Double(y[r]) - sum) < 1e-4)
        }
        #expect(!y.contains { $0.isNaN })
        #expect(BLASThreads.current == 1)
    }
}
