import Testing

@testable import LanguageModels

/// The BPE core on tiny vocabularies built from plain values.
struct TokenizerUnitTests {
    /// The 256 byte tokens in GPT-2 spelling, then `extra` tokens.
    private func tokenizer(extra: [String], merges: [String], pre: PreTokenizer = .gpt2) throws -> BPETokenizer {
        let bytes = (0..<256).map { ByteLevelEncoding.text(forByte: UInt8($0)) }
        return try BPETokenizer(tokens: bytes + extra, merges: merges, preTokenizer: pre)
    }

    private func id(_ tokenizer: BPETokenizer, _ spelling: String) -> Int32 {
        tokenizer.specialTokenID(spelling)!
    }

    @Test func mergesFollowRankOrder() throws {
        let first = try tokenizer(extra: ["ab", "bc"], merges: ["a b", "b c"])
        #expect(first.encode("abc") == [id(first, "ab"), id(first, "c")])
        let second = try tokenizer(extra: ["ab", "bc"], merges: ["b c", "a b"])
        #expect(second.encode("abc") == [id(second, "a"), id(second, "bc")])
    }

    @Test func spacesAreByteLevelAndWordsMergeWhole() throws {
        let t = try tokenizer(extra: ["Ġt", "he", "Ġthe"], merges: ["Ġ t", "h e", "Ġt he"])
        #expect(t.encode(" the") == [id(t, "Ġthe")])
        #expect(t.encode("the the") == [id(t, "t"), id(t, "he"), id(t, "Ġthe")])
        #expect(t.decode(t.encode("the the")) == "the the")
    }

    @Test func mergeResultsOutsideTheVocabularyStillMerge() throws {
        // "xy" is not a token, but "xyz" is, reached through it.
        let t = try tokenizer(extra: ["xyz"], merges: ["x y", "xy z"])
        #expect(t.encode("xyz") == [id(t, "xyz")])
        #expect(t.encode("xy") == [id(t, "x"), id(t, "y")])
    }

    @Test func repeatedLettersMergeLeftmostFirst() throws {
        let t = try tokenizer(extra: ["aa", "aaaa"], merges: ["a a", "aa aa"])
        #expect(t.encode("aaaaa") == [id(t, "aaaa"), id(t, "a")])
        #expect(t.encode("aaaaaaa") == [id(t, "aaaa"), id(t, "aa"), id(t, "a")])
    }

    @Test func malformedMergeIsReported() {
        #expect(throws: TokenizerError.malformedMerge(index: 1, text: "ab")) {
            try tokenizer(extra: [], merges: ["a b", "ab"])
        }
    }

    @Test func moreNewWordsThanTheCacheHoldsInOneCall() throws {
        let t = try tokenizer(extra: [], merges: [])
        // 140,000 distinct letter words in one text: the word cache must stop growing, not loop.
        var words: [String] = []
        for index in 0..<140_000 {
            var value = index
            var word = ""
            repeat {
                word.append(Character(Unicode.Scalar(UInt8(97 + value % 26))))
                value /= 26
            } while value > 0
            words.append(word)
        }
        let text = words.joined(separator: " ")
        let ids = t.encode(text)
        #expect(ids.count == text.utf8.count)
        #expect(t.decode(ids) == text)
    }

    @Test func addBOSOnlyWhenAskedAndPresent() throws {
        let bytes = (0..<256).map { ByteLevelEncoding.text(forByte: UInt8($0)) }
        let types = [TokenType](repeating: .normal, count: 256) + [.control]
        let t = try BPETokenizer(tokens: bytes + ["<s>"], tokenTypes: types, merges: [], preTokenizer: .llama3,
                                 bosTokenID: 256, addBOS: true)
        #expect(t.encode("a", parseSpecial: false, addSpecial: true) == [256, 97])
        #expect(t.encode("a", parseSpecial: false, addSpecial: false) == [97])
        #expect(t.encode("<s>a", parseSpecial: true, addSpecial: false) == [256, 97])
        #expect(t.encode("<s>", parseSpecial: false, addSpecial: false).count == 3)
    }
}
