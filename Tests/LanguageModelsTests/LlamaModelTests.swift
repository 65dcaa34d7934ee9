import Foundation
import TestSupport
import Testing
@testable import LanguageModels

/// Tiny random-weight models written as GGUF files: shapes, errors and KV-cache invariants.
@Suite("Llama model invariants")
struct LlamaModelTests {
    struct Tiny {
        var architecture = "llama"
        var vocabulary = 40, width = 32, heads = 4, kvHeads = 2, feedForward = 48, blocks = 2
        var tiedOutput = true
        var omit: String? = nil

        func write() throws -> URL {
            var rng = SplitMix(seed: 7)
            var w = GGUFTestWriter()
            let a = architecture
            w.add("general.architecture", string: a)
            w.add("\(a).block_count", uint32: UInt32(blocks))
            w.add("\(a).embedding_length", uint32: UInt32(width))
            w.add("\(a).attention.head_count", uint32: UInt32(heads))
            w.add("\(a).attention.head_count_kv", uint32: UInt32(kvHeads))
            w.add("\(a).feed_forward_length", uint32: UInt32(feedForward))
            w.add("\(a).context_length", uint32: 64)
            w.add("\(a).attention.layer_norm_rms_epsilon", float32: 1e-5)
            w.add("\(a).rope.freq_base", float32: 10000)
            let hd = width / heads
            func add(_ name: String, _ dims: [Int], scale: Float = 0.3, offset: Float = 0) {
                guard name != omit else { return }
                let n = dims.reduce(1, *)
                w.addF32(name, dims: dims, values: (0..<n).map { _ in offset + scale * rng.nextSigned() })
            }
            add("token_embd.weight", [width, vocabulary], scale: 1)
            for b in 0..<blocks {
                let p = "blk.\(b)."
                add(p + "attn_norm.weight", [width], scale: 0.1, offset: 1)
                add(p + "attn_q.weight", [width, heads * hd])
                add(p + "attn_k.weight", [width, kvHeads * hd])
                add(p + "attn_v.weight", [width, kvHeads * hd])
                if a == "qwen2" {
                    add(p + "attn_q.bias", [heads * hd])
                    add(p + "attn_k.bias", [kvHeads * hd])
                    add(p + "attn_v.bias", [kvHeads * hd])
                }
                add(p + "attn_output.weight", [heads * hd, width])
                add(p + "ffn_norm.weight", [width], scale: 0.1, offset: 1)
                add(p + "ffn_gate.weight", [width, feedForward])
                add(p + "ffn_up.weight", [width, feedForward])
                add(p + "ffn_down.weight", [feedForward, width])
            }
            add("output_norm.weight", [width], scale: 0.1, offset: 1)
            if !tiedOutput { add("output.weight", [width, vocabulary]) }
            return try w.write()
        }
    }

    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func nextSigned() -> Float { Float(next() >> 40) / Float(1 << 24) * 2 - 1 }
    }

    static func load(_ tiny: Tiny) throws -> LlamaModel {
        let url = try tiny.write()
        defer { try? FileManager.default.removeItem(at: url) }  // the mapping outlives the name
        return try LlamaModel(url: url)
    }

    static func close(_ a: [Float], _ b: [Float], tolerance: Float = 1e-4) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }

    static let tokens: [Int32] = [3, 17, 5, 39, 0, 22, 8, 11, 30]

    @Test(arguments: ["llama", "qwen2", "mistral"])
    func configurationAndShapes(architecture: String) throws {
        let model = try Self.load(Tiny(architecture: architecture, tiedOutput: architecture != "qwen2"))
        let c = model.configuration
        #expect(c.blockCount == 2 && c.embeddingLength == 32 && c.headDimension == 8 && c.groupSize == 2)
        #expect(c.vocabularySize == 40 && c.contextLength == 64)
        #expect(c.architecture.ropeStyle == (architecture == "qwen2" ? .halves : .adjacentPairs))
        #expect(model.weights.outputTiedToEmbedding == (architecture != "qwen2"))
        let session = model.makeSession()
        #expect(session.contextLength == 64)
        let logits = try session.append(Self.tokens)
        #expect(logits.count == 40)
        #expect(logits.allSatisfy { $0.isFinite })
        #expect(session.cachedTokens == Self.tokens)
    }

    @Test(arguments: ["llama", "qwen2"])
    func appendInPiecesEqualsAllAtOnce(architecture: String) throws {
        let model = try Self.load(Tiny(architecture: architecture))
        let whole = try model.makeSession().append(Self.tokens)
        let pieces = model.makeSession()
        _ = try pieces.append(Array(Self.tokens[0..<4]))
        _ = try pieces.append([Self.tokens[4]])
        let last = try pieces.append(Array(Self.tokens[5...]))
        #expect(Self.close(whole, last))
        // One token at a time (pure decode path).
        let single = model.makeSession()
        var logits: [Float] = []
        for t in Self.tokens { logits = try single.append([t]) }
        #expect(Self.close(whole, logits))
    }

    @Test(arguments: ["llama", "qwen2"])
    func truncateThenReappendEqualsFresh(architecture: String) throws {
        let model = try Self.load(Tiny(architecture: architecture))
        let session = model.makeSession()
        _ = try session.append(Self.tokens)
        session.truncate(to: 3)
        #expect(session.cachedTokens == Array(Self.tokens[0..<3]))
        let other: [Int32] = [1, 2, 33, 4]
        let reused = try session.append(other)
        let fresh = try model.makeSession().append(Array(Self.tokens[0..<3]) + other)
        #expect(Self.close(reused, fresh))
        session.truncate(to: 100)  // beyond the cache: no-op
        #expect(session.cachedTokens.count == 7)
        session.truncate(to: 0)
        #expect(session.cachedTokens.isEmpty)
        let again = try session.append(Self.tokens)
        #expect(Self.close(again, try model.makeSession().append(Self.tokens)))
    }

    /// Long enough that decode takes the split (flash-decoding) attention path.
    @Test(arguments: ["llama", "qwen2"])
    func longDecodeMatchesBatch(architecture: String) throws {
        let model = try Self.load(Tiny(architecture: architecture))
        let long = (0..<150).map { Int32($0 * 13 % 40) }
        let whole = try model.makeSession(contextLength: 200).append(long)
        let stepwise = model.makeSession(contextLength: 200)
        _ = try stepwise.append(Array(long[0..<100]))
        var logits: [Float] = []
        for t in long[100...] { logits = try stepwise.append([t]) }
        #expect(Self.close(whole, logits))
    }

    @Test func batchChunkingMatchesOneBatch() throws {
        let model = try Self.load(Tiny())
        let long = (0..<50).map { Int32($0 * 7 % 40) }
        let one = try model.makeSession().append(long)
        let chunked = LlamaSession(model: model, contextLength: 64, batchSize: 8)
        let pieces = try chunked.append(long)
        #expect(Self.close(one, pieces))
    }

    @Test func contextFullAndInvalidTokensThrowWithoutChangingTheCache() throws {
        let model = try Self.load(Tiny())
        let session = model.makeSession(contextLength: 10)
        _ = try session.append(Array(Self.tokens[0..<8]))
        #expect(throws: LlamaError.contextFull(cached: 8, appending: 3, contextLength: 10)) {
            try session.append([1, 2, 3])
        }
        #expect(throws: LlamaError.invalidToken(id: 40, vocabularySize: 40)) { try session.append([40]) }
        #expect(throws: LlamaError.self) { try session.append([-1]) }
        #expect(session.cachedTokens.count == 8)
        let none = try session.append([])
        #expect(none.isEmpty)
    }

    @Test func unknownArchitectureIsNamed() throws {
        let url = try Tiny(architecture: "gpt2").write()
        defer { try? FileManager.default.removeItem(at: url) }
        #expect { try LlamaModel(url: url) } throws: { error in
            guard case GGUFError.unknownArchitecture("gpt2") = error else { return false }
            return "\(error)".contains("gpt2")
        }
    }

    @Test func missingTensorIsNamed() throws {
        let url = try Tiny(omit: "blk.1.ffn_up.weight").write()
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: GGUFError.missingTensor(name: "blk.1.ffn_up.weight")) { try LlamaModel(url: url) }
    }

    @Test(.requires(TestModels.smolLM)) func smolLMLoads() throws {
        let model = try LlamaModel(url: TestModels.smolLM)
        let c = model.configuration
        #expect(c.blockCount == 30 && c.headCount == 9 && c.kvHeads == 3 && c.headDimension == 64)
        #expect(c.feedForwardLength == 1536 && c.ropeFreqBase == 100000 && c.vocabularySize == 49152)
        #expect(model.weights.outputTiedToEmbedding)
    }

    @Test(.requires(TestModels.qwen)) func qwenLoads() throws {
        let model = try LlamaModel(url: TestModels.qwen)
        let c = model.configuration
        #expect(c.architecture.name == "qwen2" && c.blockCount == 24 && c.kvHeads == 2)
        #expect(c.feedForwardLength == 4864 && c.rmsEpsilon == 1e-6 && c.ropeFreqBase == 1_000_000)
        #expect(!model.weights.outputTiedToEmbedding)
    }
}
