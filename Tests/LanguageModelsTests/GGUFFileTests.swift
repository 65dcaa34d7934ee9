import Foundation
import TestSupport
import Testing
@testable import LanguageModels

@Suite("GGUF reader")
struct GGUFFileTests {
    @Test(.requires(TestModels.smolLM)) func readsSmolLMHeaderMetadataAndTensors() throws {
        let file = try GGUFFile(url: TestModels.smolLM)
        #expect(file.version == 3)
        #expect(file.architecture == "llama")
        #expect(file.int("llama.block_count") == 30)
        #expect(file.int("llama.embedding_length") == 576)
        #expect(file.int("llama.attention.head_count") == 9)
        #expect(file.int("llama.attention.head_count_kv") == 3)
        #expect(file.float("llama.rope.freq_base") == 100000)
        #expect(file.bool("tokenizer.ggml.add_bos_token") == false)
        #expect(file.stringArray("tokenizer.ggml.tokens")?.count == 49152)
        #expect(file.stringArray("tokenizer.ggml.merges")?.count == 48900)
        #expect(file.string("tokenizer.ggml.model") == "gpt2")
        let embd = try #require(file.tensors["token_embd.weight"])
        #expect(embd.dimensions == [576, 49152])
        #expect(embd.type == .q8_0)
        #expect(embd.byteCount == 576 * 49152 / 32 * 34)
        #expect(file.tensors["blk.0.attn_q.weight"]?.type == .q4_1)
        #expect(file.tensors["blk.0.attn_norm.weight"]?.type == .f32)
        #expect(file.tensors["output.weight"] == nil)
        #expect(file.tensors.count == 30 * 9 + 2)
        // Norm weights are plain floats of plausible size.
        let norm = try file.tensorData("output_norm.weight")
        let values = norm.bindMemory(to: Float.self)
        #expect(values.count == 576)
        #expect(values.allSatisfy { $0.isFinite && abs($0) < 100 })
        #expect(Int(bitPattern: norm.baseAddress) % 32 == 0)
    }

    @Test(.requires(TestModels.qwen)) func readsQwenHeader() throws {
        let file = try GGUFFile(url: TestModels.qwen)
        #expect(file.architecture == "qwen2")
        #expect(file.int("qwen2.block_count") == 24)
        #expect(file.int("qwen2.embedding_length") == 896)
        #expect(file.tensors["output.weight"]?.type == .q8_0)
        #expect(file.tensors["blk.0.attn_q.bias"]?.type == .f32)
        #expect(file.stringArray("tokenizer.ggml.tokens")?.count ?? 0 > 150_000)
    }

    @Test func readsEveryValueTypeAndNestedArrays() throws {
        var w = GGUFTestWriter()
        typealias W = GGUFTestWriter
        w.add("general.architecture", string: "llama")
        w.add("u8", type: 0, raw: [200])
        w.add("i8", type: 1, raw: W.le(Int8(-5)))
        w.add("u16", type: 2, raw: W.le(UInt16(60000)))
        w.add("i16", type: 3, raw: W.le(Int16(-3000)))
        w.add("u32", uint32: 4_000_000_000)
        w.add("i32", type: 5, raw: W.le(Int32(-7)))
        w.add("f32", float32: 1.5)
        w.add("bool", type: 7, raw: [1])
        w.add("u64", type: 10, raw: W.le(UInt64(1) << 40))
        w.add("i64", type: 11, raw: W.le(Int64(-1) << 40))
        w.add("f64", type: 12, raw: W.le(Double(2.25).bitPattern))
        w.add("floats", type: 9, raw: W.le(UInt32(6)) + W.le(UInt64(2)) + W.le(Float(0.5).bitPattern) + W.le(Float(-1).bitPattern))
        w.add("strings", type: 9, raw: W.le(UInt32(8)) + W.le(UInt64(2)) + W.str("a") + W.str("héllo"))
        let inner = W.le(UInt32(5)) + W.le(UInt64(2)) + W.le(Int32(1)) + W.le(Int32(2))
        w.add("nested", type: 9, raw: W.le(UInt32(9)) + W.le(UInt64(2)) + inner + inner)
        w.addF32("t", dims: [4, 2], values: [1, 2, 3, 4, 5, 6, 7, 8])
        let url = try w.write()
        defer { try? FileManager.default.removeItem(at: url) }
        let file = try GGUFFile(url: url)
        #expect(file.metadata["u8"] == .uint8(200))
        #expect(file.int("i8") == -5)
        #expect(file.int("u16") == 60000)
        #expect(file.int("i16") == -3000)
        #expect(file.int("u32") == 4_000_000_000)
        #expect(file.int("i32") == -7)
        #expect(file.float("f32") == 1.5)
        #expect(file.bool("bool") == true)
        #expect(file.int("u64") == 1 << 40)
        #expect(file.int("i64") == -(1 << 40))
        #expect(file.float("f64") == 2.25)
        #expect(file.floatArray("floats") == [0.5, -1])
        #expect(file.stringArray("strings") == ["a", "héllo"])
        #expect(file.metadata["nested"] == .array([.array([.int32(1), .int32(2)]), .array([.int32(1), .int32(2)])]))
        #expect(file.intArray("strings") == nil)
        let t = try #require(file.tensors["t"])
        #expect(t.dimensions == [4, 2])
        #expect(Array(try file.tensorData("t").bindMemory(to: Float.self)) == [1, 2, 3, 4, 5, 6, 7, 8])
    }

