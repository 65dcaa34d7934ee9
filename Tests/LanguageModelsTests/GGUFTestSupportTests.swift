import Foundation
import Testing
@testable import LanguageModels

/// Writes small GGUF files for tests.
struct GGUFTestWriter {
    var version: UInt32 = 3
    var metadata: [(String, UInt32, [UInt8])] = []
    var tensors: [(name: String, dims: [Int], type: UInt32, data: [UInt8])] = []
    var alignment = 32

    static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
        withUnsafeBytes(of: v.littleEndian) { Array($0) }
    }
    static func str(_ s: String) -> [UInt8] { le(UInt64(s.utf8.count)) + Array(s.utf8) }

    mutating func add(_ key: String, uint32 v: UInt32) { metadata.append((key, 4, Self.le(v))) }
    mutating func add(_ key: String, float32 v: Float) { metadata.append((key, 6, Self.le(v.bitPattern))) }
    mutating func add(_ key: String, string v: String) { metadata.append((key, 8, Self.str(v))) }
    mutating func add(_ key: String, type: UInt32, raw: [UInt8]) { metadata.append((key, type, raw)) }

    /// Adds an F32 tensor with `values` (dims innermost first).
    mutating func addF32(_ name: String, dims: [Int], values: [Float]) {
        tensors.append((name, dims, 0, values.flatMap { Self.le($0.bitPattern) }))
    }

    func bytes() -> [UInt8] {
        var out: [UInt8] = Array("GGUF".utf8) + Self.le(version)
        out += Self.le(UInt64(tensors.count)) + Self.le(UInt64(metadata.count))
        for (key, type, raw) in metadata { out += Self.str(key) + Self.le(type) + raw }
        var offsets: [Int] = []
        var running = 0
        for t in tensors {
            offsets.append(running)
            running += (t.data.count + alignment - 1) / alignment * alignment
        }
        for (t, offset) in zip(tensors, offsets) {
            out += Self.str(t.name) + Self.le(UInt32(t.dims.count))
            for d in t.dims { out += Self.le(UInt64(d)) }
            out += Self.le(t.type) + Self.le(UInt64(offset))
        }
        while out.count % alignment != 0 { out.append(0) }
        for t in tensors {
            out += t.data
            while out.count % alignment != 0 { out.append(0) }
        }
        return out
    }

    /// Writes the file to a fresh temporary path and returns it.
    func write(_ bytes: [UInt8]? = nil) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("gguf-test-\(UUID().uuidString).gguf")
        try Data(bytes ?? self.bytes()).write(to: url)
        return url
    }
}
