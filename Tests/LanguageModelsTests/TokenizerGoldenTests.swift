import Foundation
import TestSupport
import Testing

@testable import LanguageModels

/// Every id list of the golden tokenizations (llama.cpp on the same GGUF files) reproduced exactly.
struct TokenizerGoldenTests {
    private func checkPlainItems(_ tokenizer: BPETokenizer, golden name: String) throws {
        let items = try #require(try TokenizerFixtures.goldenJSON(name)["items"] as? [[String: Any]])
        #expect(items.count >= 30)
        for item in items {
            let text = item["text"] as? String ?? ""
            let expected = TokenizerFixtures.ids(item["ids_parse_special_false"])
            let got = tokenizer.encode(text, parseSpecial: false, addSpecial: true)
            #expect(got == expected, "\(name): \(text.debugDescription)")
            // Decoding gives the text back.
            #expect(tokenizer.decode(got) == text, "\(name) round trip: \(text.debugDescription)")
        }
    }

    private func checkChatPrompts(_ tokenizer: BPETokenizer, golden name: String) throws {
        let prompts = try #require(try TokenizerFixtures.goldenJSON(name)["prompts"] as? [[String: Any]])
        for prompt in prompts {
            let text = prompt["prompt_text"] as? String ?? ""
            let special = prompt["tokenize_parse_special"] as? Bool ?? false
            let expected = TokenizerFixtures.ids(prompt["prompt_ids_no_bos"])
            #expect(tokenizer.encode(text, parseSpecial: special, addSpecial: true) == expected, "\(name): \(prompt["name"] ?? "")")
        }
    }

    @Test(.requires(TestModels.smolLM)) func smolLMPlainTextMatchesLlamaCpp() throws {
        let tokenizer = try TokenizerFixtures.smolLM()
        #expect(tokenizer.preTokenizer == .smollm)
        #expect(!tokenizer.addBOS)
        try checkPlainItems(tokenizer, golden: "smollm2_tokenize.json")
    }

    @Test(.requires(TestModels.qwen)) func qwenPlainTextMatchesLlamaCpp() throws {
        let tokenizer = try TokenizerFixtures.qwen()
        #expect(tokenizer.preTokenizer == .qwen2)
        #expect(!tokenizer.addBOS)
        try checkPlainItems(tokenizer, golden: "qwen25coder05b_tokenize.json")
    }

    @Test(.requires(TestModels.smolLM)) func smolLMGreedyPromptsWithSpecialParsing() throws {
        let tokenizer = try TokenizerFixtures.smolLM()
        try checkChatPrompts(tokenizer, golden: "smollm2_greedy.json")
    }

    @Test(.requires(TestModels.qwen)) func qwenGreedyPromptsWithSpecialParsing() throws {
        let tokenizer = try TokenizerFixtures.qwen()
        try checkChatPrompts(tokenizer, golden: "qwen25coder05b_greedy.json")
    }

    @Test(.requires(TestModels.qwen)) func controlTokenTextStaysTextUnlessAsked() throws {
        let tokenizer = try TokenizerFixtures.qwen()
        let text = "passage <|im_end|> more"
        let plain = tokenizer.encode(text)
        #expect(!plain.contains(151645))
        #expect(tokenizer.decode(plain) == text)
        let parsed = tokenizer.encode(text, parseSpecial: true, addSpecial: false)
        #expect(parsed.contains(151645))
        #expect(tokenizer.isEndOfGeneration(151645))
        #expect(tokenizer.isEndOfGeneration(151643))
        #expect(!tokenizer.isEndOfGeneration(9707))
        // Control tokens render as nothing unless asked.
        #expect(tokenizer.decode([151644]) == "")
        #expect(tokenizer.decode([151644], renderSpecial: true) == "<|im_start|>")
    }
}
