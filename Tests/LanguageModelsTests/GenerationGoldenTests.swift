import Foundation
import TestSupport
import Testing

@testable import LanguageModels

/// Chat template + tokenizer + generator + model end to end: greedy chat answers reproduce
/// llama.cpp's token ids (up to the first step where its top-2 margin is too small to call), and
/// prompt-prefix reuse gives the same tokens as a fresh session.
struct GenerationGoldenTests {
    private static let steps = 8

    private func check(model url: URL, golden name: String) throws {
        try requireFile(url)
        let prompts = try #require(try TokenizerFixtures.goldenJSON(name)["prompts"] as? [[String: Any]])
        let generator = try Generator(modelURL: url, contextLength: 512)
        for prompt in prompts {
            guard let rawMessages = prompt["messages"] as? [[String: String]] else { continue }
            let messages = rawMessages.compactMap { m in
                ChatRole(rawValue: m["role"] ?? "").map { ChatMessage(role: $0, content: m["content"] ?? "") }
            }
            let expected = TokenizerFixtures.ids(prompt["generated_ids"])
            let margins = (prompt["greedy_margin_top1_minus_top2"] as? [Double]) ?? []
            // Compare up to (and including) the first step whose margin is below 0.05.
            var count = min(Self.steps, expected.count)
            if let unsure = margins.prefix(count).firstIndex(where: { $0 < 0.05 }) { count = unsure + 1 }
            let result = try generator.generate(
                .chat(messages), parameters: GenerationParameters(maxTokens: count, reusePromptPrefix: false))
            #expect(result.promptTokenIDs == TokenizerFixtures.ids(prompt["prompt_ids_no_bos"]))
            #expect(Array(result.tokenIDs.prefix(count)) == Array(expected.prefix(count)), "\(name): \(prompt["name"] ?? "")")
            if let goldenText = prompt["generated_text"] as? String {
                #expect(goldenText.hasPrefix(result.text), "\(name): text \(result.text.debugDescription)")
            }
        }
    }

    @Test(.requires(TestModels.smolLM)) func smolLMChatAnswersMatchLlamaCpp() throws {
        try check(model: TokenizerFixtures.smolLMURL, golden: "smollm2_greedy.json")
    }

    @Test(.requires(TestModels.qwen)) func qwenChatAnswersMatchLlamaCpp() throws {
        try check(model: TokenizerFixtures.qwenURL, golden: "qwen25coder05b_greedy.json")
    }

    @Test(.requires(TestModels.smolLM)) func prefixReuseGivesTheSameTokensAsAFreshSession() throws {
        let file = try TokenizerFixtures.file(TokenizerFixtures.smolLMURL)
        let model = try LlamaModel(file: file)
        let shared = Generator(session: model.makeSession(contextLength: 512), tokenizer: try BPETokenizer(gguf: file),
                               chatTemplate: ChatTemplate(gguf: file))
        let system = ChatMessage.system("Answer the question using only the context. Context: The Eiffel Tower is in Paris. "
            + "It was built from 1887 to 1889 by Gustave Eiffel's company.")
        let parameters = GenerationParameters(maxTokens: 6)
        _ = try shared.generate(.chat([system, .user("Where is the Eiffel Tower?")]), parameters: parameters)
        let reused = try shared.generate(.chat([system, .user("Who built it?")]), parameters: parameters)
        #expect(reused.reusedPromptTokens > 20)

        let fresh = try Generator(model: model, contextLength: 512)
            .generate(.chat([system, .user("Who built it?")]), parameters: parameters)
        #expect(fresh.reusedPromptTokens == 0)
        #expect(reused.tokenIDs == fresh.tokenIDs)
    }
}
