import Foundation
import TestSupport
import Testing
@testable import LanguageModels

/// Greedy decoding against llama.cpp's outputs in Tests/Fixtures/golden (run these in release mode).
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

    /// Tolerances, measured rather than wished for: they are llama.cpp's own spread. llama.cpp
    /// (llama-cpp-python 0.3.36, the golden files' version) fed the same prompts one token at a time
    /// instead of in one batch differs from its own golden logits by up to 0.43 (SmolLM2,
    /// chat_qa_with_context) and 0.17 (Qwen2.5), and picks another greedy token than its golden run at
    /// SmolLM2 steps whose margin is 0.11-0.20. Over 40 retrieval prompts
    /// (benchmarks/llm/agreement.sh) its token-by-token top-5 logits differ from its batched ones
    /// by up to 0.82 (SmolLM2) and 0.35 (Qwen2.5), and ours by up to 0.65 and 0.26. The cause is
    /// 8-bit activation quantization: a change in summation order flips roundings, which SmolLM2
    /// amplifies most. Rounding like llama.cpp (f16 KV cache, queries and attention weights, f16
    /// q8 scales, float RoPE angles) was tried and measured: it did not bring the distributions
    /// closer, so it is not done. The 0.1 is below the reference's own reproducibility.
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
        try requireFile(modelURL)
        let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: TokenizerFixtures.goldenURL(name)))
        let model = try LlamaModel(url: modelURL)
        let session = model.makeSession(contextLength: 512)
        var worst: Float = 0
        for prompt in golden.prompts {
            session.truncate(to: 0)
            var logits = try session.append(prompt.prompt_ids_no_bos)
            #expect(logits.count == model.configuration.vocabularySize)
            for top in prompt.first_position_top5 {
                worst = max(worst, abs(logits[top.id] - top.logit))
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
        print("\(name): largest first-position top-5 logit difference from llama.cpp \(worst)")
    }

    @Test(.requires(TestModels.smolLM)) func smolLM2() throws {
        try check(model: TestModels.smolLM, golden: "smollm2_greedy.json",
                  tolerance: Tolerance(tieMargin: 0.25, logit: 0.75))
    }

    @Test(.requires(TestModels.qwen)) func qwen25Coder() throws {
        try check(model: TestModels.qwen, golden: "qwen25coder05b_greedy.json",
                  tolerance: Tolerance(tieMargin: 0.05, logit: 0.35))
    }
}
