import CKernels
import Testing

/// Hand-built blocks with known values: checks the reference dequantization against the format
/// description (element order, nibble halves, fifth/sixth bits, packed 6-bit scales).
@Suite("Quant block layouts")
struct QuantLayoutTests {
    private func h(_ v: Float) -> [UInt8] { let b = Float16(v).bitPattern; return [UInt8(b & 0xFF), UInt8(b >> 8)] }

    @Test("Q4_0: low nibbles are elements 0..<16, high nibbles 16..<32, offset 8")
    func q4_0() {
        let qs = (0..<16).map { UInt8($0) | UInt8(15 - $0) << 4 }
        let y = dequantized(type: 2, row: h(0.5) + qs, n: 32)
        for j in 0..<16 {
            #expect(y[j] == Float(j - 8) * 0.5)
            #expect(y[j + 16] == Float(7 - j) * 0.5)
        }
    }

    @Test("Q4_1: q·d + m")
    func q4_1() {
        let qs = (0..<16).map { UInt8($0) | UInt8(3) << 4 }
        let y = dequantized(type: 3, row: h(2) + h(-1) + qs, n: 32)
        for j in 0..<16 {
            #expect(y[j] == Float(j) * 2 - 1)
            #expect(y[j + 16] == 5)
        }
    }

    @Test("Q5_0: bit j of qh is the fifth bit of element j, offset 16")
    func q5_0() {
        // qh bits set for elements 1 and 17 (bit 1 and bit 17).
        let qh: [UInt8] = [0x02, 0x00, 0x02, 0x00]
        let qs = [UInt8](repeating: 0x11, count: 16)  // every nibble 1
        let y = dequantized(type: 6, row: h(1) + qh + qs, n: 32)
        for j in 0..<32 { #expect(y[j] == (j == 1 || j == 17 ? 1 + 16 - 16 : 1 - 16)) }
    }

    @Test("Q8_0: signed bytes times d")
    func q8_0() {
        let qs = (0..<32).map { UInt8(bitPattern: Int8($0 - 16)) }
        let y = dequantized(type: 8, row: h(0.25) + qs, n: 32)
        for j in 0..<32 { #expect(y[j] == Float(j - 16) * 0.25) }
    }

    /// Packs eight 6-bit scales and mins the way ggml's Q4_K/Q5_K do.
    private func packScales(_ sc: [UInt8], _ mn: [UInt8]) -> [UInt8] {
        var p = [UInt8](repeating: 0, count: 12)
        for j in 0..<4 {
            p[j] = sc[j] | (sc[j + 4] >> 4) << 6
            p[j + 4] = mn[j] | (mn[j + 4] >> 4) << 6
            p[j + 8] = (sc[j + 4] & 0xF) | (mn[j + 4] & 0xF) << 4
        }
        return p
    }

    @Test("Q4_K: sub-block j of 32 uses scale j and min j; chunk c holds sub-blocks 2c (low) and 2c+1 (high)")
    func q4_K() {
        let sc: [UInt8] = [1, 2, 3, 4, 40, 50, 60, 63]
        let mn: [UInt8] = [0, 1, 2, 3, 33, 44, 55, 62]
        let qs = (0..<128).map { UInt8($0 % 16) | UInt8(15 - $0 % 16) << 4 }
        let y = dequantized(type: 12, row: h(1) + h(0.5) + packScales(sc, mn) + qs, n: 256)
        for c in 0..<4 {
            for l in 0..<32 {
                let lo = Float(sc[2 * c]) * Float(l % 16) - 0.5 * Float(mn[2 * c])
                let hi = Float(sc[2 * c + 1]) * Float(15 - l % 16) - 0.5 * Float(mn[2 * c + 1])
                #expect(y[64 * c + l] == lo, "c \(c) l \(l)")
                #expect(y[64 * c + 32 + l] == hi, "c \(c) l \(l)")
            }
        }
    }

    @Test("Q5_K: qh bit 2c / 2c+1 adds 16 to sub-block 2c / 2c+1")
    func q5_K() {
        let sc = [UInt8](repeating: 1, count: 8), mn = [UInt8](repeating: 0, count: 8)
        let qh = (0..<32).map { l in UInt8(l % 2 == 0 ? 0b0101_0101 : 0b1010_1010) }
        let qs = [UInt8](repeating: 0x00, count: 128)
        let y = dequantized(type: 13, row: h(1) + h(1) + packScales(sc, mn) + qh + qs, n: 256)
        for c in 0..<4 {
            for l in 0..<32 {
                #expect(y[64 * c + l] == (l % 2 == 0 ? 16 : 0))
                #expect(y[64 * c + 32 + l] == (l % 2 == 0 ? 0 : 16))
            }
        }
    }

    @Test("Q6_K: element e = d · scales[e/16] · (q − 32) with 6-bit q split over ql/qh")
    func q6_K() {
        // Target q for element e: (e * 7) % 64. Build ql/qh from the description.
        let target = (0..<256).map { UInt8(($0 * 7) % 64) }
        var ql = [UInt8](repeating: 0, count: 128), qh = [UInt8](repeating: 0, count: 64)
        for half in 0..<2 {
            for l in 0..<32 {
                let e = 128 * half
                let q1 = target[e + l], q2 = target[e + l + 32], q3 = target[e + l + 64], q4 = target[e + l + 96]
                ql[64 * half + l] = (q1 & 0xF) | (q3 & 0xF) << 4
                ql[64 * half + l + 32] = (q2 & 0xF) | (q4 & 0xF) << 4
                qh[32 * half + l] = (q1 >> 4) | (q2 >> 4) << 2 | (q3 >> 4) << 4 | (q4 >> 4) << 6
            }
        }
        let scales = (0..<16).map { UInt8(bitPattern: Int8($0 - 8)) }
        let y = dequantized(type: 14, row: ql + qh + scales + h(0.5), n: 256)
        for e in 0..<256 { #expect(y[e] == 0.5 * Float(e / 16 - 8) * Float(Int(target[e]) - 32), "e \(e)") }
    }
}
