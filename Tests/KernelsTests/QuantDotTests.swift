import CKernels
import Testing

@testable import Kernels

/// Deterministic random numbers for kernel tests (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// ggml type ids exercised by the tests, with their names for messages.
let quantTypes: [(id: UInt32, name: String)] = [
    (0, "F32"), (1, "F16"), (2, "Q4_0"), (3, "Q4_1"), (6, "Q5_0"), (7, "Q5_1"), (8, "Q8_0"),
    (12, "Q4_K"), (13, "Q5_K"), (14, "Q6_K"),
]

/// Builds one random row of `n` elements of `type` with valid (finite, moderate) scales.
func randomRow(type: UInt32, n: Int, rng: inout SplitMix64) -> [UInt8] {
    var out: [UInt8] = []
    func half(_ v: Float) { let b = Float16(v).bitPattern; out.append(UInt8(b & 0xFF)); out.append(UInt8(b >> 8)) }
    func bytes(_ k: Int) { for _ in 0..<k { out.append(UInt8.random(in: 0...255, using: &rng)) } }
    func scale() -> Float { Float.random(in: 0.002...0.05, using: &rng) }
    switch type {
    case 0:
        for _ in 0..<n {
            let v = Float.random(in: -1...1, using: &rng).bitPattern
            for k in 0..<4 { out.append(UInt8((v >> (8 * UInt32(k))) & 0xFF)) }
        }
    case 1: for _ in 0..<n { half(Float.random(in: -1...1, using: &rng)) }
    case 2: for _ in 0..<n / 32 { half(scale()); bytes(16) }
    case 3: for _ in 0..<n / 32 { half(scale()); half(-Float.random(in: 0...0.4, using: &rng)); bytes(16) }
    case 6: for _ in 0..<n / 32 { half(scale()); bytes(4); bytes(16) }
    case 7: for _ in 0..<n / 32 { half(scale()); half(-Float.random(in: 0...0.4, using: &rng)); bytes(4); bytes(16) }
    case 8:
        for _ in 0..<n / 32 {
            half(scale() / 8)
            for _ in 0..<32 { out.append(UInt8(bitPattern: Int8.random(in: -127...127, using: &rng))) }
        }
    case 12: for _ in 0..<n / 256 { half(scale() / 8); half(scale() / 8); bytes(12); bytes(128) }
    case 13: for _ in 0..<n / 256 { half(scale() / 8); half(scale() / 8); bytes(12); bytes(32); bytes(128) }
    case 14: for _ in 0..<n / 256 { bytes(128); bytes(64); bytes(16); half(scale() / 16) }
    default: break
    }
    return out
}

func randomActivations(_ n: Int, rng: inout SplitMix64) -> [Float] {
    (0..<n).map { _ in Float.random(in: -2...2, using: &rng) }
}

func dequantized(type: UInt32, row: [UInt8], n: Int) -> [Float] {
    var y = [Float](repeating: 0, count: n)
    row.withUnsafeBytes { ck_dequantize_row(type, $0.baseAddress, &y, Int64(n)) }
    return y
}

func quantizedActivations(type: UInt32, x: [Float]) -> [UInt8] {
    var q = [UInt8](repeating: 0, count: ck_q8_row_size(type, Int64(x.count)))
    q.withUnsafeMutableBytes { ck_quantize_row_q8(type, x, $0.baseAddress, Int64(x.count)) }
    return q
}

