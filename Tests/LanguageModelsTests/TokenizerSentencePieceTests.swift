import Testing

@testable import LanguageModels

/// The SentencePiece (llama.cpp SPM) tokenizer on a tiny vocabulary.
struct TokenizerSentencePieceTests {
    private static let pieces: [(String, Float)] = [
        ("▁", -10), ("h", -10), ("e", -10), ("l", -10), ("o", -10), ("w", -10), ("r", -10), ("d", -10),
        ("ll", -1), ("he", -2), ("llo", -3), ("hello", -4), ("▁hello", -5), ("▁h", -6), ("▁w", -7), ("or", -8),
        ("▁wor", -9), ("ld", -9.5), ("▁world", -9.8), ("[INST]", 0),
    ]

    private func make(addSpacePrefix: Bool = true) throws -> SentencePieceTokenizer {
        var tokens = ["<unk>", "<s>", "</s>"]
        var types: [TokenType] = [.unknown, .control, .control]
        for byte in 0..<256 {
            let hex = String(byte, radix: 16, uppercase: true)
            tokens.append("<0x" + (hex.count == 1 ? "0" : "") + hex + ">")
            types.append(.byte)
        }
        tokens += Self.pieces.map(\.0)
        types += Self.pieces.map { $0.0 == "[INST]" ? .control : .normal }
        let scores = [Float](repeating: 0, count: 259) + Self.pieces.map(\.1)
        return try SentencePieceTokenizer(
            tokens: tokens, scores: scores, tokenTypes: types, bosTokenID: 1, eosTokenID: 2, unknownTokenID: 0,
            addBOS: true, addSpacePrefix: addSpacePrefix)
    }

    private func id(_ t: SentencePieceTokenizer, _ spelling: String) -> Int32 { t.specialTokenID(spelling)! }

    @Test func mergesByScoreWithASpacePrefix() throws {
        let t = try make()
        #expect(t.encode("hello", parseSpecial: false, addSpecial: true) == [1, id(t, "▁hello")])
        #expect(t.encode("hello world") == [id(t, "▁hello"), id(t, "▁world")])
        #expect(t.decode(t.encode("hello world")) == " hello world")
        let plain = try make(addSpacePrefix: false)
        #expect(plain.encode("hello") == [id(plain, "hello")])
    }

    @Test func unknownCharactersFallBackToBytes() throws {
        let t = try make()
        #expect(t.encode("é") == [id(t, "▁"), id(t, "<0xC3>"), id(t, "<0xA9>")])
        #expect(t.decode(t.encode("hé")) == " hé")
    }

    @Test func specialTokensAndMarkers() throws {
        let t = try make()
        // After a special token the next text fragment gets the space prefix again (llama.cpp).
        #expect(t.encode("</s>hello", parseSpecial: true, addSpecial: false) == [2, id(t, "▁hello")])
        #expect(!t.encode("</s>hello", parseSpecial: false, addSpecial: false).contains(2))
        #expect(try t.encode([.marker("[INST]"), .text("hello")], addSpecial: true)
            == [1, id(t, "[INST]"), id(t, "▁hello")])
        #expect(t.isEndOfGeneration(2))
        #expect(t.decode([2]) == "")
    }
}
