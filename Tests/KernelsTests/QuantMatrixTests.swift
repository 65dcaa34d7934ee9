import CKernels
import Testing

@testable import Kernels

/// QuantizedMatrix products against a plain float reference (dequantized weights, float activations).
@Suite("QuantizedMatrix", .serialized)
struct QuantMatrixTests {
    struct Fixture {
        let type: UInt32, rows: Int, columns: Int
        let bytes: [UInt8]
        let dense: [Float]  // rows × columns, dequantized reference weights
    }

    static func fixture(type: UInt32, rows: Int, columns: Int, seed: UInt64) -> Fixture {
        var rng = SplitMix64(seed: seed)
        var bytes: [UInt8] = []
        var dense: [Float] = []
        for _ in 0..<rows {
            let row = randomRow(type: type, n: columns, rng: &rng)
            bytes += row
            dense += dequantized(type: type, row: row, n: columns)
        }
        return Fixture(type: type, rows: rows, columns: columns, bytes: bytes, dense: dense)
    }

    static func reference(_ f: Fixture, _ x: ArraySlice<Float>) -> (values: [Float], magnitude: [Float]) {
        var y = [Float](repeating: 0, count: f.rows), m = y
        let xs = Array(x)
        for r in 0..<f.rows {
            for c in 0..<f.columns {
                y[r] += f.dense[r * f.columns + c] * xs[c]
                m[r] += abs(f.dense[r * f.columns + c] * xs[c])
            }
        }
        return (y, m)
    }

    @Test("vector and batch products agree with the float reference", arguments: quantTypes.map(\.id))
    func products(type: UInt32) {
        let columns = 512, rows = 203  // odd row count: partial chunks and tiles
        let f = Self.fixture(type: type, rows: rows, columns: columns, seed: 100 &+ UInt64(type))
        var rng = SplitMix64(seed: 5)
        let n = 7
        let x = randomActivations(n * columns, rng: &rng)
        for (threads, repack) in [(1, false), (2, false), (1, true), (2, true)] {
            setKernelThreads(threads)
            f.bytes.withUnsafeBytes { raw in
                let m = QuantizedMatrix(type: type, rows: rows, columns: columns, data: raw.baseAddress!, repack: repack)
                if repack { #expect(m.isRepacked == [2, 3, 6, 7, 8, 12, 13, 14].contains(type)) }
                var yv = [Float](repeating: .nan, count: rows)
                m.multiply(vector: x, into: &yv)
                let ref0 = Self.reference(f, x[0..<columns])
                for r in 0..<rows {
                    #expect(abs(yv[r] - ref0.values[r]) <= 0.02 * ref0.magnitude[r] + 1e-5,
                            "vector type \(type) row \(r) repack \(repack)")
                }
                var yb = [Float](repeating: .nan, count: n * rows)
                m.multiply(batch: x, count: n, into: &yb)
                for t in 0..<n {
                    let ref = Self.reference(f, x[(t * columns)..<((t + 1) * columns)])
                    for r in 0..<rows {
                        #expect(abs(yb[t * rows + r] - ref.values[r]) <= 0.02 * ref.magnitude[r] + 1e-5,
                                "batch type \(type) token \(t) row \(r) repack \(repack)")
                    }
                }
                // Token 0 of the batch is the vector product (same quantization, same kernel order).
                for r in 0..<rows { #expect(abs(yb[r] - yv[r]) <= 1e-4 * max(1, abs(yv[r]))) }
                // Shared quantized activations give the same result.
                let qa = QuantizedActivations(weightType: type, count: columns)
                x.withUnsafeBufferPointer { qa.quantize($0.baseAddress!) }
                var yq = [Float](repeating: .nan, count: rows)
                m.multiply(quantized: qa, into: &yq)
                #expect(yq == yv)
            }
        }
        setKernelThreads(2)
    }

    @Test("repacked products equal the file-layout kernels", arguments: [UInt32(2), 3, 6, 7, 8, 12, 13, 14])
    func repackedMatchesFileLayout(type: UInt32) {
        let columns = type >= 12 ? 1024 : 896, rows = 77, n = 6
        let f = Self.fixture(type: type, rows: rows, columns: columns, seed: 300 &+ UInt64(type))
        var rng = SplitMix64(seed: 17)
        let x = randomActivations(n * columns, rng: &rng)
        f.bytes.withUnsafeBytes { raw in
            let plain = QuantizedMatrix(type: type, rows: rows, columns: columns, data: raw.baseAddress!, repack: false)
            let packed = QuantizedMatrix(type: type, rows: rows, columns: columns, data: raw.baseAddress!)
            #expect(packed.isRepacked)
            var a = [Float](repeating: .nan, count: n * rows), b = a
            plain.multiply(batch: x, count: n, into: &a)
            packed.multiply(batch: x, count: n, into: &b)
            for i in 0..<(n * rows) { #expect(abs(a[i] - b[i]) <= 1e-4 * max(1, abs(a[i])), "type \(type) index \(i)") }
            var va = [Float](repeating: .nan, count: rows), vb = va
            plain.multiply(vector: x, into: &va)
            packed.multiply(vector: x, into: &vb)
            for r in 0..<rows { #expect(abs(va[r] - vb[r]) <= 1e-4 * max(1, abs(va[r]))) }
        }
    }

    @Test("a large matrix goes through the pool and matches row by row dots")
    func largeParallel() {
        let type: UInt32 = 6, columns = 896, rows = 2048
        let f = Self.fixture(type: type, rows: rows, columns: columns, seed: 9)
        var rng = SplitMix64(seed: 11)
        let x = randomActivations(columns, rng: &rng)
        let q = quantizedActivations(type: type, x: x)
        f.bytes.withUnsafeBytes { raw in
            // 3 threads on a 2-core machine: workers that are late or never scheduled must not matter.
            for (threads, repack) in [(2, false), (2, true), (3, true)] {
                setKernelThreads(threads)
                let m = QuantizedMatrix(type: type, rows: rows, columns: columns, data: raw.baseAddress!, repack: repack)
                var y = [Float](repeating: .nan, count: rows)
                for _ in 0..<200 { m.multiply(vector: x, into: &y) }
                for r in 0..<rows {
                    let d = q.withUnsafeBytes { ck_vec_dot(type, Int64(columns), raw.baseAddress! + r * m.rowSize, $0.baseAddress) }
                    #expect(abs(y[r] - d) <= 1e-4 * max(1, abs(d)), "repack \(repack) row \(r)")
                }
            }
            setKernelThreads(2)
        }
    }

    @Test("dequantizeRow returns the reference row")
    func dequantizeRow() {
        let f = Self.fixture(type: 8, rows: 5, columns: 64, seed: 1)
        f.bytes.withUnsafeBytes { raw in
            let m = QuantizedMatrix(type: 8, rows: 5, columns: 64, data: raw.baseAddress!)
            var y = [Float](repeating: 0, count: 64)
            m.dequantizeRow(3, into: &y)
            #expect(y == Array(f.dense[(3 * 64)..<(4 * 64)]))
        }
    }

    @Test("supports and rowSize")
    func metadata() {
        #expect(QuantizedMatrix.supports(14))
        #expect(!QuantizedMatrix.supports(11))
        #expect(QuantizedMatrix.rowSize(type: 3, columns: 576) == 360)
        #expect(QuantizedMatrix.blockElements(12) == 256)
    }
}
