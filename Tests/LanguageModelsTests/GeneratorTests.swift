import Foundation
import Testing

@testable import LanguageModels

/// A deterministic stand-in for a model (tests only): the next token is `script[last token]`,
/// with a big logit; it records how many tokens were appended, to see prefix-cache reuse.
final class ScriptedSession: LanguageModelSession {
    let vocabularySize: Int
    let contextLength: Int
    private(set) var cachedTokens: [Int32] = []
    private(set) var appendedTokenCount = 0
    private(set) var appendCalls = 0
    var script: [Int32: Int32]

    init(vocabularySize: Int = 256, contextLength: Int = 64, script: [Int32: Int32]) {
        self.vocabularySize = vocabularySize
        self.contextLength = contextLength
        self.script = script
    }

    func append(_ tokens: [Int32]) throws -> [Float] {
        precondition(cachedTokens.count + tokens.count <= contextLength, "context overflow")
        cachedTokens += tokens
        appendedTokenCount += tokens.count
        appendCalls += 1
        var logits = [Float](repeating: 0, count: vocabularySize)
        logits[Int(script[tokens.last!] ?? 0)] = 10
        return logits
    }

    func truncate(to count: Int) { cachedTokens.removeLast(cachedTokens.count - min(count, cachedTokens.count)) }
}

struct GeneratorTests {
    /// Byte tokens; token 0 ends generation. "abc" -> "d" -> "e" -> ... by the script.
    private func alphabetScript() -> [Int32: Int32] {
        var script: [Int32: Int32] = [:]
        for byte in UInt8(ascii: "a")...UInt8(ascii: "y") { script[Int32(byte)] = Int32(byte) + 1 }
        script[Int32(UInt8(ascii: "z"))] = 0
        return script
    }

    @Test func generatesUntilEndOfGeneration() throws {
        let session = ScriptedSession(script: alphabetScript())
        let generator = Generator(session: session, tokenizer: ByteTokenizer())
        var streamed = ""
        let result = try generator.generate(.text("uvw")) { token in
            streamed += token.text
            return true
        }
        #expect(result.text == "xyz")
        #expect(streamed == "xyz")
        #expect(result.tokenIDs == [120, 121, 122, 0])
        #expect(result.stopReason == .endOfGeneration)
        #expect(result.promptTokenIDs == [117, 118, 119])
    }

    @Test func stopsAtMaxTokensWithoutAnExtraForwardPass() throws {
        let session = ScriptedSession(script: alphabetScript())
        let generator = Generator(session: session, tokenizer: ByteTokenizer())
        let result = try generator.generate(.text("a"), parameters: GenerationParameters(maxTokens: 3))
        #expect(result.text == "bcd")
        #expect(result.stopReason == .maxTokens)
        #expect(session.appendedTokenCount == 1 + 2)  // prompt, then all but the last sampled token
        #expect(result.decodeSteps == 2)
    }

    @Test func stopSequencesCutTheTextAndAreNeverStreamed() throws {
        let session = ScriptedSession(script: alphabetScript())
        let generator = Generator(session: session, tokenizer: ByteTokenizer())
        var streamed = ""
        let result = try generator.generate(.text("a"), parameters: GenerationParameters(stopSequences: ["fgh", "zz"])) {
            streamed += $0.text
            return true
        }
        #expect(result.text == "bcde")
        #expect(streamed == "bcde")
        #expect(result.stopReason == .stopSequence)
        // A held-back possible start ("x" of "xq") is released when no stop follows.
        let session2 = ScriptedSession(script: alphabetScript())
        let tail = try Generator(session: session2, tokenizer: ByteTokenizer())
            .generate(.text("v"), parameters: GenerationParameters(stopSequences: ["zq"]))
        #expect(tail.text == "wxyz")
        #expect(tail.stopReason == .endOfGeneration)
    }

