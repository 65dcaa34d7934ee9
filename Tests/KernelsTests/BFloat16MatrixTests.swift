import CKernels
import Testing

@testable import Kernels

/// The bfloat16 products against their plain twin: the AVX-512 BF16 kernel (where the CPU has it) and
/// the portable loop, on shapes that exercise every edge (odd k, n off the 48-column panels, rows off
/// the 8-row tiles and the 96-row chunks), with and without bias, accumulation and GELU.
@Suite("BFloat16Matrix", .serialized)
struct BFloat16MatrixTests {
    static func values(_ n: Int, scale: Float, rng: inout SplitMix64) -> [Float] {
        (0..<n).map { _ in Float.random(in: -scale...scale, using: &rng) }
    }

    /// |fast − reference| against the magnitude of the sum (Σ |x·w|): only the order of float sums differs.
    static func check(outputs n: Int, inputs k: Int, rows m: Int, bias useBias: Bool, accumulate: Bool, gelu: Bool,
                      portable: Bool) {
        var rng = SplitMix64(seed: UInt64(n * 1_000_003 + k * 1009 + m))
        let w = values(n * k, scale: 0.2, rng: &rng), x = values(m * k, scale: 2, rng: &rng)
        let bias = useBias ? values(n, scale: 1, rng: &rng) : []
        let start = values(m * n, scale: 1, rng: &rng)
        var fast = start, reference = start
        let matrix = BFloat16Matrix(weights: w, outputs: n, inputs: k, kernel: portable ? .portable : .automatic)
        #expect(matrix.usesHardwareKernel == (!portable && BFloat16Matrix.hardwareSupported))
        x.withUnsafeBufferPointer { xp in
            bias.withUnsafeBufferPointer { bp in
                let b = useBias ? bp.baseAddress : nil
                fast.withUnsafeMutableBufferPointer {
                    matrix.multiply(xp.baseAddress!, rows: m, bias: b, into: $0.baseAddress!, accumulate: accumulate, gelu: gelu)
                }
                reference.withUnsafeMutableBufferPointer {
                    BFloat16Matrix.referenceMultiply(weights: w, outputs: n, inputs: k, xp.baseAddress!, rows: m, bias: b,
                                                     into: $0.baseAddress!, accumulate: accumulate, gelu: gelu)
                }
            }
        }
        var worst: Float = 0
        for r in 0..<m {
            var magnitude: Float = 0
            for j in 0..<k { magnitude += abs(x[r * k + j] * w[j]) }
            for c in 0..<n {
                let d = abs(fast[r * n + c] - reference[r * n + c]) / max(1, magnitude)
                worst = max(worst, d)
            }
        }
        #expect(worst < 2e-6, "n=\(n) k=\(k) m=\(m) bias=\(useBias) acc=\(accumulate) gelu=\(gelu) portable=\(portable): \(worst)")
    }

    @Test(arguments: [false, true])
    func matchesTheReference(portable: Bool) {
        if !portable && !BFloat16Matrix.hardwareSupported { return }   // the portable run covers this CPU
        for (n, k, m) in [(1, 1, 1), (48, 2, 8), (100, 77, 37), (47, 384, 9), (96, 385, 97), (1152, 384, 200), (384, 1536, 21)] {
            Self.check(outputs: n, inputs: k, rows: m, bias: true, accumulate: false, gelu: false, portable: portable)
        }
        Self.check(outputs: 130, inputs: 64, rows: 19, bias: false, accumulate: false, gelu: false, portable: portable)
        Self.check(outputs: 130, inputs: 64, rows: 19, bias: true, accumulate: true, gelu: false, portable: portable)
        Self.check(outputs: 200, inputs: 96, rows: 33, bias: true, accumulate: false, gelu: true, portable: portable)
    }

    @Test func hardwareAndPortableKernelsAgree() {
        guard BFloat16Matrix.hardwareSupported else { return }
        var rng = SplitMix64(seed: 5)
        let (n, k, m) = (150, 384, 50)
        let w = Self.values(n * k, scale: 0.2, rng: &rng), x = Self.values(m * k, scale: 2, rng: &rng)
        func run(portable: Bool) -> [Float] {
            let matrix = BFloat16Matrix(weights: w, outputs: n, inputs: k, kernel: portable ? .portable : .automatic)
            var y = [Float](repeating: 0, count: m * n)
            x.withUnsafeBufferPointer { xp in
                y.withUnsafeMutableBufferPointer { matrix.multiply(xp.baseAddress!, rows: m, bias: nil, into: $0.baseAddress!, gelu: true) }
            }
            return y
        }
        let hardware = run(portable: false), portable = run(portable: true)
        #expect(zip(hardware, portable).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) })
    }

    @Test func roundsToNearestEven() {
        // 1 + 2^-8 lies halfway between bfloat16 neighbours 1 and 1 + 2^-7: ties go to the even one (1).
        #expect(BFloat16Matrix.rounded(1 + 0x1p-8) == 1)
        #expect(BFloat16Matrix.rounded(1 + 3 * 0x1p-8) == 1 + 2 * 0x1p-7)   // halfway up to the even neighbour
        #expect(BFloat16Matrix.rounded(1 + 0x1p-8 + 0x1p-20) == 1 + 0x1p-7)   // above halfway rounds up
        #expect(BFloat16Matrix.rounded(-3.140625) == -3.140625)               // exactly representable
        #expect(BFloat16Matrix.rounded(.infinity) == .infinity)
        #expect(BFloat16Matrix.rounded(.nan).isNaN)
    }
}