@Suite("Quantized dot products")
struct QuantDotTests {
    @Test("row sizes follow the ggml block layouts")
    func rowSizes() {
        let expected: [UInt32: Int] = [0: 4 * 256, 1: 2 * 256, 2: 8 * 18, 3: 8 * 20, 6: 8 * 22, 7: 8 * 24,
                                       8: 8 * 34, 12: 144, 13: 176, 14: 210]
        for (type, bytes) in expected { #expect(ck_row_size(type, 256) == bytes, "type \(type)") }
        #expect(ck_row_size(9, 256) == 0)
        #expect(ck_type_supported(11) == 0)
    }

    @Test("SIMD vec_dot matches the dequantize-then-dot reference", arguments: quantTypes.map(\.id))
    func vecDotMatchesReference(type: UInt32) {
        var rng = SplitMix64(seed: 42 &+ UInt64(type))
        for n in [256, 512, 1536] {
            for _ in 0..<8 {
                let row = randomRow(type: type, n: n, rng: &rng)
                #expect(row.count == ck_row_size(type, Int64(n)))
                let x = randomActivations(n, rng: &rng)
                let q = quantizedActivations(type: type, x: x)
                let fast = row.withUnsafeBytes { w in q.withUnsafeBytes { ck_vec_dot(type, Int64(n), w.baseAddress, $0.baseAddress) } }
                let ref = row.withUnsafeBytes { w in q.withUnsafeBytes { ck_vec_dot_ref(type, Int64(n), w.baseAddress, $0.baseAddress) } }
                // Scale of the sum: Σ|w·x| over the dequantized operands.
                let wf = dequantized(type: type, row: row, n: n)
                var xq = [Float](repeating: 0, count: n)
                q.withUnsafeBytes { ck_dequantize_row_q8(type, $0.baseAddress, &xq, Int64(n)) }
                let magnitude = zip(wf, xq).reduce(Float(0)) { $0 + abs($1.0 * $1.1) }
                #expect(abs(fast - ref) <= 2e-5 * magnitude + 1e-6,
                        "type \(type) n \(n): fast \(fast) ref \(ref) magnitude \(magnitude)")
                // Against unquantized activations: 8-bit activation error only.
                let exact = zip(wf, x).reduce(Float(0)) { $0 + $1.0 * $1.1 }
                #expect(abs(fast - exact) <= 0.02 * magnitude + 1e-5,
                        "type \(type) n \(n): fast \(fast) exact \(exact)")
            }
        }
    }

    @Test("tiles of 1...4 tokens equal per-token dots", arguments: quantTypes.map(\.id))
    func tilesMatchSingleDots(type: UInt32) {
        var rng = SplitMix64(seed: 7 &+ UInt64(type))
        let n = 768
        let row = randomRow(type: type, n: n, rng: &rng)
        let stride = ck_q8_row_size(type, Int64(n))
        var xs: [UInt8] = []
        for _ in 0..<4 { xs += quantizedActivations(type: type, x: randomActivations(n, rng: &rng)) }
        for ntok in 1...4 {
            var tile = [Float](repeating: .nan, count: ntok)
            row.withUnsafeBytes { w in
                xs.withUnsafeBytes { ck_vec_dot_tile(type, Int64(n), w.baseAddress, $0.baseAddress, stride, Int32(ntok), &tile) }
            }
            for t in 0..<ntok {
                let single = row.withUnsafeBytes { w in
                    xs.withUnsafeBytes { ck_vec_dot(type, Int64(n), w.baseAddress, $0.baseAddress! + t * stride) }
                }
                #expect(abs(tile[t] - single) <= 1e-4 * max(1, abs(single)), "type \(type) ntok \(ntok) t \(t)")
            }
        }
    }

    @Test("q8 activation quantization round-trips within half a step")
    func activationRoundTrip() {
        var rng = SplitMix64(seed: 3)
        let x = randomActivations(512, rng: &rng)
        for type: UInt32 in [2, 12] {
            let q = quantizedActivations(type: type, x: x)
            var back = [Float](repeating: 0, count: x.count)
            q.withUnsafeBytes { ck_dequantize_row_q8(type, $0.baseAddress, &back, Int64(x.count)) }
            let block = type == 2 ? 32 : 256
            for b in 0..<(x.count / block) {
                let slice = x[(b * block)..<((b + 1) * block)]
                let step = slice.map { abs($0) }.max()! / 127
                for i in slice.indices { #expect(abs(back[i] - x[i]) <= step * 0.5001 + 1e-7) }
            }
        }
        // All-zero input gives zero scale and zeros, not NaN.
        let zeros = [Float](repeating: 0, count: 256)
        for type: UInt32 in [2, 12] {
            let q = quantizedActivations(type: type, x: zeros)
            var back = [Float](repeating: 1, count: 256)
            q.withUnsafeBytes { ck_dequantize_row_q8(type, $0.baseAddress, &back, 256) }
            #expect(back.allSatisfy { $0 == 0 })
        }
    }
}
