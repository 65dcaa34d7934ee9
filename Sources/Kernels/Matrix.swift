import CBLAS

/// Thin, row-major wrappers over OpenBLAS single-precision matrix products.
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
        cblas_sgemv(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
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

/// The number of threads OpenBLAS uses for one call.
public enum BLASThreads {
    /// Sets the OpenBLAS thread count (a process-wide setting).
    public static func set(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// The current OpenBLAS thread count.
    public static var current: Int { Int(openblas_get_num_threads()) }
}
