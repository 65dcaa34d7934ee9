import CBLAS

/// Thin, row-major wrappers over OpenBLAS single-precision matrix products.
///
/// OpenBLAS runs single-threaded in rag (set at the first product): large products are split over
/// the kernels' one thread pool by ``multiplyInParallel(m:n:k:alpha:a:lda:b:ldb:transposeB:beta:c:ldc:)``
/// and ``multiplyVectorInParallel(m:n:a:lda:x:y:)``, so OpenBLAS's own threads never compete with it.
///
/// All matrices are row-major with an explicit leading dimension (the distance in floats between two
/// rows), so sub-blocks of a larger matrix (one attention head's columns, one sequence's rows) can be
/// passed without copying.
public enum Matrix {
    /// `C = alpha * op(A) · op(B) + beta * C` (row-major sgemm).
    ///
    /// For example, a PyTorch `Linear` layer (weight `[out, in]`) over `tokens` rows:
    /// ```swift
    /// Matrix.multiply(m: tokens, n: out, k: in, a: x, lda: in, b: w, ldb: in, transposeB: true, c: y, ldc: out)
    /// ```
    /// - Parameters:
    ///   - m: rows of `op(A)` and `C`.
    ///   - n: columns of `op(B)` and `C`.
    ///   - k: columns of `op(A)`, rows of `op(B)`.
    ///   - transposeA: use `Aᵀ` (A stored `k × m`).
    ///   - transposeB: use `Bᵀ` (B stored `n × k`).
    @inlinable
    public static func multiply(
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
        b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        precondition(m >= 0 && n >= 0 && k >= 0, "negative matrix dimension")
        if m == 0 || n == 0 { return }
        BLASThreads.keepSingle()
        cblas_sgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `y = alpha * op(A) · x + beta * y` (row-major sgemv); `A` is `m × n`.
    @inlinable
    public static func multiplyVector(
        m: Int, n: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
        x: UnsafePointer<Float>, beta: Float = 0, y: UnsafeMutablePointer<Float>
    ) {
        if m == 0 || n == 0 { return }
        BLASThreads.keepSingle()
        cblas_sgemv(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    /// ``multiply(m:n:k:alpha:a:lda:transposeA:b:ldb:transposeB:beta:c:ldc:)`` (A not transposed) split over
    /// the kernels' pool: along the rows of C when it has more rows than columns, else along its columns,
    /// each part one single-threaded sgemm. Small products run as one.
    public static func multiplyInParallel(
        m: Int, n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let parts = partsFor(flops: 2 * m * n * k, along: max(m, n))
        if parts <= 1 {
            multiply(m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, transposeB: transposeB,
                     beta: beta, c: c, ldc: ldc)
            return
        }
        ParallelFor.ranges(max(m, n), workers: parts) { range in
            let lo = range.lowerBound
            if m >= n {
                multiply(m: range.count, n: n, k: k, alpha: alpha, a: a + lo * lda, lda: lda, b: b, ldb: ldb,
                         transposeB: transposeB, beta: beta, c: c + lo * ldc, ldc: ldc)
            } else {
                multiply(m: m, n: range.count, k: k, alpha: alpha, a: a, lda: lda,
                         b: transposeB ? b + lo * ldb : b + lo, ldb: ldb, transposeB: transposeB,
                         beta: beta, c: c + lo, ldc: ldc)
            }
        }
    }

    /// `y = A · x` (A `m × n`, row-major) split over the kernels' pool along A's rows.
    public static func multiplyVectorInParallel(m: Int, n: Int, a: UnsafePointer<Float>, lda: Int,
                                                x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        let parts = partsFor(flops: 2 * m * n, along: m)
        ParallelFor.ranges(m, workers: max(1, parts)) { range in
            multiplyVector(m: range.count, n: n, a: a + range.lowerBound * lda, lda: lda, x: x, y: y + range.lowerBound)
        }
    }

    /// Parts worth running at once: one per core, each at least ~2 MFLOP and a row or column.
    static func partsFor(flops: Int, along: Int) -> Int {
        min(ParallelFor.defaultWorkers, along, max(1, flops / 2_000_000))
    }

    /// The plain triple-loop twin of ``multiply(m:n:k:alpha:a:lda:transposeA:b:ldb:transposeB:beta:c:ldc:)``,
    /// for tests.
    public static func referenceMultiply(
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
        b: UnsafePointer<Float>, ldb: Int, transposeB: Bool = false,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        for i in 0..<m {
            for j in 0..<n {
                var sum: Double = 0
                for p in 0..<k {
                    let av = transposeA ? a[p * lda + i] : a[i * lda + p]
                    let bv = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(av) * Double(bv)
                }
                let old = beta == 0 ? 0 : beta * c[i * ldc + j]
                c[i * ldc + j] = alpha * Float(sum) + old
            }
        }
    }
}

/// The number of threads OpenBLAS uses for one call: 1 in rag (see ``Matrix``), set at the first product.
public enum BLASThreads {
    @usableFromInline static let single: Bool = {
        openblas_set_num_threads(1)
        return true
    }()

    /// Makes OpenBLAS single-threaded once, before the first product.
    @inlinable public static func keepSingle() { _ = single }

    /// Sets the OpenBLAS thread count (a process-wide setting; rag's own code keeps it at 1 and
    /// parallelizes on the kernels' pool instead).
    public static func set(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// The current OpenBLAS thread count.
    public static var current: Int { Int(openblas_get_num_threads()) }
}
