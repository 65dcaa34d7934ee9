import Foundation
import TestSupport
import Kernels
import Testing
@testable import Embeddings

@Suite struct BertEncoderTests {
    @Test(.requires(TestModels.miniLMWeights)) func goldenEmbeddings() throws {
        let embedder = try MiniLMEmbedder(directory: TestModels.miniLM, precision: .fp32)
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

    /// bf16 products, on the hardware kernel (where the CPU has it) and on the portable loop: every
    /// golden sentence within a cosine of 0.999 of the sentence-transformers (fp32) vector.
    @Test(.requires(TestModels.miniLMWeights), arguments: [false, true])
    func goldenEmbeddingsInBFloat16(portable: Bool) throws {
        if !portable && !BFloat16Matrix.hardwareSupported { return }
        let embedder = try MiniLMEmbedder(directory: TestModels.miniLM, precision: .bf16, kernel: portable ? .portable : .automatic)
        #expect(embedder.precision == .bf16)
        #expect(embedder.encoder.usesHardwareKernel == !portable)
        let golden = try MiniLMGolden.load()
        let vectors = try embedder.embed(golden.items.map(\.text))
        var worst = 1.0, sum = 0.0
        for (item, vector) in zip(golden.items, vectors) {
            let c = cosine(item.embedding, vector)
            worst = min(worst, c); sum += c
            #expect(c >= 0.999, "text: \(item.text.debugDescription) cosine \(c)")
        }
        print("MiniLM golden, bf16 (\(portable ? "portable" : "AVX-512 BF16")): worst cosine \(worst), mean \(sum / Double(vectors.count))")
        // bf16 must really differ from fp32 (the products did run in bfloat16) yet agree to the bar.
        let fp32 = try MiniLMEmbedder(directory: TestModels.miniLM, precision: .fp32).embed([golden.items[0].text])[0]
        #expect(fp32 != vectors[0])
    }

    @Test func precisionChoices() {
        #expect(EmbeddingPrecision(choice: "BF16") == .bf16)
        #expect(EmbeddingPrecision(choice: "fp32") == .fp32)
        #expect(EmbeddingPrecision(choice: "auto") == (BFloat16Matrix.hardwareSupported ? .bf16 : .fp32))
        #expect(EmbeddingPrecision(choice: "fp16") == nil)
    }

    @Test(arguments: EmbeddingPrecision.allCases)
    func packedBatchEqualsOneByOne(precision: EmbeddingPrecision) {
        let configuration = BertConfiguration(hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4,
                                              intermediateSize: 64, maxPositionEmbeddings: 16, typeVocabSize: 2,
                                              vocabSize: 50, layerNormEps: 1e-12, hiddenAct: "gelu")
        let encoder = BertEncoder.random(configuration, seed: 7, precision: precision)
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
