import Foundation
import TestSupport
import Testing

@testable import LanguageModels

/// The streaming detokenizer never splits a UTF-8 character across pieces.
struct TokenizerStreamingTests {
    @Test func holdsBackIncompleteCharacters() {
        // "é" is C3 A9, "😀" is F0 9F 98 80.
        var detokenizer = StreamingDetokenizer(tokenizer: ByteTokenizer())
        var pieces: [String] = []
        for byte: UInt8 in [0x61, 0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80, 0x62] {
            pieces.append(detokenizer.append(Int32(byte)))
        }
        #expect(pieces == ["a", "", "é", "", "", "", "😀", "b"])
        #expect(detokenizer.finish() == "")
    }

    @Test func flushesAnUnfinishedCharacterAsReplacement() {
        var detokenizer = StreamingDetokenizer(tokenizer: ByteTokenizer())
        #expect(detokenizer.append(0xE2) == "")
        #expect(detokenizer.append(0x82) == "")
        #expect(detokenizer.finish() == "\u{FFFD}")
    }

    @Test(.requires(TestModels.qwen)) func realEmojiTokensStreamWhole() throws {
        let tokenizer = try TokenizerFixtures.qwen()
        let text = "emoji 😀🚀👍🏽 日本語のテキスト café αβγ ∑∫√∞ ≤≥≠"
        let ids = tokenizer.encode(text)
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        var streamed = ""
        for id in ids {
            let piece = detokenizer.append(id)
            #expect(!piece.unicodeScalars.contains("\u{FFFD}"))
            streamed += piece
        }
        streamed += detokenizer.finish()
        #expect(streamed == text)
        // Some characters do span several tokens (" ∑" is two tokens), so the test is not vacuous.
        #expect(ids.contains { tokenizer.decode([$0]).unicodeScalars.contains("\u{FFFD}") })
    }
}

/// A tokenizer whose ids are bytes, to drive the detokenizer byte by byte.
struct ByteTokenizer: Tokenizer {
    var vocabularySize: Int { 256 }
    func encode(_ text: String, parseSpecial: Bool, addSpecial: Bool) -> [Int32] { text.utf8.map { Int32($0) } }
    func encode(_ segments: [PromptSegment], addSpecial: Bool) throws -> [Int32] {
        segments.flatMap { segment -> [Int32] in
            if case .text(let text) = segment { return encode(text) }
            return []
        }
    }
    func pieceBytes(_ id: Int32, renderSpecial: Bool) -> [UInt8] { [UInt8(truncatingIfNeeded: id)] }
    func isEndOfGeneration(_ id: Int32) -> Bool { id == 0 }
}
