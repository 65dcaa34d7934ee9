import CKernels
import Foundation
import TestSupport
import Testing

@testable import Kernels

/// Real weight rows from the models in models/: the SIMD, repacked and reference paths must agree
/// on real scale distributions too. Skips when the model files are absent, fails under CI=true.
@Suite("Quant kernels on real GGUF tensors")
struct QuantModelTests {
    /// Minimal GGUF tensor directory (enough to find tensors; the real reader is in LanguageModels).
    struct TensorDirectory {
        struct Entry { let name: String; let dims: [Int]; let type: UInt32; let offset: Int }
        let data: Data
        let entries: [String: Entry]
        let dataStart: Int

        init(url: URL) throws {
            let bytes = try Data(contentsOf: url, options: .alwaysMapped)
            var p = 0
            func u32() -> UInt32 { defer { p += 4 }; return bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: p, as: UInt32.self) } }
            func u64() -> UInt64 { defer { p += 8 }; return bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: p, as: UInt64.self) } }
            func string() -> String {
                let n = Int(u64())
                defer { p += n }
                return String(decoding: bytes[p..<(p + n)], as: UTF8.self)
            }
            let scalarSizes: [UInt32: Int] = [0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8]
            func skipValue(_ type: UInt32) {
                if type == 8 { _ = string(); return }
                if type == 9 {
                    let inner = u32(), count = Int(u64())
                    if inner == 8 { for _ in 0..<count { _ = string() } } else { p += count * (scalarSizes[inner] ?? 0) }
                    return
                }
                p += scalarSizes[type] ?? 0
            }
            guard u32() == 0x4655_4747 else { throw CocoaError(.fileReadCorruptFile) }  // "GGUF"
            _ = u32()
            let tensorCount = Int(u64()), kvCount = Int(u64())
            var alignment = 32
            for _ in 0..<kvCount {
                let key = string(), type = u32()
                if key == "general.alignment", type == 4 { alignment = Int(u32()) } else { skipValue(type) }
            }
            var entries: [String: Entry] = [:]
            for _ in 0..<tensorCount {
                let name = string()
                let nd = Int(u32())
                let dims = (0..<nd).map { _ in Int(u64()) }
                let type = u32()
                let offset = Int(u64())
                entries[name] = Entry(name: name, dims: dims, type: type, offset: offset)
            }
            self.data = bytes
            self.dataStart = (p + alignment - 1) / alignment * alignment
            self.entries = entries
        }
    }

    static func directory(_ url: URL) throws -> TensorDirectory {
        try requireFile(url)
        return try TensorDirectory(url: url)
    }

    /// Checks the first `rowCount` rows of a tensor: repacked and file-layout products against the
    /// dequantize-then-dot reference, on one activation vector and a batch of 5.
    static func check(_ dir: TensorDirectory, tensor: String, rowCount: Int = 64) {
        guard let e = dir.entries[tensor] else {
            Issue.record("tensor \(tensor) not found")
            return
        }
        let columns = e.dims[0], rows = min(rowCount, e.dims[1])
        var rng = SplitMix64(seed: UInt64(columns))
        let n = 5
        let x = randomActivations(n * columns, rng: &rng)
        dir.data.withUnsafeBytes { raw in
            let base = raw.baseAddress! + dir.dataStart + e.offset
            let packed = QuantizedMatrix(type: e.type, rows: rows, columns: columns, data: base)
            let plain = QuantizedMatrix(type: e.type, rows: rows, columns: columns, data: base, repack: false)
            var yp = [Float](repeating: .nan, count: n * rows), yf = yp
            packed.multiply(batch: x, count: n, into: &yp)
            plain.multiply(batch: x, count: n, into: &yf)
            var w = [Float](repeating: 0, count: columns)
            for r in 0..<rows {
                packed.dequantizeRow(r, into: &w)
                #expect(w.allSatisfy { $0.isFinite && abs($0) < 1000 }, "\(tensor) row \(r) dequantizes to odd values")
                for t in 0..<n {
                    var exact: Float = 0, magnitude: Float = 0
                    for c in 0..<columns {
                        exact += w[c] * x[t * columns + c]
                        magnitude += abs(w[c] * x[t * columns + c])
                    }
                    let tolerance = 0.02 * magnitude + 1e-4
                    #expect(abs(yp[t * rows + r] - exact) <= tolerance, "\(tensor) repacked row \(r) token \(t)")
                    #expect(abs(yf[t * rows + r] - exact) <= tolerance, "\(tensor) file-layout row \(r) token \(t)")
                    #expect(abs(yp[t * rows + r] - yf[t * rows + r]) <= 1e-4 * max(1, magnitude), "\(tensor) paths differ")
                }
            }
        }
    }

    @Test("SmolLM2-135M Q4_1 and Q8_0 tensors", .requires(TestModels.smolLM))
    func smol() throws {
        let dir = try Self.directory(TestModels.smolLM)
        for name in ["blk.0.attn_q.weight", "blk.0.ffn_down.weight", "blk.29.ffn_gate.weight", "token_embd.weight"] {
            Self.check(dir, tensor: name)
        }
    }

    @Test("Qwen2.5-Coder-0.5B Q5_0, Q8_0, Q4_K and Q6_K tensors", .requires(TestModels.qwen))
    func qwen() throws {
        let dir = try Self.directory(TestModels.qwen)
        var seen = Set<UInt32>()
        // The first matrix (by name) of every quantized type in the file.
        let names = dir.entries.keys.sorted()
        for name in names {
            guard let e = dir.entries[name], e.dims.count == 2, QuantizedMatrix.supports(e.type), e.type >= 2,
                  !seen.contains(e.type) else { continue }
            seen.insert(e.type)
            Self.check(dir, tensor: name)
        }
        #expect(seen.isSuperset(of: [6, 8, 12, 14]), "expected Q5_0, Q8_0, Q4_K and Q6_K tensors; saw \(seen.sorted())")
    }
}
