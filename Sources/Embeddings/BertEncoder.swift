import Foundation
import Kernels

/// The BERT encoder over packed batches: the token rows of all sequences are stacked in one matrix
/// (no padding at all), every projection is one sgemm over the whole batch, and attention runs per
/// sequence and head. Output: each sequence's mean-pooled, L2-normalised embedding.
///
/// For example:
/// ```swift
/// let encoder = try BertEncoder(directory: dir)
/// let vectors = encoder.embed(tokenIDs: [[101, 7592, 2088, 102]])   // [[Float]] of 384
/// ```
public struct BertEncoder: Sendable {
    /// The model's configuration (config.json).
    public let configuration: BertConfiguration
    let weights: BertWeights

    /// Loads config.json and model.safetensors from `directory`.
    public init(directory: URL) throws {
        let configuration = try BertConfiguration(url: directory.appendingPathComponent("config.json"))
        let file = try SafeTensorsFile(url: directory.appendingPathComponent("model.safetensors"))
        self.configuration = configuration
        self.weights = try BertWeights(file: file, configuration: configuration)
    }

    init(configuration: BertConfiguration, weights: BertWeights) {
        self.configuration = configuration
        self.weights = weights
    }

    /// A randomly initialised encoder, for tests of shapes and batching invariants.
    public static func random(_ configuration: BertConfiguration, seed: UInt64 = 1) -> BertEncoder {
        BertEncoder(configuration: configuration, weights: BertWeights(random: configuration, seed: seed))
    }

    /// Mean-pooled, L2-normalised embeddings of token-id sequences (each with its `[CLS]`/`[SEP]`),
    /// computed as one packed batch. Sequences longer than `max_position_embeddings` are truncated.
    public func embed(tokenIDs sequences: [[Int32]]) -> [[Float]] {
        let c = configuration
        let h = c.hiddenSize, heads = c.numAttentionHeads, d = c.headDimension, inter = c.intermediateSize
        let seqs = sequences.map { Array($0.prefix(c.maxPositionEmbeddings)) }
        var offsets = [0]
        for s in seqs { offsets.append(offsets.last! + s.count) }
        let tokens = offsets.last!
        guard tokens > 0 else { return seqs.map { _ in [Float](repeating: 0, count: h) } }
        let maxLength = seqs.map(\.count).max() ?? 0

        // Activations: x [tokens, h], qkv [tokens, 3h], context [tokens, h], wide [tokens, inter].
        let x = UnsafeMutablePointer<Float>.allocate(capacity: tokens * h)
        let qkv = UnsafeMutablePointer<Float>.allocate(capacity: tokens * 3 * h)
        let context = UnsafeMutablePointer<Float>.allocate(capacity: tokens * h)
        let wide = UnsafeMutablePointer<Float>.allocate(capacity: tokens * inter)
        defer { x.deallocate(); qkv.deallocate(); context.deallocate(); wide.deallocate() }

        // Embeddings: word + position + token type 0, then LayerNorm.
        weights.wordEmbeddings.withUnsafeBufferPointer { word in
            weights.positionEmbeddings.withUnsafeBufferPointer { position in
                weights.tokenTypeEmbeddings.withUnsafeBufferPointer { type in
                    for (s, seq) in seqs.enumerated() {
                        for (p, id) in seq.enumerated() {
                            let id = Int(id) >= 0 && Int(id) < c.vocabSize ? Int(id) : 0
                            let row = x + (offsets[s] + p) * h
                            for j in 0..<h { row[j] = word[id * h + j] + position[p * h + j] + type[j] }
                        }
                    }
                }
            }
        }
        layerNormRows(x, rows: tokens, weights.embeddingNormWeight, weights.embeddingNormBias)

        for layer in weights.layers {
            // Fused QKV projection: qkv = x · Wqkvᵀ + b.
            linear(x, rows: tokens, inputs: h, layer.qkvWeight, layer.qkvBias, outputs: 3 * h, into: qkv)
            attention(qkv: qkv, context: context, offsets: offsets, maxLength: maxLength, heads: heads, headDimension: d)
            // Attention output + residual, LayerNorm.
            linear(context, rows: tokens, inputs: h, layer.attentionOutputWeight, layer.attentionOutputBias,
                   outputs: h, into: x, accumulate: true)
            layerNormRows(x, rows: tokens, layer.attentionNormWeight, layer.attentionNormBias)
            // Feed-forward: GELU(x · Wiᵀ + bi) · Woᵀ + bo + residual, LayerNorm.
            linear(x, rows: tokens, inputs: h, layer.intermediateWeight, layer.intermediateBias, outputs: inter, into: wide)
            ParallelFor.ranges(tokens, minimumPerWorker: 8) { range in
                BertMath.gelu(wide + range.lowerBound * inter, count: range.count * inter)
            }
            linear(wide, rows: tokens, inputs: inter, layer.outputWeight, layer.outputBias,
                   outputs: h, into: x, accumulate: true)
            layerNormRows(x, rows: tokens, layer.outputNormWeight, layer.outputNormBias)
        }

        // Mean pooling over each sequence's tokens (all are real tokens: nothing is padded), then L2.
        return seqs.indices.map { s in
            let n = seqs[s].count
            var pooled = [Float](repeating: 0, count: h)
            if n == 0 { return pooled }
            for t in offsets[s]..<offsets[s + 1] {
                let row = x + t * h
                for j in 0..<h { pooled[j] += row[j] }
            }
            var norm: Float = 0
            for j in 0..<h { pooled[j] /= Float(n); norm += pooled[j] * pooled[j] }
            let inv = 1 / max(norm.squareRoot(), 1e-12)
            for j in 0..<h { pooled[j] *= inv }
            return pooled
        }
    }

