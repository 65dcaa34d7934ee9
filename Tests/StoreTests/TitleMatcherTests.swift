import Foundation
import Testing
@testable import Store

/// A seeded generator (SplitMix64) so that random cases are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct TitleMatcherTests {
    @Test func wordsAreLowerCasedAndDiacriticsFolded() {
        #expect(TitleMatcher.words(in: "Zürich's AC/DC (1979)") == ["zurich", "s", "ac", "dc", "1979"])
        #expect(TitleMatcher.words(in: "ÉCOLE  Normale—Supérieure") == ["ecole", "normale", "superieure"])
        #expect(TitleMatcher.words(in: "cafe\u{301} CAFÉ café") == ["cafe", "cafe", "cafe"])  // decomposed, upper, composed
        #expect(TitleMatcher.words(in: "Ελληνικά, 東京!") == ["ελληνικα", "東京"])
        #expect(TitleMatcher.words(in: "\"quoted\" AND (x*) -y: z^") == ["quoted", "and", "x", "y", "z"])
        #expect(TitleMatcher.words(in: " ... ").isEmpty)
    }

    @Test func keysAreTheWholeAndTheCoreTitle() {
        #expect(TitleMatcher.keys(forTitle: "Scott Derrickson (director)") == ["scott derrickson director", "scott derrickson"])
        #expect(TitleMatcher.keys(forTitle: "Paris") == ["paris"])
        #expect(TitleMatcher.keys(forTitle: "Hell Squad (1985 film)") == ["hell squad 1985 film", "hell squad"])
        #expect(TitleMatcher.keys(forTitle: "(Untitled)") == ["untitled"])
        // Too short, only numbers, one common word, too many words.
        #expect(TitleMatcher.keys(forTitle: "Us").isEmpty)
        #expect(TitleMatcher.keys(forTitle: "U.S.").isEmpty)
        #expect(TitleMatcher.keys(forTitle: "1984").isEmpty)
        #expect(TitleMatcher.keys(forTitle: "Home").isEmpty)
        #expect(TitleMatcher.keys(forTitle: "December (song)") == ["december song"])
        #expect(TitleMatcher.keys(forTitle: "Home Alone") == ["home alone"])
        #expect(TitleMatcher.keys(forTitle: "one two three four five six seven eight nine").isEmpty)
        #expect(TitleMatcher.keys(forTitle: "one two three four five six seven eight nine (x)").isEmpty)
        #expect(TitleMatcher.keys(forTitle: "A B C D E F G H I (film)").isEmpty)
    }

    @Test func matchesWholeWordsOnly() {
        let matcher = TitleMatcher(documents: [(1, "Paris"), (2, "New York"), (3, "Zürich")])
        #expect(matcher.linkedDocuments(inText: "A Parisian café in Nouvelle-Paris", ownTitle: nil) == [1])
        #expect(matcher.linkedDocuments(inText: "Parisian cafés", ownTitle: nil).isEmpty)
        #expect(matcher.linkedDocuments(inText: "NEW YORK, then ZURICH.", ownTitle: nil) == [2, 3])
        #expect(matcher.linkedDocuments(inText: "new-york", ownTitle: nil) == [2])
        #expect(matcher.linkedDocuments(inText: "new yorker", ownTitle: nil).isEmpty)
        #expect(matcher.linkedDocuments(inText: "york new", ownTitle: nil).isEmpty)
    }

    @Test func ownTitleAndAmbiguousTitlesAreNotLinked() {
        var documents: [(id: Int64, title: String)] = (1...20).map { ($0, "Overview Notes") }
        documents.append((100, "Martin Luther"))
        documents.append((101, "Martin Luther"))
        var matcher = TitleMatcher(documents: documents)
        // 20 documents share the title: still linked; the 21st makes it ambiguous.
        #expect(matcher.linkedDocuments(inText: "see the overview notes", ownTitle: nil).count == 20)
        matcher.add(document: 21, title: "Overview Notes")
        #expect(matcher.linkedDocuments(inText: "see the overview notes", ownTitle: nil).isEmpty)
        matcher.remove(document: 21, title: "Overview Notes")
        #expect(matcher.linkedDocuments(inText: "see the overview notes", ownTitle: nil).count == 20)
        // Passages of the same article (same whole title) do not link to each other.
        #expect(matcher.linkedDocuments(inText: "Martin Luther was born", ownTitle: "Martin Luther") == [])
        #expect(matcher.linkedDocuments(inText: "Martin Luther was born", ownTitle: "Luther (film)") == [100, 101])
    }

    @Test func coreTitlesLinkAndNestedTitlesToo() {
        let matcher = TitleMatcher(documents: [(1, "Scott Derrickson (director)"), (2, "Scott Derrickson"),
                                               (3, "New York City"), (4, "New York")])
        #expect(matcher.linkedDocuments(inText: "directed by Scott Derrickson", ownTitle: "Sinister") == [1, 2])
        // The director's own passage still links to the other "Scott Derrickson".
        #expect(matcher.linkedDocuments(inText: "Scott Derrickson is", ownTitle: "Scott Derrickson (director)") == [2])
        #expect(matcher.linkedDocuments(inText: "born in New York City", ownTitle: nil) == [3, 4])
    }

    @Test func linksAreCappedLongestTitlesFirst() {
        let titles = (0..<40).map { "Entity \(String(repeating: "x", count: $0 + 1))" }
        let matcher = TitleMatcher(documents: titles.enumerated().map { (Int64($0.offset), $0.element) })
        let linked = matcher.linkedDocuments(inText: titles.joined(separator: ", "), ownTitle: nil)
        #expect(linked.count == TitleMatcher.maximumLinksPerChunk)
        #expect(linked == (8..<40).reversed().map(Int64.init))
        #expect(matcher.titledDocuments(inText: titles.joined(separator: " "), limit: 3) == [39, 38, 37])
    }

    /// The trie walk against its plain twin on random titles and texts over a small vocabulary
    /// (so that titles overlap, nest, repeat and cross the ambiguity limit).
    @Test func fastPathMatchesTheReference() {
        var random = SeededGenerator(state: 42)
        let vocabulary = ["alpha", "beta", "Gamma", "delta", "Élan", "eta", "theta", "iota", "kappa", "lambda",
                          "home", "the", "of", "1984", "x", "new", "york", "paris", "zürich", "quo\"te"]
        func phrase(_ length: Int) -> String {
            (0..<length).map { _ in vocabulary.randomElement(using: &random)! }.joined(separator: " ")
        }
        var documents: [(id: Int64, title: String)] = []
        for id in 1...250 {
            var title = phrase(Int.random(in: 1...3, using: &random))
            if Bool.random(using: &random) { title += " (\(phrase(1)))" }
            if id % 7 == 0, let earlier = documents.randomElement(using: &random) { title = earlier.title }
            documents.append((Int64(id), title))
        }
        // Removing some documents exercises the trie's emptied keys.
        var matcher = TitleMatcher(documents: documents)
        for document in documents where document.id % 5 == 0 { matcher.remove(document: document.id, title: document.title) }
        let remaining = documents.filter { $0.id % 5 != 0 }
        for _ in 0..<150 {
            let text = phrase(Int.random(in: 0...40, using: &random)).replacingOccurrences(of: " ", with: [" ", ", ", "-", " (", "\n"].randomElement(using: &random)!)
            let own = Bool.random(using: &random) ? remaining.randomElement(using: &random)!.title : nil
            let fast = matcher.linkedDocuments(inText: text, ownTitle: own)
            let reference = TitleMatcher.referenceLinkedDocuments(inText: text, ownTitle: own, documents: remaining)
            #expect(fast == reference, "text: \(text), own: \(own ?? "-")")
        }
    }
}

