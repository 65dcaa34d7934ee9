import Foundation
import Testing
@testable import Embeddings

@Suite struct SafeTensorsFileTests {
    /// Writes a safetensors file with the given header JSON and payload.
    func write(header: String, payload: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("st-\(UUID().uuidString).safetensors")
        var bytes: [UInt8] = []
        let h = Array(header.utf8)
        for i in 0..<8 { bytes.append(UInt8((UInt64(h.count) >> (8 * UInt64(i))) & 0xFF)) }
        bytes += h + payload
        try Data(bytes).write(to: url)
        return url
    }

    @Test func readsF32F16BF16() throws {
        var payload: [UInt8] = []
        for f: Float in [1.5, -2, 3.25] { withUnsafeBytes(of: f.bitPattern.littleEndian) { payload += $0 } }
        for f: Float16 in [0.5, -4] { withUnsafeBytes(of: f.bitPattern.littleEndian) { payload += $0 } }
        for f: Float in [7, -0.25] { withUnsafeBytes(of: UInt16(f.bitPattern >> 16).littleEndian) { payload += $0 } }
        // A 1-byte header pad makes the data unaligned on purpose.
        let header = #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"b":{"dtype":"F16","shape":[1,2],"data_offsets":[12,16]},"c":{"dtype":"BF16","shape":[2],"data_offsets":[16,20]}} "#
        let url = try write(header: header, payload: payload)
        defer { try? FileManager.default.removeItem(at: url) }
        let file = try SafeTensorsFile(url: url)
        #expect(file.metadata["format"] == "pt")
        #expect(try file.floats("a") == [1.5, -2, 3.25])
        #expect(try file.floats("b", shape: [1, 2]) == [0.5, -4])
        #expect(try file.floats("c") == [7, -0.25])
        #expect(throws: EmbeddingsError.self) { try file.floats("b", shape: [2]) }
        #expect(throws: EmbeddingsError.self) { try file.floats("missing") }
    }

    @Test func rejectsMalformedFiles() throws {
        let outside = try write(header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, payload: [0, 0, 0, 0])
        let notJSON = try write(header: "hello", payload: [])
        let wrongShape = try write(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, payload: [0, 0, 0, 0])
        defer { for u in [outside, notJSON, wrongShape] { try? FileManager.default.removeItem(at: u) } }
        for url in [outside, notJSON, wrongShape] {
            #expect(throws: EmbeddingsError.self) { try SafeTensorsFile(url: url) }
        }
        #expect(throws: EmbeddingsError.modelNotFound(path: "/nonexistent.safetensors")) {
            try SafeTensorsFile(url: URL(fileURLWithPath: "/nonexistent.safetensors"))
        }
    }
}
