import Testing
@testable import Documents

@Suite("Sentence segmenter")
struct SentenceSegmenterTests {
    func split(_ text: String) -> [String] {
        SentenceSegmenter().sentences(in: text).map { Document.slice(text, $0) }
    }

    @Test func basicSentences() {
        #expect(split("One two. Three four! Five six? Seven.") == ["One two.", "Three four!", "Five six?", "Seven."])
    }

    @Test func abbreviationsAndInitials() {
        #expect(split("Dr. Smith met Mr. Jones. They talked.") == ["Dr. Smith met Mr. Jones.", "They talked."])
        #expect(split("Use tools, e.g. a hammer. Then rest.") == ["Use tools, e.g. a hammer.", "Then rest."])
        #expect(split("It moved to the U.S. Army base. Later it closed.") == ["It moved to the U.S. Army base.", "Later it closed."])
        #expect(split("J. R. R. Tolkien wrote it. Fine.") == ["J. R. R. Tolkien wrote it.", "Fine."])
        #expect(split("James P. Comer taught. See p. 10 and p. Then.") == ["James P. Comer taught.", "See p. 10 and p.", "Then."])
        #expect(split("See Fig. 3 for details. Also No. 5 applies.") == ["See Fig. 3 for details.", "Also No. 5 applies."])
        #expect(split("Apples vs. Oranges is old. Yes.") == ["Apples vs. Oranges is old.", "Yes."])
    }

    @Test func decimalsAndEllipses() {
        #expect(split("Pi is 3.14 roughly. It costs $2.50 now.") == ["Pi is 3.14 roughly.", "It costs $2.50 now."])
        #expect(split("Wait... and then. Well… Next one.") == ["Wait... and then.", "Well…", "Next one."])
        #expect(split("He paused... Then spoke.") == ["He paused...", "Then spoke."])
    }

    @Test func quotesAndBrackets() {
        #expect(split("She said \"stop.\" Then left. (It rained.) Done.") == ["She said \"stop.\"", "Then left.", "(It rained.)", "Done."])
        #expect(split("He wrote “fine.” And went.") == ["He wrote “fine.”", "And went."])
    }

    @Test func lineStructure() {
        #expect(split("Heading\n\nBody text here") == ["Heading", "Body text here"])
        #expect(split("Items:\n- one\n- two\n1. three") == ["Items:", "- one", "- two", "1. three"])
        #expect(split("a | b\nc | d") == ["a | b", "c | d"])
        #expect(split("wrapped line\ncontinues here.") == ["wrapped line\ncontinues here."])
    }

    @Test func lowercaseContinuationAndNonASCII() {
        #expect(split("Version 2. the next") == ["Version 2. the next"])
        #expect(split("Fin. Élan vital. Ω rules.") == ["Fin.", "Élan vital.", "Ω rules."])
    }

    @Test func cjkTerminators() {
        #expect(split("日本語の文です。二つ目の文！三つ目？") == ["日本語の文です。", "二つ目の文！", "三つ目？"])
    }

    @Test func rangesAreTrimmed() {
        let text = "  Leading space.   Trailing space.  "
        let ranges = SentenceSegmenter().sentences(in: text)
        #expect(ranges.map { Document.slice(text, $0) } == ["Leading space.", "Trailing space."])
    }
}
