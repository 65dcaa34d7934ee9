import Foundation

/// One transformer layer's weights, PyTorch `Linear` layout (`[out, in]`, row-major).
struct BertLayerWeights: Sendable {
    var qkvWeight: [Float]          // [3*hidden, hidden]: query, key, value rows fused
    var qkvBias: [Float]            // [3*hidden]
    var attentionOutputWeight: [Float]   // [hidden, hidden]
    var attentionOutputBias: [Float]     // [hidden]
    var attentionNormWeight: [Float], attentionNormBias: [Float]   // [hidden]
    var intermediateWeight: [Float]      // [intermediate, hidden]
    var intermediateBias: [Float]        // [intermediate]
    var outputWeight: [Float]            // [hidden, intermediate]
    var outputBias: [Float]              // [hidden]
    var outputNormWeight: [Float], outputNormBias: [Float]         // [hidden]
}

/// All BERT encoder weights, copied out of the safetensors file into aligned arrays.
struct BertWeights: Sendable {
    var wordEmbeddings: [Float]       // [vocab, hidden]
    var positionEmbeddings: [Float]   // [maxPositions, hidden]
    var tokenTypeEmbeddings: [Float]  // [typeVocab, hidden]
    var embeddingNormWeight: [Float], embeddingNormBias: [Float]   // [hidden]
    var layers: [BertLayerWeights]

    /// Loads weights named as in Hugging Face `BertModel` (with or without a `bert.` prefix).
    init(file: SafeTensorsFile, configuration c: BertConfiguration) throws {
        let prefix = file.tensors["embeddings.word_embeddings.weight"] == nil
            && file.tensors["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        func t(_ name: String, _ shape: [Int]) throws -> [Float] { try file.floats(prefix + name, shape: shape) }
        let h = c.hiddenSize, i = c.intermediateSize
        wordEmbeddings = try t("embeddings.word_embeddings.weight", [c.vocabSize, h])
        positionEmbeddings = try t("embeddings.position_embeddings.weight", [c.maxPositionEmbeddings, h])
        tokenTypeEmbeddings = try t("embeddings.token_type_embeddings.weight", [c.typeVocabSize, h])
        embeddingNormWeight = try t("embeddings.LayerNorm.weight", [h])
        embeddingNormBias = try t("embeddings.LayerNorm.bias", [h])
        layers = try (0..<c.numHiddenLayers).map { l in
            let p = "encoder.layer.\(l)."
            return BertLayerWeights(
                qkvWeight: try t(p + "attention.self.query.weight", [h, h]) + t(p + "attention.self.key.weight", [h, h])
                    + t(p + "attention.self.value.weight", [h, h]),
                qkvBias: try t(p + "attention.self.query.bias", [h]) + t(p + "attention.self.key.bias", [h])
                    + t(p + "attention.self.value.bias", [h]),
                attentionOutputWeight: try t(p + "attention.output.dense.weight", [h, h]),
                attentionOutputBias: try t(p + "attention.output.dense.bias", [h]),
                attentionNormWeight: try t(p + "attention.output.LayerNorm.weight", [h]),
                attentionNormBias: try t(p + "attention.output.LayerNorm.bias", [h]),
                intermediateWeight: try t(p + "intermediate.dense.weight", [i, h]),
                intermediateBias: try t(p + "intermediate.dense.bias", [i]),
                outputWeight: try t(p + "output.dense.weight", [h, i]),
                outputBias: try t(p + "output.dense.bias", [h]),
                outputNormWeight: try t(p + "output.LayerNorm.weight", [h]),
                outputNormBias: try t(p + "output.LayerNorm.bias", [h]))
        }
    }

    /// Random weights for shape tests (deterministic from `seed`).
    init(random c: BertConfiguration, seed: UInt64) {
        var state = seed | 1
        func r(_ n: Int, scale: Float = 0.05) -> [Float] {
            (0..<n).map { _ in
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                return (Float(state % 2001) / 1000 - 1) * scale
            }
        }
        let h = c.hiddenSize, i = c.intermediateSize
        wordEmbeddings = r(c.vocabSize * h); positionEmbeddings = r(c.maxPositionEmbeddings * h)
        tokenTypeEmbeddings = r(c.typeVocabSize * h)
        embeddingNormWeight = r(h).map { 1 + $0 }; embeddingNormBias = r(h)
        layers = (0..<c.numHiddenLayers).map { _ in
            BertLayerWeights(qkvWeight: r(3 * h * h), qkvBias: r(3 * h), attentionOutputWeight: r(h * h),
                             attentionOutputBias: r(h), attentionNormWeight: r(h).map { 1 + $0 },
                             attentionNormBias: r(h), intermediateWeight: r(i * h), intermediateBias: r(i),
                             outputWeight: r(h * i), outputBias: r(h), outputNormWeight: r(h).map { 1 + $0 },
                             outputNormBias: r(h))
        }
    }
}