    /// `out = input · Wᵀ + bias` (or `out += …` when `accumulate`), input `[rows, inputs]`, W `[outputs, inputs]`.
    private func linear(_ input: UnsafePointer<Float>, rows: Int, inputs: Int, _ weight: [Float], _ bias: [Float],
                        outputs: Int, into out: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        bias.withUnsafeBufferPointer { b in
            for r in 0..<rows {
                let row = out + r * outputs
                if accumulate {
                    for j in 0..<outputs { row[j] += b[j] }
                } else {
                    for j in 0..<outputs { row[j] = b[j] }
                }
            }
        }
        weight.withUnsafeBufferPointer { w in
            Matrix.multiply(m: rows, n: outputs, k: inputs, a: input, lda: inputs,
                            b: w.baseAddress!, ldb: inputs, transposeB: true, beta: 1, c: out, ldc: outputs)
        }
    }

    private func layerNormRows(_ x: UnsafeMutablePointer<Float>, rows: Int, _ weight: [Float], _ bias: [Float]) {
        let h = configuration.hiddenSize, eps = configuration.layerNormEps
        weight.withUnsafeBufferPointer { w in
            bias.withUnsafeBufferPointer { b in
                ParallelFor.ranges(rows, minimumPerWorker: 16) { range in
                    for r in range {
                        BertMath.layerNorm(x + r * h, count: h, weight: w.baseAddress!, bias: b.baseAddress!, eps: eps)
                    }
                }
            }
        }
    }

    /// Scaled dot-product self-attention per sequence and head; writes `context [tokens, h]`.
    private func attention(qkv: UnsafeMutablePointer<Float>, context: UnsafeMutablePointer<Float>,
                           offsets: [Int], maxLength: Int, heads: Int, headDimension d: Int) {
        let h = configuration.hiddenSize, stride = 3 * h
        let scale = 1 / Float(d).squareRoot()
        let jobs = (offsets.count - 1) * heads
        // The per-head products are small: run them single-threaded inside our own workers, rather
        // than letting each call fork OpenBLAS threads that contend with the other worker's.
        let blasThreads = BLASThreads.current
        if blasThreads > 1 && jobs > 1 { BLASThreads.set(1) }
        defer { if blasThreads > 1 && jobs > 1 { BLASThreads.set(blasThreads) } }
        // Each worker gets its own scores buffer [maxLength, maxLength].
        ParallelFor.ranges(jobs, minimumPerWorker: 4) { range in
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: maxLength * maxLength)
            defer { scores.deallocate() }
            for job in range {
                let s = job / heads, head = job % heads
                let start = offsets[s], length = offsets[s + 1] - offsets[s]
                if length == 0 { continue }
                let q = qkv + start * stride + head * d
                let k = q + h, v = q + 2 * h
                Matrix.multiply(m: length, n: length, k: d, alpha: scale, a: q, lda: stride,
                                b: k, ldb: stride, transposeB: true, c: scores, ldc: length)
                for r in 0..<length { BertMath.softmax(scores + r * length, count: length) }
                Matrix.multiply(m: length, n: d, k: length, a: scores, lda: length,
                                b: v, ldb: stride, c: context + start * h + head * d, ldc: h)
            }
        }
    }
}
