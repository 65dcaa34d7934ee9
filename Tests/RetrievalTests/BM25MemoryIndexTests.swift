import Foundation
import Store
import Testing
@testable import Retrieval

/// A random corpus over a small vocabulary (so terms repeat across chunks, titles and headings).
private func randomStore(chunks: Int, seed: UInt64) throws -> IndexStore {
    var state = seed
    func next(_ bound: Int) -> Int {  // xorshift: deterministic across runs
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return Int(state % UInt64(bound))
    }
    let vocabulary = ["river", "rivers", "mountain", "city", "capital", "running", "runs", "film", "director",
                      "born", "war", "king", "queen", "music", "album", "band", "song", "team", "football",
                      "player", "science", "physics", "café", "naïve", "Zürich", "1979", "2001", "the", "of", "and"]
    func words(_ count: Int) -> String { (0..<count).map { _ in vocabulary[next(vocabulary.count)] }.joined(separator: " ") }
    let store = try IndexStore.inMemory()
    var sources: [SourceInput] = []
    for document in 0..<(chunks / 3) {
        let chunkInputs = (0..<3).map { ChunkInput(ordinal: $0, text: words(5 + next(40)), heading: next(3) == 0 ? words(2) : "") }
        sources.append(SourceInput(path: "doc\(document)", contentHash: "h", modificationDate: Date(), size: 1, type: "text",
                                   documents: [DocumentInput(name: "doc\(document)", title: words(1 + next(3)), type: "text",
                                                             chunks: chunkInputs)]))
    }
    try store.write(sources)
    return store
}

@Suite struct BM25MemoryIndexTests {
    @Test func ranksExactlyLikeFTS5() throws {
        let store = try randomStore(chunks: 600, seed: 42)
        let fts = BM25Retriever(store: store, engine: .fts5)
        let memory = BM25Retriever(store: store, engine: .memory)
        let queries = ["river city", "capital of the mountain", "running film director", "runs", "café naive zurich",
                       "Who was the king and queen?", "band album song music", "1979 football player", "physics",
                       "the of and", "nothing matches xyzzy", "science city capital river born war"]
        for query in queries {
            let a = try fts.search(query, limit: 15)
            let b = try memory.search(query, limit: 15)
            #expect(a.count == b.count, "\(query)")
            for (x, y) in zip(a, b) {
                #expect(abs(x.score - y.score) <= 1e-9 * max(1, abs(x.score)), "\(query): \(x.score) vs \(y.score)")
            }
            // Same ranking, except that FTS5 may order exact ties differently.
            let scoresA = a.map(\.score), scoresB = b.map(\.score)
            if Set(scoresA).count == scoresA.count { #expect(a.map(\.chunkID) == b.map(\.chunkID), "\(query)") }
            #expect(zip(scoresA, scoresB).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($0)) })
            #expect(b.allSatisfy { $0.chunk?.id == $0.chunkID })
        }
    }

    @Test func tinyCorpusSameTopResults() throws {
        let store = try IndexStore.inMemory()
        let texts = ["Paris is the capital of France.", "Rome is the capital of Italy.", "Dogs were running in the park."]
        try store.write(texts.enumerated().map { index, text in
            SourceInput(path: "p\(index)", contentHash: "h", modificationDate: Date(), size: 1, type: "text",
                        documents: [DocumentInput(name: "p\(index)", title: "T\(index)", type: "text",
                                                  chunks: [ChunkInput(ordinal: 0, text: text)])])
        })
        let memory = BM25Retriever(store: store, engine: .memory)
        #expect(try memory.search("capital of France", limit: 1).first?.chunk?.documentName == "p0")
        #expect(try memory.search("a dog runs", limit: 3).map { $0.chunk?.documentName } == ["p2"])
        #expect(try memory.search("?!", limit: 3).isEmpty)
    }

    @Test func writesInvalidateTheCachedIndex() throws {
        let store = try randomStore(chunks: 30, seed: 7)
        let memory = BM25Retriever(store: store, engine: .memory)
        #expect(try memory.search("zeppelin", limit: 5).isEmpty)
        try store.write([SourceInput(path: "new", contentHash: "h", modificationDate: Date(), size: 1, type: "text",
                                     documents: [DocumentInput(name: "new", title: "Airships", type: "text",
                                                               chunks: [ChunkInput(ordinal: 0, text: "A zeppelin flew.")])])])
        #expect(try memory.search("zeppelin", limit: 5).first?.chunk?.documentName == "new")
        try store.removeSources(paths: ["new"])
        #expect(try memory.search("zeppelin", limit: 5).isEmpty)
    }

    @Test func automaticSwitchesToMemoryAfterEnoughQueries() throws {
        let store = try randomStore(chunks: 30, seed: 9)
        let retriever = BM25Retriever(store: store, engine: .automatic(buildAfter: 2))
        #expect(try retriever.memoryIndex() == nil)
        #expect(try retriever.memoryIndex() == nil)
        #expect(try retriever.memoryIndex() != nil)
        // Any retriever on the same store now uses the cached index.
        #expect(try BM25Retriever(store: store, engine: .automatic(buildAfter: 1000)).memoryIndex() != nil)
        #expect(try BM25Retriever(store: store, engine: .fts5).memoryIndex() == nil)
    }

    @Test func postingsMatchFTS5Statistics() throws {
        let store = try randomStore(chunks: 90, seed: 3)
        let postings = try store.lexicalPostings()
        #expect(postings.chunkIDs.count == 90)
        #expect(postings.termStarts.count == postings.terms.count + 1)
        #expect(postings.documents.count == postings.frequencies.count)
        #expect(postings.terms.contains("run") && !postings.terms.contains("running"))  // porter stems
        #expect(postings.terms.contains("cafe") && postings.terms.contains("zurich"))  // diacritics removed
        #expect(try store.ftsTokens(["Running", "Cafés"]) == [["run"], ["cafe"]])
    }

    @Test func emptyStoreFindsNothing() throws {
        let store = try IndexStore.inMemory()
        #expect(try BM25Retriever(store: store, engine: .memory).search("anything at all", limit: 5).isEmpty)
        #expect(try BM25Retriever(store: store, engine: .fts5).search("anything at all", limit: 5).isEmpty)
        #expect(BM25MemoryIndex(try store.lexicalPostings()).count == 0)
    }

    @Test func nastyQueriesNeverThrow() throws {
        let store = try randomStore(chunks: 30, seed: 11)
        let memory = BM25Retriever(store: store, engine: .memory)
        for text in nastyStrings { _ = try memory.search(text, limit: 5) }
    }
}