    @Test func reusesTheCachedPromptPrefix() throws {
        let session = ScriptedSession(contextLength: 128, script: alphabetScript())
        let generator = Generator(session: session, tokenizer: ByteTokenizer())
        let shared = "abcdefghij"
        _ = try generator.generate(.text(shared + "k"), parameters: GenerationParameters(maxTokens: 2))
        let before = session.appendedTokenCount
        let second = try generator.generate(.text(shared + "mn"), parameters: GenerationParameters(maxTokens: 2))
        #expect(second.reusedPromptTokens == shared.count)
        #expect(session.appendedTokenCount - before == 2 + 1)  // "mn", then one decode step
        #expect(second.text == "op")
        // The very same prompt again: everything but the last token is reused.
        let third = try generator.generate(.text(shared + "mn"), parameters: GenerationParameters(maxTokens: 1))
        #expect(third.reusedPromptTokens == shared.count + 1)
        #expect(third.text == "o")
        // Without reuse the whole prompt is recomputed.
        let fourth = try generator.generate(
            .text(shared + "mn"), parameters: GenerationParameters(maxTokens: 1, reusePromptPrefix: false))
        #expect(fourth.reusedPromptTokens == 0)
        #expect(Array(session.cachedTokens.prefix(12)) == Array((shared + "mn").utf8).map { Int32($0) })
    }

    @Test func streamsEventsAndCanBeCancelled() async throws {
        let session = ScriptedSession(script: alphabetScript())
        let generator = Generator(session: session, tokenizer: ByteTokenizer())
        var pieces: [String] = []
        var finished: GenerationResult?
        for try await event in generator.stream(.text("w")) {
            switch event {
            case .token(let token): pieces.append(token.text)
            case .finished(let result): finished = result
            }
        }
        #expect(pieces == ["x", "y", "z"])
        #expect(finished?.stopReason == .endOfGeneration)

        // A callback returning false stops the loop.
        var count = 0
        let result = try generator.generate(.text("a"), parameters: GenerationParameters(maxTokens: 20)) { _ in
            count += 1
            return count < 3
        }
        #expect(result.stopReason == .cancelled)
        #expect(result.tokenIDs.count == 3)

        // Breaking out of the stream ends the generation.
        var seen = 0
        for try await event in generator.stream(.text("a"), parameters: GenerationParameters(maxTokens: 20)) {
            if case .token = event { seen += 1 }
            if seen == 2 { break }
        }
        let complete = try await generator.complete(.text("x"))
        #expect(complete.text == "yz")
    }

    @Test func rejectsEmptyAndTooLongPrompts() {
        let session = ScriptedSession(contextLength: 4, script: alphabetScript())
        let generator = Generator(session: session, tokenizer: ByteTokenizer())
        #expect(throws: GenerationError.emptyPrompt) { try generator.generate(.text("")) }
        #expect(throws: GenerationError.promptTooLong(tokens: 5, contextLength: 4)) {
            try generator.generate(.text("abcde"))
        }
    }

    @Test func stopsWhenTheContextIsFull() throws {
        let session = ScriptedSession(contextLength: 4, script: alphabetScript())
        let result = try Generator(session: session, tokenizer: ByteTokenizer())
            .generate(.text("ab"), parameters: GenerationParameters(maxTokens: 10))
        #expect(result.stopReason == .contextFull)
        #expect(result.text == "cde")
    }

    @Test func chatPromptsUseTheTemplate() throws {
        let generator = Generator(session: ScriptedSession(script: [:]), tokenizer: ByteTokenizer())
        // ByteTokenizer drops specials: only the text parts remain.
        #expect(try generator.promptTokens(for: .chat([.user("hi")])) == Array("user\nhi\nassistant\n".utf8).map { Int32($0) })
        let continued = generator.chatTemplate.render([.user("hi")]) + [.text("So")]
        #expect(try generator.promptTokens(for: .segments(continued)) == Array("user\nhi\nassistant\nSo".utf8).map { Int32($0) })
    }
}