@Suite struct NormalizedWordsTests {
    @Test func bytesHashesAndStringsAgree() {
        let words = NormalizedWords("Ünïcode-ß ok ABC ǅ 東京")
        #expect(words.strings == ["unicode", "ss", "ok", "abc", "ǆ", "東京"])
        #expect(words.hashes == words.strings.map { NormalizedWords.hash($0) })
        #expect(words.matches(Array("ok abc".utf8), at: 2))
        #expect(!words.matches(Array("ok ab".utf8), at: 2))
        #expect(!words.matches(Array("ok abcd".utf8), at: 2))
        #expect(!words.matches(Array("東京 x".utf8), at: 5))
        #expect(NormalizedWords("").count == 0)
    }

    /// The byte-level splitter against its plain twin on random mixed scripts.
    @Test func fastSplitMatchesTheReference() {
        var random = SeededGenerator(state: 3)
        let pieces = ["a", "Z", "9", " ", "-", "'", "\"", "é", "e\u{301}", "\u{301}", "Ö", "ß", "ﬁ", "İ", "Ø", "ł",
                      "東", "京", "Ω", "ς", "Σ", "ǅ", "½", "²", "\u{200B}", "\u{E000}", "🙂", "👍🏽", "—", "\n", "\t",
                      "Å", "ÿ", "Ǘ", "ŉ", "ǰ", "\u{0903}", "क", "ा"]
        for _ in 0..<500 {
            let text = (0..<Int.random(in: 0...25, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            #expect(NormalizedWords(text).strings == NormalizedWords.reference(text), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }
}
