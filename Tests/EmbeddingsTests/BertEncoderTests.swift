import Foundation
import TestSupport
import Testing
@testable import Embeddings

@Suite struct BertEncoderTests {
    @Test(.requires(TestModels.miniLMWeights)) func goldenEmbeddings() throws {
        let embedder = try MiniLMEmbedder(directory: TestModels.miniLM)
        #expect(embedder.dimension == 384)
        #expect(embedder.modelID == "all-MiniLM-L6-v2")
        let golden = try MiniLMGolden.load()
        let vectors = try embedder.embed(golden.items.map(\.text))
        #expect(vectors.count == golden.items.count)
        var worst = 1.0
        for (item, vector) in zip(golden.items, vectors) {
            let c = cosine(item.embedding, vector)
            worst = min(worst, c)
            #expect(c >= 0.9999, "text: \(item.text.debugDescription) cosine \(c)")
            let norm = vector.reduce(0) { $0 + Double($1 * $1) }.squareRoot()
            #expect(abs(norm - 1) < 1e-4)
        }
        print("MiniLM golden: worst cosine \(worst)")
        // Batched and one-at-a-time give the same vectors.
        let single = try embedder.embed([golden.items[3].text])[0]
        #expect(cosine(single, vectors[3]) > 0.999999)
    }

    @Test func packedBatchEqualsOneByOne() {
        let configuration = BertConfiguration(hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4,
                                              intermediateSize: 64, maxPositionEmbeddings: 16, typeVocabSize: 2,
                                              vocabSize: 50, layerNormEps: 1e-12, hiddenAct: "gelu")
        let encoder = BertEncoder.random(configuration, seed: 7)
        let sequences: [[Int32]] = [[1, 5, 9, 2], [1, 2], [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 2], [1, 49, 2]]
        let batched = encoder.embed(tokenIDs: sequences)
        for (i, s) in sequences.enumerated() {
            let alone = encoder.embed(tokenIDs: [s])[0]
            #expect(alone.count == 32)
            #expect(cosine(alone, batched[i]) > 0.99999)
            #expect(zip(alone, batched[i]).allSatisfy { abs($0 - $1) < 1e-5 })
        }
        // Over-long sequences are cut at max_position_embeddings instead of reading past the table.
        #expect(encoder.embed(tokenIDs: [[Int32](repeating: 3, count: 40)])[0].count == 32)
    }

    @Test func missingDirectoryMessage() {
        do {
            _ = try MiniLMEmbedder(directory: URL(fileURLWithPath: "/nonexistent/minilm"))
            Issue.record("expected an error")
        } catch let error as EmbeddingsError {
            #expect(error.description == "embedding model not found at /nonexistent/minilm: run `rag models pull all-minilm-l6-v2` or pass --embedding-model DIR")
        } catch { Issue.record("unexpected \(error)") }
    }
}
