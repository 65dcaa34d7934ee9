import CKernels
import Testing

/// The fused attention kernel against its plain twin (double loops), on lengths around the 16-key
/// blocks and 4-row groups, the head widths it takes, and rows laid out as in the fused QKV matrix.
@Suite struct AttentionKernelTests {
    @Test func matchesTheReference() throws {
        var rng = SplitMix64(seed: 11)
        for d in [16, 32, 64] {
            for length in [1, 3, 4, 5, 16, 17, 31, 130, 256] {
                let ld = 3 * d * 2 + 5   // q, k, v inside wider rows, as in qkv [tokens, 3h]
                let qkv = (0..<(length * ld)).map { _ in Float.random(in: -3...3, using: &rng) }
                let ldo = d + 3
                var fast = [Float](repeating: .nan, count: length * ldo), reference = fast
                var scratch = [UInt8](repeating: 0, count: ck_attention_scratch(Int64(length), Int64(d)))
                let scale = 1 / Float(d).squareRoot()
                let ran = qkv.withUnsafeBufferPointer { p in
                    let q = p.baseAddress!, k = q + d, v = q + 2 * d
                    ck_attention_head_ref(q, k, v, Int64(ld), Int64(length), Int64(d), scale, &reference, Int64(ldo))
                    return scratch.withUnsafeMutableBytes {
                        ck_attention_head(q, k, v, Int64(ld), Int64(length), Int64(d), scale, &fast, Int64(ldo),
                                          $0.baseAddress!.assumingMemoryBound(to: Float.self))
                    }
                }
                if ran == 0 { return }   // no AVX-512F here: the encoder keeps its BLAS path (covered elsewhere)
                for i in 0..<length {
                    for e in 0..<d {
                        let (f, r) = (fast[i * ldo + e], reference[i * ldo + e])
                        #expect(abs(f - r) <= 1e-5 * max(1, abs(r)), "d=\(d) length=\(length) [\(i),\(e)] \(f) vs \(r)")
                    }
                    // Columns past the head are not touched.
                    for e in d..<ldo { #expect(fast[i * ldo + e].isNaN) }
                }
            }
        }
    }
}
