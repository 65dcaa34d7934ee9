import Testing

@testable import LanguageModels

/// The hand-written pre-tokenizers against the regular expressions they implement, on tricky text
/// (Unicode spaces, CR/LF runs, contractions in capitals, digit runs, marks). Expected splits were
/// produced by Hugging Face `tokenizers` (Rust `fancy-regex`/Oniguruma) with the same expressions.
struct TokenizerPreTokenizerTests {
    static let cases: [String] = [
        "Hello world",
        "  two  spaces  ",
        "tabs\tand\ttabs",
        "line\r\nbreak\n\n\nthree",
        "  \n  indented\n\tx",
        "I'M DON'T they'RE we'Ve",
        "'s 'S 'll 'LL 'd",
        "12345 1234567 3.14159",
        "x1y22z333w4444",
        "Hello!!! What???\n\n...",
        "a\u{A0}b\u{3000}c\u{2003}d",
        "\u{660}\u{661}\u{662} \u{BD}\u{2153}",
        "\u{FB01}ne na\u{EF}ve \u{3A9}mega \u{1C5}",
        "emoji \u{1F600}\u{1F680}\u{1F44D}\u{1F3FD}!",
        "\u{65E5}\u{672C}\u{8A9E}\u{306E}\u{30C6}\u{30AD}\u{30B9}\u{30C8}\u{3001}\u{4E2D}\u{6587}\u{3002}",
        "trailing   ",
        " ",
        "\n",
        "\r\n\r\n",
        "a \n b",
        "!\n\nx",
        "(x):\n    return",
        "  ?!  ",
        "tab\t\tend\t",
        "x\u{2028}y\u{85}z",
        "combining e\u{301} here",
        "'",
        "''s",
        "a'b",
    ]

    static let qwen2: [[String]] = [
        ["Hello", " world"],
        [" ", " two", " ", " spaces", "  "],
        ["tabs", "\tand", "\ttabs"],
        ["line", "\r\n", "break", "\n\n\n", "three"],
        ["  \n", " ", " indented", "\n", "\tx"],
        ["I", "'M", " DON", "'T", " they", "'RE", " we", "'Ve"],
        ["'s", " '", "S", " '", "ll", " '", "LL", " '", "d"],
        ["1", "2", "3", "4", "5", " ", "1", "2", "3", "4", "5", "6", "7", " ", "3", ".", "1", "4", "1", "5", "9"],
        ["x", "1", "y", "2", "2", "z", "3", "3", "3", "w", "4", "4", "4", "4"],
        ["Hello", "!!!", " What", "???\n\n", "..."],
        ["a", "\u{A0}b", "\u{3000}c", "\u{2003}d"],
        ["\u{660}", "\u{661}", "\u{662}", " ", "\u{BD}", "\u{2153}"],
        ["\u{FB01}ne", " na\u{EF}ve", " \u{3A9}mega", " \u{1C5}"],
        ["emoji", " \u{1F600}\u{1F680}\u{1F44D}\u{1F3FD}!"],
        ["\u{65E5}\u{672C}\u{8A9E}\u{306E}\u{30C6}\u{30AD}\u{30B9}\u{30C8}", "\u{3001}\u{4E2D}\u{6587}", "\u{3002}"],
        ["trailing", "   "],
        [" "],
        ["\n"],
        ["\r\n\r\n"],
        ["a", " \n", " b"],
        ["!\n\n", "x"],
        ["(x", "):\n", "   ", " return"],
        [" ", " ?!", "  "],
        ["tab", "\t", "\tend", "\t"],
        ["x", "\u{2028}y", "\u{85}z"],
        ["combining", " e", "\u{301}", " here"],
        ["'"],
        ["''", "s"],
        ["a", "'b"],
    ]

    static let llama3: [[String]] = [
        ["Hello", " world"],
        [" ", " two", " ", " spaces", "  "],
        ["tabs", "\tand", "\ttabs"],
        ["line", "\r\n", "break", "\n\n\n", "three"],
        ["  \n", " ", " indented", "\n", "\tx"],
        ["I", "'M", " DON", "'T", " they", "'RE", " we", "'Ve"],
        ["'s", " '", "S", " '", "ll", " '", "LL", " '", "d"],
        ["123", "45", " ", "123", "456", "7", " ", "3", ".", "141", "59"],
        ["x", "1", "y", "22", "z", "333", "w", "444", "4"],
        ["Hello", "!!!", " What", "???\n\n", "..."],
        ["a", "\u{A0}b", "\u{3000}c", "\u{2003}d"],
        ["\u{660}\u{661}\u{662}", " ", "\u{BD}\u{2153}"],
        ["\u{FB01}ne", " na\u{EF}ve", " \u{3A9}mega", " \u{1C5}"],
        ["emoji", " \u{1F600}\u{1F680}\u{1F44D}\u{1F3FD}!"],
        ["\u{65E5}\u{672C}\u{8A9E}\u{306E}\u{30C6}\u{30AD}\u{30B9}\u{30C8}", "\u{3001}\u{4E2D}\u{6587}", "\u{3002}"],
        ["trailing", "   "],
        [" "],
        ["\n"],
        ["\r\n\r\n"],
        ["a", " \n", " b"],
        ["!\n\n", "x"],
        ["(x", "):\n", "   ", " return"],
        [" ", " ?!", "  "],
        ["tab", "\t", "\tend", "\t"],
        ["x", "\u{2028}y", "\u{85}z"],
        ["combining", " e", "\u{301}", " here"],
        ["'"],
        ["''", "s"],
        ["a", "'b"],
    ]