    @Test func honoursCustomAlignment() throws {
        var w = GGUFTestWriter()
        w.alignment = 64
        w.add("general.alignment", uint32: 64)
        w.addF32("a", dims: [3], values: [1, 2, 3])
        w.addF32("b", dims: [2], values: [9, 8])
        let url = try w.write()
        defer { try? FileManager.default.removeItem(at: url) }
        let file = try GGUFFile(url: url)
        #expect(file.alignment == 64)
        #expect(file.dataOffset % 64 == 0)
        #expect(file.tensors["b"]?.offset == 64)
        #expect(Array(try file.tensorData("b").bindMemory(to: Float.self)) == [9, 8])
    }

    @Test func rejectsBadMagic() throws {
        var bytes = GGUFTestWriter().bytes()
        bytes[0] = UInt8(ascii: "X")
        let url = try GGUFTestWriter().write(bytes + [UInt8](repeating: 0, count: 64))
        defer { try? FileManager.default.removeItem(at: url) }
        #expect { try GGUFFile(url: url) } throws: { error in
            guard case GGUFError.notGGUF = error else { return false }
            return "\(error)".contains("not a GGUF file")
        }
    }

    @Test func rejectsUnsupportedVersion() throws {
        var w = GGUFTestWriter()
        w.version = 7
        let url = try w.write()
        defer { try? FileManager.default.removeItem(at: url) }
        #expect { try GGUFFile(url: url) } throws: { error in
            if case GGUFError.unsupportedVersion(_, 7) = error { return true }
            return false
        }
    }

    @Test func rejectsTruncatedFilesAtEveryCut() throws {
        var w = GGUFTestWriter()
        w.add("general.architecture", string: "llama")
        w.add("x", float32: 2)
        w.addF32("t", dims: [8], values: [Float](repeating: 1, count: 8))
        let full = w.bytes()
        for cut in stride(from: 0, to: full.count - 1, by: 3) {
            let url = try w.write(Array(full[0..<cut]))
            defer { try? FileManager.default.removeItem(at: url) }
            #expect(throws: GGUFError.self) { try GGUFFile(url: url) }
        }
        let url = try w.write(Array(full[0..<(full.count - 4)]))
        defer { try? FileManager.default.removeItem(at: url) }
        #expect { try GGUFFile(url: url) } throws: { error in
            guard case GGUFError.truncated(_, _, let what) = error else { return false }
            return what.contains("tensor t")
        }
    }

    @Test func rejectsUnknownTensorTypeNamingIt() throws {
        var w = GGUFTestWriter()
        w.tensors.append((name: "blk.0.weird.weight", dims: [32], type: 77, data: [UInt8](repeating: 0, count: 64)))
        let url = try w.write()
        defer { try? FileManager.default.removeItem(at: url) }
        #expect { try GGUFFile(url: url) } throws: { error in
            guard case GGUFError.unsupportedTensorType(let name, let type) = error else { return false }
            return name == "blk.0.weird.weight" && type.contains("77")
        }
    }

    @Test func rejectsUnknownMetadataType() throws {
        var w = GGUFTestWriter()
        w.add("odd", type: 42, raw: [0, 0, 0, 0])
        let url = try w.write()
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: GGUFError.self) { try GGUFFile(url: url) }
    }

    @Test func missingFileIsCannotOpen() {
        #expect { try GGUFFile(url: URL(fileURLWithPath: "/nonexistent/model.gguf")) } throws: { error in
            if case GGUFError.cannotOpen = error { return true }
            return false
        }
    }

    @Test func typeSizesMatchGGML() {
        #expect(GGMLType.q4_1.byteCount(elements: 576) == 360)
        #expect(GGMLType.q8_0.bytesPerBlock == 34)
        #expect(GGMLType.q4_K.bytesPerBlock == 144 && GGMLType.q4_K.blockSize == 256)
        #expect(GGMLType.q6_K.bytesPerBlock == 210)
        #expect(GGMLType.q5_0.bytesPerBlock == 22)
        #expect(GGMLType.bf16.rawValue == 30)
        #expect(GGMLType.q6_K.description == "Q6_K")
    }
}
