import Testing
@testable import Strategies

struct AnswerMetricsTests {
    @Test func normalisationAsSQuAD() {
        #expect(AnswerMetrics.normalize("The  Eiffel-Tower, in PARIS!") == "eiffeltower in paris")
        #expect(AnswerMetrics.normalize("an apple a day") == "apple day")
    }

    @Test func workedExamples() {
        // EM after normalisation, best over aliases.
        #expect(AnswerMetrics.exactMatch("the Beatles.", gold: ["Rolling Stones", "Beatles"]) == 1)
        #expect(AnswerMetrics.exactMatch("Beatles band", gold: ["Beatles"]) == 0)
        // F1: prediction "eiffel tower" vs gold "eiffel tower in paris": p = 1, r = 0.5, F1 = 2/3.
        #expect(abs(AnswerMetrics.f1("the Eiffel Tower", gold: ["Eiffel Tower in Paris"]) - 2.0 / 3.0) < 1e-9)
        // Multiset overlap: "a a b" vs "a b b" → common 2 of 3 each → 2/3.
        #expect(abs(AnswerMetrics.f1(["x", "x", "y"], ["x", "y", "y"]) - 2.0 / 3.0) < 1e-9)
        #expect(AnswerMetrics.f1("", gold: ["Paris"]) == 0)
        // Accuracy: a gold answer inside the prediction.
        #expect(AnswerMetrics.accuracy("It is Paris, France.", gold: ["Paris"]) == 1)
        #expect(AnswerMetrics.accuracy("Lyon", gold: ["Paris"]) == 0)
    }
}

struct AnswerCleanerTests {
    @Test func firstLineWithoutLabelsAndPunctuation() {
        #expect(AnswerCleaner.clean("Answer: **Paris**.\nBecause it is the capital.") == "Paris")
        #expect(AnswerCleaner.clean("\n\"Scott Derrickson\"") == "Scott Derrickson")
        #expect(AnswerCleaner.answerAfterCue("He was born in 1966. So the answer is: 1966.") == "1966")
        #expect(AnswerCleaner.answerAfterCue("He directed Sinister.") == nil)
    }

    @Test func snapsToTheBestSpanWhenClose() {
        let snapper = AnswerSnapper(minimumF1: 0.5)
        #expect(snapper.snap("director Scott Derrickson", to: ["Sinister was directed by Scott Derrickson."]) == "Scott Derrickson")
        #expect(snapper.snap("yes", to: ["yes we can"]) == "yes")
        // Nothing close enough: the answer is kept.
        #expect(snapper.snap("Lyon", to: ["Paris is the capital."]) == "Lyon")
    }
}

struct ParserTests {
    @Test func verdicts() {
        #expect(VerdictParser.accepts(#"{"status":"True"}"#))
        #expect(!VerdictParser.accepts(#"{"status": "False"}"#))
        #expect(VerdictParser.accepts("Sure: {\"status\": true} because"))
        #expect(!VerdictParser.accepts("This is not true."))   // the paper's fallback would say yes
        #expect(VerdictParser.accepts("True"))
        #expect(!VerdictParser.accepts("I cannot tell"))
    }

    @Test func queries() {
        let reply = "1. Scott Derrickson birth date\n- \"Sinister director\"\nWho directed Sinister?\nthird one"
        #expect(QueryListParser.queries(reply, asked: ["Who directed Sinister?"]) == ["Scott Derrickson birth date", "Sinister director"])
    }
}
