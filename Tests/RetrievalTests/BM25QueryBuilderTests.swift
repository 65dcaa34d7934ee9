import Foundation
import Store
import Testing
@testable import Retrieval

@Suite struct BM25QueryBuilderTests {
    @Test func keepsKeywordsQuotedAndOred() {
        #expect(FTSQueryBuilder.query(for: "Who directed \"Alien\" (1979)?") == #""directed" OR "alien" OR "1979""#)
        #expect(FTSQueryBuilder.query(for: "capital of France") == #""capital" OR "france""#)
    }

    @Test func operatorsBecomePlainWords() {
        #expect(FTSQueryBuilder.query(for: "cats AND dogs NOT birds NEAR fish") ==
                #""cats" OR "dogs" OR "birds" OR "near" OR "fish""#)
        #expect(FTSQueryBuilder.query(for: "title:paris -rome fts*") == #""title" OR "paris" OR "rome" OR "fts""#)
    }

    @Test func stopwordsAreDroppedUnlessNothingElseIsLeft() {
        #expect(FTSQueryBuilder.keywords(in: "What is the name of the band?") == ["name", "band"])
        #expect(FTSQueryBuilder.keywords(in: "The Who") == ["the", "who"])
        #expect(FTSQueryBuilder.keywords(in: "Shakespeare's plays") == ["shakespeare", "plays"])
    }

    @Test func duplicatesAndCaseCollapse() {
        #expect(FTSQueryBuilder.keywords(in: "Paris paris PARIS, Texas") == ["paris", "texas"])
    }

    @Test func unicodeWordsAreKept() {
        #expect(FTSQueryBuilder.keywords(in: "Où est le café naïve?") == ["où", "est", "le", "café", "naïve"])
        #expect(FTSQueryBuilder.keywords(in: "東京 タワー") == ["東京", "タワー"])
    }

    @Test func nothingSearchableGivesNil() {
        #expect(FTSQueryBuilder.query(for: "") == nil)
        #expect(FTSQueryBuilder.query(for: " ?!.,;:()\"*^-+ ") == nil)
        #expect(FTSQueryBuilder.query(for: "😀 👍") == nil)
    }

    @Test func termCountIsBounded() {
        let text = (0..<100).map { "word\($0)" }.joined(separator: " ")
        #expect(FTSQueryBuilder.keywords(in: text).count == FTSQueryBuilder.maximumTerms)
    }

    /// Every nasty string, and many random ones, must give an expression FTS5 accepts.
    @Test func everyQueryIsValidFTS5() throws {
        let store = try IndexStore.inMemory()
        try store.write([SourceInput(path: "a", contentHash: "h", modificationDate: Date(), size: 1, type: "text",
                                     documents: [DocumentInput(name: "a", title: "t", type: "text",
                                                               chunks: [ChunkInput(ordinal: 0, text: "some words")])])])
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("aZ09 \"'()*^-+:{}[]<>,.;!?/\\|&%$#@~`=_\t\néü日😀\u{0}\u{301}ANDORNOTNEAR")
        var inputs = nastyStrings
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...24, using: &generator)
            inputs.append(String((0..<length).map { _ in alphabet.randomElement(using: &generator)! }))
        }
        for text in inputs {
            guard let expression = FTSQueryBuilder.query(for: text) else { continue }
            _ = try store.searchFTS(expression, limit: 3)
        }
    }
}