    static let gpt2: [[String]] = [
        ["Hello", " world"],
        [" ", " two", " ", " spaces", "  "],
        ["tabs", "\t", "and", "\t", "tabs"],
        ["line", "\r", "\n", "break", "\n\n", "\n", "three"],
        ["  \n ", " indented", "\n", "\t", "x"],
        ["I", "'", "M", " DON", "'", "T", " they", "'", "RE", " we", "'", "Ve"],
        ["'s", " '", "S", " '", "ll", " '", "LL", " '", "d"],
        ["12345", " 1234567", " 3", ".", "14159"],
        ["x", "1", "y", "22", "z", "333", "w", "4444"],
        ["Hello", "!!!", " What", "???", "\n", "\n", "..."],
        ["a", "\u{A0}", "b", "\u{3000}", "c", "\u{2003}", "d"],
        ["\u{660}\u{661}\u{662}", " \u{BD}\u{2153}"],
        ["\u{FB01}ne", " na\u{EF}ve", " \u{3A9}mega", " \u{1C5}"],
        ["emoji", " \u{1F600}\u{1F680}\u{1F44D}\u{1F3FD}!"],
        ["\u{65E5}\u{672C}\u{8A9E}\u{306E}\u{30C6}\u{30AD}\u{30B9}\u{30C8}", "\u{3001}", "\u{4E2D}\u{6587}", "\u{3002}"],
        ["trailing", "   "],
        [" "],
        ["\n"],
        ["\r\n\r\n"],
        ["a", " \n", " b"],
        ["!", "\n", "\n", "x"],
        ["(", "x", "):", "\n   ", " return"],
        [" ", " ?!", "  "],
        ["tab", "\t", "\t", "end", "\t"],
        ["x", "\u{2028}", "y", "\u{85}", "z"],
        ["combining", " e", "\u{301}", " here"],
        ["'"],
        ["''", "s"],
        ["a", "'", "b"],
    ]

    static let smollm: [[String]] = [
        ["Hello", " world"],
        [" ", " two", " ", " spaces", "  "],
        ["tabs", "\t", "and", "\t", "tabs"],
        ["line", "\r", "\n", "break", "\n\n", "\n", "three"],
        ["  \n ", " indented", "\n", "\t", "x"],
        ["I", "'", "M", " DON", "'", "T", " they", "'", "RE", " we", "'", "Ve"],
        ["'s", " '", "S", " '", "ll", " '", "LL", " '", "d"],
        ["1", "2", "3", "4", "5", " ", "1", "2", "3", "4", "5", "6", "7", " ", "3", ".", "1", "4", "1", "5", "9"],
        ["x", "1", "y", "2", "2", "z", "3", "3", "3", "w", "4", "4", "4", "4"],
        ["Hello", "!!!", " What", "???", "\n", "\n", "..."],
        ["a", "\u{A0}", "b", "\u{3000}", "c", "\u{2003}", "d"],
        ["\u{660}", "\u{661}", "\u{662}", " ", "\u{BD}", "\u{2153}"],
        ["\u{FB01}ne", " na\u{EF}ve", " \u{3A9}mega", " \u{1C5}"],
        ["emoji", " \u{1F600}\u{1F680}\u{1F44D}\u{1F3FD}!"],
        ["\u{65E5}\u{672C}\u{8A9E}\u{306E}\u{30C6}\u{30AD}\u{30B9}\u{30C8}", "\u{3001}", "\u{4E2D}\u{6587}", "\u{3002}"],
        ["trailing", "   "],
        [" "],
        ["\n"],
        ["\r\n\r\n"],
        ["a", " \n", " b"],
        ["!", "\n", "\n", "x"],
        ["(", "x", "):", "\n   ", " return"],
        [" ", " ?!", "  "],
        ["tab", "\t", "\t", "end", "\t"],
        ["x", "\u{2028}", "y", "\u{85}", "z"],
        ["combining", " e", "\u{301}", " here"],
        ["'"],
        ["''", "s"],
        ["a", "'", "b"],
    ]

    private func words(_ text: String, _ preTokenizer: PreTokenizer) -> [String] {
        var scalarText = ScalarText()
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { scalarText.load($0, range: 0..<bytes.count) }
        var ends: [Int] = []
        preTokenizer.split(scalarText, ends: &ends)
        var start = 0
        return ends.map { end in
            defer { start = end }
            let lower = Int(scalarText.byteOffsets[start]), upper = Int(scalarText.byteOffsets[end])
            return String(decoding: bytes[lower..<upper], as: UTF8.self)
        }
    }

    @Test(arguments: [PreTokenizer.qwen2, .llama3, .gpt2, .smollm])
    func splitsLikeTheRegularExpression(_ preTokenizer: PreTokenizer) {
        let expected: [[String]]
        switch preTokenizer {
        case .qwen2: expected = Self.qwen2
        case .llama3: expected = Self.llama3
        case .gpt2: expected = Self.gpt2
        case .smollm: expected = Self.smollm
        }
        for (text, pieces) in zip(Self.cases, expected) {
            #expect(words(text, preTokenizer) == pieces, "\(preTokenizer): \(text.debugDescription)")
        }
    }

    @Test func ggufNamesMapToPreTokenizers() {
        #expect(PreTokenizer(ggufName: "llama-bpe") == .llama3)
        #expect(PreTokenizer(ggufName: "qwen2") == .qwen2)
        #expect(PreTokenizer(ggufName: "smollm") == .smollm)
        #expect(PreTokenizer(ggufName: "gpt2") == .gpt2)
        #expect(PreTokenizer(ggufName: "no-such-thing") == nil)
    }
}
