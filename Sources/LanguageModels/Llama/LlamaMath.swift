import CKernels

/// The small float operations of the forward pass (the matrix products live in the kernels).
/// Loops use SIMD16 explicitly: without fast-math the compiler will not vectorize reductions.
enum LlamaMath {
    /// Σ a[i]·b[i] over `n` floats.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
        var i = 0
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        while i + 32 <= n {
            acc0 += ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                * rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            acc1 += ra.loadUnaligned(fromByteOffset: i * 4 + 64, as: SIMD16<Float>.self)
                * rb.loadUnaligned(fromByteOffset: i * 4 + 64, as: SIMD16<Float>.self)
            i += 32
        }
        while i + 16 <= n {
            acc0 += ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                * rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            i += 16
        }
        var sum = horizontalSum(acc0 + acc1)
        while i < n { sum += a[i] * b[i]; i += 1 }
        return sum
    }

    /// scores[r][j] = scale · Σ_d queries_r[d] · key_j[d] for j in 0..<span (rounded up to 16;
    /// `keys` must have room) and the first `rows` of 4 query rows (the others are computed and
    /// dropped). Keys are in tiles `[j / 16][d][16]`, so each 16 positions take `dimension`
    /// contiguous loads and 4 × `dimension` broadcast FMAs.
    @inline(__always)
    static func scores4(queries: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>),
                        keys: UnsafePointer<Float>, dimension: Int, span: Int, scale: Float,
                        into scores: UnsafeMutablePointer<Float>, rowStride: Int, rows: Int) {
        let (q0, q1, q2, q3) = queries
        let raw = UnsafeRawPointer(keys)
        var j = 0
        while j < span {
            var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
            let tile = j * dimension * 4  // bytes: (j / 16) tiles of dimension × 16 floats
            for d in 0..<dimension {
                let k = raw.loadUnaligned(fromByteOffset: tile + d * 64, as: SIMD16<Float>.self)
                a0 += SIMD16(repeating: q0[d]) * k
                a1 += SIMD16(repeating: q1[d]) * k
                a2 += SIMD16(repeating: q2[d]) * k
                a3 += SIMD16(repeating: q3[d]) * k
            }
            let out = UnsafeMutableRawPointer(scores)
            let s = SIMD16<Float>(repeating: scale)
            out.storeBytes(of: a0 * s, toByteOffset: j * 4, as: SIMD16<Float>.self)
            if rows > 1 { out.storeBytes(of: a1 * s, toByteOffset: (rowStride + j) * 4, as: SIMD16<Float>.self) }
            if rows > 2 { out.storeBytes(of: a2 * s, toByteOffset: (2 * rowStride + j) * 4, as: SIMD16<Float>.self) }
            if rows > 3 { out.storeBytes(of: a3 * s, toByteOffset: (3 * rowStride + j) * 4, as: SIMD16<Float>.self) }
            j += 16
        }
    }

    /// Tree reduction of the lanes (SIMD16.sum() compiles to a serial chain of 15 adds).
    @inline(__always)
    static func horizontalSum(_ v: SIMD16<Float>) -> Float {
        let v8 = v.lowHalf + v.highHalf
        let v4 = v8.lowHalf + v8.highHalf
        let v2 = v4.lowHalf + v4.highHalf
        return v2[0] + v2[1]
    }

    /// y[i] += alpha·x[i] over `n` floats.
    @inline(__always)
    static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        var i = 0
        let rx = UnsafeRawPointer(x), ry = UnsafeMutableRawPointer(y)
        let a = SIMD16<Float>(repeating: alpha)
        while i + 16 <= n {
            let v = ry.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
                + a * rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            ry.storeBytes(of: v, toByteOffset: i * 4, as: SIMD16<Float>.self)
            i += 16
        }
        while i < n { y[i] += alpha * x[i]; i += 1 }
    }

    /// out = x / sqrt(mean(x²) + eps) ⊙ weight, over `n` floats (`out` may alias `x`).
    static func rmsNorm(_ x: UnsafePointer<Float>, weight: UnsafePointer<Float>, epsilon: Float,
                        into out: UnsafeMutablePointer<Float>, _ n: Int) {
        let meanSquare = dot(x, x, n) / Float(n)
        let scale = 1 / (meanSquare + epsilon).squareRoot()
        for i in 0..<n { out[i] = x[i] * scale * weight[i] }
    }

    /// x[i] += y[i]
    static func add(_ y: UnsafePointer<Float>, into x: UnsafeMutablePointer<Float>, _ n: Int) {
        axpy(1, y, x, n)
    }

    /// gate[i] = silu(gate[i]) · up[i]  (SwiGLU)
    static func swiglu(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, _ n: Int) {
        for i in 0..<n {
            let g = gate[i]
            gate[i] = g / (1 + (-g).exp) * up[i]
        }
    }

    /// x[i] = exp(x[i] − max x) in place; returns the maximum and the sum: an unnormalised softmax
    /// (decode attention merges these per key range).
    static func shiftedExp(_ x: UnsafeMutablePointer<Float>, _ n: Int) -> (maximum: Float, sum: Float) {
        var maximum = -Float.infinity
        for i in 0..<n where x[i] > maximum { maximum = x[i] }
        var sum: Float = 0
        for i in 0..<n {
            let e = (x[i] - maximum).exp
            x[i] = e
            sum += e
        }
        return (maximum, sum)
    }

    /// In-place softmax over `n` floats.
    static func softmax(_ x: UnsafeMutablePointer<Float>, _ n: Int) {
        let inverse = 1 / shiftedExp(x, n).sum
        for i in 0..<n { x[i] *= inverse }
    }

    /// Runs `body(item, thread)` for every item in `0..<count` on the kernels' thread pool.
    ///
    /// Items are handed out from a shared counter (pool workers that are descheduled may not join
    /// at all); `thread` is unique among concurrently running calls and below `ck_threads()`, so it
    /// can index per-thread scratch.
    static func parallelFor(_ count: Int, _ body: (_ item: Int, _ thread: Int) -> Void) {
        if count <= 1 {
            for i in 0..<count { body(i, 0) }
            return
        }
        let counter = WorkCounter()
        withoutActuallyEscaping(body) { body in
            var task: (Int, Int) -> Void = { thread, _ in
                while let item = counter.next(below: count) { body(item, thread) }
            }
            withUnsafeMutablePointer(to: &task) { pointer in
                ck_parallel({ context, ith, nth in
                    context!.assumingMemoryBound(to: ((Int, Int) -> Void).self).pointee(Int(ith), Int(nth))
                }, pointer)
            }
        }
    }
}

/// A shared "next item" counter for `LlamaMath.parallelFor`.
private final class WorkCounter: @unchecked Sendable {
    private var value = 0
    private var mutex = pthread_mutex_t()

    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }

    /// The next unclaimed item, or nil once all of `0..<count` are claimed.
    func next(below count: Int) -> Int? {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        guard value < count else { return nil }
        value += 1
        return value - 1
    }
}

extension Float {
    @inline(__always) var exp: Float {
        #if canImport(Glibc)
        return Glibc.expf(self)
        #else
        return Foundation.exp(self)
        #endif
    }
}
#if canImport(Glibc)
import Glibc
#endif

