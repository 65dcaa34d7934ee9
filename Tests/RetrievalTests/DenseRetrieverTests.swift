import Embeddings
import Foundation
import Store
import TestSupport
import Testing
@testable import Retrieval

/// A deterministic stand-in embedder: normalised letter counts (26 dimensions).
private struct LetterEmbedder: Embedder {
    var modelID: String { "letters" }
    var dimension: Int { 26 }
    func embed(_ texts: [String]) throws -> [[Float]] {
        texts.map { text in
            var v = [Float](repeating: 0, count: 26)
            for s in text.lowercased().unicodeScalars where s.value >= 97 && s.value < 123 { v[Int(s.value - 97)] += 1 }
            let norm = max(v.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-6)
            return v.map { $0 / norm }
        }
    }
}

private func store(with texts: [String: String], embedder: any Embedder) throws -> IndexStore {
    let store = try IndexStore.inMemory()
    try store.setEmbeddingModel(id: embedder.modelID, dimension: embedder.dimension)
    let names = texts.keys.sorted()
    let vectors = try embedder.embed(names.map { texts[$0]! })
    try store.write(zip(names, vectors).map { name, vector in
        let text = texts[name]!
        return SourceInput(path: "corpus/\(name).txt", contentHash: name, modificationDate: Date(timeIntervalSince1970: 0),
                           size: text.utf8.count, type: "text", documents: [DocumentInput(name: name, title: name, type: "text", chunks: [
                               ChunkInput(ordinal: 0, text: text, start: 0, end: text.count, vector: vector),
                           ])])
    })
    return store
}

private func retriever(_ store: IndexStore, _ embedder: any Embedder) throws -> DenseRetriever {
    let loaded = try store.loadVectors()
    return DenseRetriever(index: VectorIndex(ids: loaded.ids, dimension: loaded.dimension, matrix: loaded.matrix),
                          embedder: embedder, store: store)
}

@Suite struct DenseRetrieverTests {
    @Test func findsNearestChunksWithRecords() throws {
        let embedder = LetterEmbedder()
        let s = try store(with: ["a": "aaaa aaa", "b": "bbbb bb", "mixed": "ab ab ab"], embedder: embedder)
        let dense = try retriever(s, embedder)
        let hits = try dense.search("aaaaa", limit: 2)
        #expect(hits.map { $0.chunk?.documentName } == ["a", "mixed"])
        #expect(abs(hits[0].score - 1) < 1e-5)
        #expect(hits[0].score >= hits[1].score)
        let batch = try dense.search(queries: ["bbb", "aaa"], limit: 1)
        #expect(batch.map { $0.first?.chunk?.documentName } == ["b", "a"])
        #expect(try dense.search("aaa", limit: 0).isEmpty)
    }

    @Test(.requires(TestModels.miniLMWeights)) func miniLMRanksTheRelevantPassageFirst() throws {
        let embedder = try MiniLMEmbedder(directory: TestModels.miniLM)
        let s = try store(with: [
            "paris": "Paris is the capital and most populous city of France.",
            "rome": "Rome is the capital city of Italy.",
            "fts5": "FTS5 is an SQLite virtual table module that provides full-text search.",
            "dogs": "Dogs were running in the park while the cats were sleeping.",
        ], embedder: embedder)
        let dense = try retriever(s, embedder)
        #expect(try dense.search("Which city is France's capital?", limit: 1).first?.chunk?.documentName == "paris")
        #expect(try dense.search("full text search in a database", limit: 1).first?.chunk?.documentName == "fts5")
        #expect(try dense.search("puppies playing outside", limit: 1).first?.chunk?.documentName == "dogs")
    }
}
