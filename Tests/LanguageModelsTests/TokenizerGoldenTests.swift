import Foundation
import Testing

@testable import LanguageModels

/// Every id list of the golden tokenizations (llama.cpp on the same GGUF files) reproduced exactly.
struct TokenizerGoldenTests {
    private func checkPlainItems(_ tokenizer: BPETokenizer, golden name: String) {
        guard let json = TokenizerFixtures.goldenJSON(name), let items = json["items"] as? [[String: Any]] else { return }
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

    private func checkChatPrompts(_ tokenizer: BPETokenizer, golden name: String) {
        guard let json = TokenizerFixtures.goldenJSON(name), let prompts = json["prompts"] as? [[String: Any]] else { return }
        for prompt in prompts {
            let text = prompt["prompt_text"] as? String ?? ""
            let special = prompt["tokenize_parse_special"] as? Bool ?? false
            let expected = TokenizerFixtures.ids(prompt["prompt_ids_no_bos"])
            #expect(tokenizer.encode(text, parseSpecial: special, addSpecial: true) == expected, "\(name): \(prompt["name"] ?? "")")
        }
    }

    @Test func smolLMPlainTextMatchesLlamaCpp() {
        guard let tokenizer = TokenizerFixtures.smolLM() else { return }
        #expect(tokenizer.preTokenizer == .smollm)
        #expect(!tokenizer.addBOS)
        checkPlainItems(tokenizer, golden: "smollm2_tokenize.json")
    }

    @Test func qwenPlainTextMatchesLlamaCpp() {
        guard let tokenizer = TokenizerFixtures.qwen() else { return }
        #expect(tokenizer.preTokenizer == .qwen2)
        #expect(!tokenizer.addBOS)
        checkPlainItems(tokenizer, golden: "qwen25coder05b_tokenize.json")
    }

    @Test func smolLMGreedyPromptsWithSpecialParsing() {
        guard let tokenizer = TokenizerFixtures.smolLM() else { return }
        checkChatPrompts(tokenizer, golden: "smollm2_greedy.json")
    }

    @Test func qwenGreedyPromptsWithSpecialParsing() {
        guard let tokenizer = TokenizerFixtures.qwen() else { return }
        checkChatPrompts(tokenizer, golden: "qwen25coder05b_greedy.json")
    }

    @Test func controlTokenTextStaysTextUnlessAsked() {
        guard let tokenizer = TokenizerFixtures.qwen() else { return }
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
