import Foundation
import Store
import Testing
@testable import Retrieval

private func passage(_ id: String, _ title: String, _ text: String, heading: String = "") -> SourceInput {
    SourceInput(path: "corpus/\(id).txt", contentHash: id, modificationDate: Date(timeIntervalSince1970: 0), size: text.utf8.count,
                type: "text", documents: [DocumentInput(name: id, title: title, type: "text", chunks: [
                    ChunkInput(ordinal: 0, text: text, heading: heading, start: 0, end: text.count),
                ])])
}

private func tinyStore() throws -> IndexStore {
    let store = try IndexStore.inMemory()
    try store.write([
        passage("paris", "Paris", "Paris is the capital and most populous city of France."),
        passage("rome", "Rome", "Rome is the capital city of Italy. It is also the capital of the Lazio region."),
        passage("fts5", "SQLite FTS5", "FTS5 is an SQLite virtual table module that provides full-text search.",
                heading: "Extensions > Full-text search"),
        passage("tokenizer", "Tokenizers", "The porter tokenizer wraps another tokenizer and stems each token.",
                heading: "FTS5 > Tokenizers"),
        passage("dogs", "Dogs", "Dogs were running in the park while the cats were sleeping."),
    ])
    return store
}

@Suite struct BM25RetrieverTests {
    @Test func ranksTheRelevantPassageFirst() throws {
        let bm25 = BM25Retriever(store: try tinyStore())
        #expect(try bm25.search("What is the capital of France?", limit: 3).first?.chunk?.documentName == "paris")
        #expect(try bm25.search("capital of Italy", limit: 3).first?.chunk?.documentName == "rome")
        #expect(try bm25.search("How does the porter tokenizer work?", limit: 3).first?.chunk?.documentName == "tokenizer")
    }

    @Test func stemmingMatchesOtherWordForms() throws {
        let bm25 = BM25Retriever(store: try tinyStore())
        let hits = try bm25.search("a dog runs; a cat sleeps", limit: 5)
        #expect(hits.first?.chunk?.documentName == "dogs")
    }

    @Test func titleAndHeadingAreSearched() throws {
        let bm25 = BM25Retriever(store: try tinyStore())
        // "extensions" occurs only in a heading, "tokenizers" is a title.
        #expect(try bm25.search("extensions", limit: 5).map { $0.chunk?.documentName } == ["fts5"])
        #expect(try bm25.search("tokenizers", limit: 1).first?.chunk?.documentName == "tokenizer")
    }

    @Test func titleMatchOutranksTheSameWordInText() throws {
        let store = try IndexStore.inMemory()
        try store.write([
            passage("a", "Volcano", "A mountain that erupts lava and ash from deep below."),
            passage("b", "Mountains", "A volcano is a mountain that erupts lava and ash from below."),
        ])
        let hits = try BM25Retriever(store: store).search("volcano", limit: 2)
        #expect(hits.map { $0.chunk?.documentName } == ["a", "b"])
    }

    @Test func scoresDescendAndHitsCarryChunks() throws {
        let bm25 = BM25Retriever(store: try tinyStore())
        let hits = try bm25.search("capital city France Italy", limit: 10)
        #expect(hits.count == 2)
        #expect(zip(hits, hits.dropFirst()).allSatisfy { $0.score >= $1.score })
        #expect(hits.allSatisfy { $0.chunk != nil && $0.chunk!.id == $0.chunkID && $0.score > 0 })
        #expect(try bm25.search("capital", limit: 1).count == 1)
        #expect(try bm25.search("capital", limit: 0).isEmpty)
    }

    @Test func textWithoutWordsOrWithUnknownWordsFindsNothing() throws {
        let bm25 = BM25Retriever(store: try tinyStore())
        #expect(try bm25.search("?!...", limit: 5).isEmpty)
        #expect(try bm25.search("", limit: 5).isEmpty)
        #expect(try bm25.search("xylophonist", limit: 5).isEmpty)
    }

    @Test func nastyQueriesNeverThrow() throws {
        let bm25 = BM25Retriever(store: try tinyStore())
        for text in nastyStrings {
            _ = try bm25.search(text, limit: 5)
        }
    }

    @Test func removedSourcesAreNotFound() throws {
        let store = try tinyStore()
        try store.removeSources(paths: ["corpus/paris.txt"])
        let hits = try BM25Retriever(store: store).search("capital of France", limit: 5)
        #expect(!hits.contains { $0.chunk?.documentName == "paris" })
    }
}

/// Strings that break naive FTS5 query construction.
let nastyStrings: [String] = [
    "\"", "\"\"", "\"unbalanced", "a\"b\"c", "(", ")", "((a)", "a)", "AND", "OR", "NOT", "NEAR", "a AND", "OR b",
    "NOT x", "NEAR(a b)", "NEAR(a b, 2)", "a NEAR/3 b", "*", "a*", "*a", "^a", "a^", "-", "-a", "a-b", "--a",
    ":", "title:", "title:paris", "text : x", "{title text}: x", "{", "}", "+", "a+b", "a OR OR b", "\\", "'", "''",
    "'; DROP TABLE chunks; --", "%", "_", "a%b_c", "\u{0}", "a\u{0}b", "\t\n\r", "   ", "é", "naïve café",
    "Ünïcödé ÅNGSTRÖM", "日本語のテキスト", "中文 搜索", "한국어", "עברית", "العربية", "😀", "a😀b", "👨‍👩‍👧‍👦 family",
    "e\u{301}", "\u{200B}", "ﬁ ligature", "x² ½ ⅷ", "١٢٣", "Ⅻ", "\u{FEFF}bom", "a.b.c", "3.14", "1,000,000",
    "C++", "C#", "node.js", "e-mail", "o'clock", "rock'n'roll", "fts5_tokenizer", "x=y", "a<b>c", "[x]", "@#$%^&*",
    String(repeating: "word ", count: 500), String(repeating: "\"", count: 101), String(repeating: "(", count: 300),
    "the of and a", "The Who", "to be or not to be", "AND OR NOT NEAR", "\"AND\" \"OR\"",
]
