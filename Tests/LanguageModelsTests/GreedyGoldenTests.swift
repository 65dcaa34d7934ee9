import Foundation
import Testing
@testable import LanguageModels

/// Greedy decoding against llama.cpp's outputs in ../shared/golden (run these in release mode).
@Suite("Greedy decoding matches llama.cpp", .serialized)
struct GreedyGoldenTests {
    struct Golden: Decodable {
        struct Prompt: Decodable {
            struct Top: Decodable { let id: Int; let logit: Float }
            let name: String
            let prompt_ids_no_bos: [Int32]
            let generated_ids: [Int32]
            let greedy_margin_top1_minus_top2: [Float]
            let first_position_top5: [Top]
        }
        let prompts: [Prompt]
    }

    /// Tolerances, measured rather than wished for. SmolLM2-135M is very sensitive to rounding: a
    /// float64 forward pass on the dequantized weights differs from llama.cpp by up to 0.22 on the
    /// first prompt's top-5 logits, and changing only how one matrix's activations are quantized
    /// moves our logits by 0.3-0.7 (8-bit activations as in llama.cpp, but float block scales and
    /// an f32 KV cache where llama.cpp rounds to f16); the float64 pass itself picks another token
    /// than llama.cpp at a step where llama.cpp's margin is 0.33 (plain_completion, step 5).
    /// Qwen2.5 is far less sensitive and is held to the tight bounds.
    struct Tolerance {
        /// Below this top-1/top-2 margin (llama.cpp's) either token is an acceptable greedy choice.
        var tieMargin: Float
        /// Largest accepted difference on the first position's top-5 logits.
        var logit: Float
    }

    static func argmax(_ logits: [Float]) -> Int {
        var best = 0
        for i in logits.indices where logits[i] > logits[best] { best = i }
        return best
    }

    func check(model modelURL: URL, golden name: String, tolerance: Tolerance) throws {
        let goldenURL = GGUFTestPaths.shared.appendingPathComponent("golden/\(name)")
        guard GGUFTestPaths.available(modelURL), GGUFTestPaths.available(goldenURL) else { return }
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: goldenURL))
        let model = try LlamaModel(url: modelURL)
        let session = model.makeSession(contextLength: 512)
        for prompt in golden.prompts {
            session.truncate(to: 0)
            var logits = try session.append(prompt.prompt_ids_no_bos)
            #expect(logits.count == model.configuration.vocabularySize)
            for top in prompt.first_position_top5 {
                #expect(abs(logits[top.id] - top.logit) < tolerance.logit,
                        "\(prompt.name): logit of \(top.id) is \(logits[top.id]), llama.cpp \(top.logit)")
            }
            #expect(Self.argmax(logits) == prompt.first_position_top5[0].id, "\(prompt.name): first token")
            // Feeding the reference token is free-running greedy as long as we agree; after a
            // near-tie it keeps every later confident step checkable.
            for (step, expected) in prompt.generated_ids.enumerated() {
                let chosen = Int32(Self.argmax(logits))
                let margin = prompt.greedy_margin_top1_minus_top2[step]
                if margin >= tolerance.tieMargin {
                    #expect(chosen == expected,
                            "\(prompt.name) step \(step): chose \(chosen), llama.cpp \(expected) (margin \(margin), ours \(logits[Int(chosen)] - logits[Int(expected)]))")
                }
                logits = try session.append([expected])
            }
        }
    }

    @Test func smolLM2() throws {
        try check(model: GGUFTestPaths.smolLM, golden: "smollm2_greedy.json",
                  tolerance: Tolerance(tieMargin: 0.5, logit: 0.75))
    }

    @Test func qwen25Coder() throws {
        try check(model: GGUFTestPaths.qwen, golden: "qwen25coder05b_greedy.json",
                  tolerance: Tolerance(tieMargin: 0.05, logit: 0.35))
    }
}
