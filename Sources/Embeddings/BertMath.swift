import Foundation

/// Element-wise kernels of the BERT encoder, vectorised with SIMD8, each with a plain twin for tests.
enum BertMath {
    typealias V = SIMD8<Float>

    /// e^x for 8 lanes (Cephes `expf` polynomial after range reduction; ~1 ulp on [-87, 88]).
    @inline(__always)
    static func exp(_ x: V) -> V {
        // Clamp with masks: `clamped`/`pointwiseMin` are not inlined by the stdlib here.
        let lo = V(repeating: -87.3), hi = V(repeating: 88.3)
        let x = x.replacing(with: lo, where: x .< lo).replacing(with: hi, where: x .> hi)
        let magic = V(repeating: 12_582_912)   // 1.5 · 2^23: adding it rounds to an integer in the low bits
        let t = x * 1.442_695_04 + magic
        let n = t - magic
        let r = x - n * 0.693_359_375 + n * 2.121_944_40e-4
        var p = V(repeating: 1.987_569_150_0e-4)
        p = p * r + 1.398_199_950_7e-3
        p = p * r + 8.333_451_907_3e-3
        p = p * r + 4.166_579_589_4e-2
        p = p * r + 1.666_666_545_9e-1
        p = p * r + 5.000_000_120_1e-1
        let y = p * (r * r) + r + V(repeating: 1)
        let bits = unsafeBitCast(t, to: SIMD8<Int32>.self) &- 0x4B40_0000 &+ 127
        return y * unsafeBitCast(bits &<< 23, to: V.self)
    }

    /// Exact (erf) GELU, `0.5 x (1 + erf(x / √2))`, with erf from Abramowitz & Stegun 7.1.26
    /// (absolute error ≤ 1.5e-7).
    @inline(__always)
    static func gelu(_ x: V) -> V {
        let one = V(repeating: 1)
        let z = x.replacing(with: -x, where: x .< 0) * 0.707_106_781_186_547_5
        let t = one / (one + 0.327_591_1 * z)
        var p = V(repeating: 1.061_405_429)
        p = p * t - 1.453_152_027
        p = p * t + 1.421_413_741
        p = p * t - 0.284_496_736
        p = p * t + 0.254_829_592
        let erfAbs = one - p * t * exp(V.zero - z * z)
        let erf = erfAbs.replacing(with: -erfAbs, where: x .< 0)
        return 0.5 * x * (one + erf)
    }

    /// Applies GELU in place to `count` floats.
    static func gelu(_ x: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: V.self)
            UnsafeMutableRawPointer(x + i).storeBytes(of: gelu(v), as: V.self)
            i += 8
        }
        while i < count { x[i] = referenceGELU(x[i]); i += 1 }
    }

    static func referenceGELU(_ x: Float) -> Float { Float(0.5 * Double(x) * (1 + Foundation.erf(Double(x) / 2.0.squareRoot()))) }

    /// Softmax of one row of `count` floats, in place.
    static func softmax(_ x: UnsafeMutablePointer<Float>, count: Int) {
        var maxima = V(repeating: -.infinity)
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: V.self)
            maxima = maxima.replacing(with: v, where: v .> maxima)
            i += 8
        }
        var maximum = maxima.max()
        while i < count { maximum = max(maximum, x[i]); i += 1 }
        let m = V(repeating: maximum)
        var sums = V.zero
        i = 0
        while i + 8 <= count {
            let e = exp(UnsafeRawPointer(x + i).loadUnaligned(as: V.self) - m)
            UnsafeMutableRawPointer(x + i).storeBytes(of: e, as: V.self)
            sums += e
            i += 8
        }
        var sum = sums.sum()
        while i < count {
            var lane = V(repeating: x[i] - maximum)
            lane = exp(lane)
            x[i] = lane[0]; sum += lane[0]; i += 1
        }
        let inv = 1 / sum
        for j in 0..<count { x[j] *= inv }
    }

    static func referenceSoftmax(_ x: [Float]) -> [Float] {
        let m = x.max() ?? 0
        let e = x.map { Foundation.exp(Double($0 - m)) }
        let s = e.reduce(0, +)
        return e.map { Float($0 / s) }
    }

    /// LayerNorm of one row: `y = (x - mean) / sqrt(var + eps) * weight + bias`, in place, 16 lanes at
    /// a time: the mean, then the squared deviations from it (not E[x²] − mean², which cancels), then
    /// the affine map.
    static func layerNorm(_ x: UnsafeMutablePointer<Float>, count: Int, weight: UnsafePointer<Float>,
                          bias: UnsafePointer<Float>, eps: Float) {
        typealias W = SIMD16<Float>
        let wide = count / 16 * 16
        var sums = W.zero
        var i = 0
        while i < wide { sums += UnsafeRawPointer(x + i).loadUnaligned(as: W.self); i += 16 }
        var sum = sums.sum()
        while i < count { sum += x[i]; i += 1 }
        let mean = sum / Float(count)
        let m = W(repeating: mean)
        var squares = W.zero
        i = 0
        while i < wide {
            let d = UnsafeRawPointer(x + i).loadUnaligned(as: W.self) - m
            squares += d * d
            i += 16
        }
        var square = squares.sum()
        while i < count { let d = x[i] - mean; square += d * d; i += 1 }
        let scale = 1 / (square / Float(count) + eps).squareRoot()
        let s = W(repeating: scale)
        i = 0
        while i < wide {
            let v = UnsafeRawPointer(x + i).loadUnaligned(as: W.self)
            let w = UnsafeRawPointer(weight + i).loadUnaligned(as: W.self)
            let b = UnsafeRawPointer(bias + i).loadUnaligned(as: W.self)
            UnsafeMutableRawPointer(x + i).storeBytes(of: (v - m) * s * w + b, as: W.self)
            i += 16
        }
        while i < count { x[i] = (x[i] - mean) * scale * weight[i] + bias[i]; i += 1 }
    }

    static func referenceLayerNorm(_ x: [Float], weight: [Float], bias: [Float], eps: Float) -> [Float] {
        let n = Double(x.count)
        let mean = x.reduce(0.0) { $0 + Double($1) } / n
        let variance = x.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        let scale = 1 / (variance + Double(eps)).squareRoot()
        return x.indices.map { Float((Double(x[$0]) - mean) * scale * Double(weight[$0]) + Double(bias[$0])) }
    }
}
