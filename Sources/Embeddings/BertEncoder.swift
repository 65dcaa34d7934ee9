import CKernels
import Foundation
import Kernels

/// The BERT encoder over packed batches: the token rows of all sequences are stacked in one matrix
/// (no padding at all), every projection is one sgemm over the whole batch, and attention runs per
/// sequence and head. Output: each sequence's mean-pooled, L2-normalised embedding.
///
/// For example:
/// ```swift
/// let encoder = try BertEncoder(directory: dir, precision: .best)
/// let vectors = encoder.embed(tokenIDs: [[101, 7592, 2088, 102]])   // [[Float]] of 384
/// ```
public struct BertEncoder: Sendable {
    /// The model's configuration (config.json).
    public let configuration: BertConfiguration
    /// The arithmetic of the projection and feed-forward products.
    public let precision: EmbeddingPrecision
    let weights: BertWeights
    private let layers: [Layer]

    /// One layer's four products; the norms stay in `weights`.
    private struct Layer: Sendable {
        let qkv, attentionOutput, intermediate, output: BertLinear
    }

    /// Whether the bf16 products run on AVX-512 BF16 (false for fp32 and for the portable loop).
    public var usesHardwareKernel: Bool { layers.first?.qkv.usesHardwareKernel ?? false }

    /// Loads config.json and model.safetensors from `directory`.
    /// - Parameters:
    ///   - precision: the products' arithmetic (default fp32, the reference).
    ///   - kernel: for bf16, the portable loop can be forced (tests and benchmarks compare the two).
    public init(directory: URL, precision: EmbeddingPrecision = .fp32, kernel: BFloat16Matrix.Kernel = .automatic) throws {
        let configuration = try BertConfiguration(url: directory.appendingPathComponent("config.json"))
        let file = try SafeTensorsFile(url: directory.appendingPathComponent("model.safetensors"))
        self.init(configuration: configuration, weights: try BertWeights(file: file, configuration: configuration),
                  precision: precision, kernel: kernel)
    }

    init(configuration: BertConfiguration, weights: BertWeights, precision: EmbeddingPrecision,
         kernel: BFloat16Matrix.Kernel = .automatic) {
        let h = configuration.hiddenSize, inter = configuration.intermediateSize
        self.configuration = configuration
        self.precision = precision
        func linear(_ weight: [Float], _ bias: [Float], _ outputs: Int, _ inputs: Int) -> BertLinear {
            BertLinear(weight: weight, bias: bias, outputs: outputs, inputs: inputs, precision: precision, kernel: kernel)
        }
        layers = weights.layers.map { l in
            Layer(qkv: linear(l.qkvWeight, l.qkvBias, 3 * h, h),
                  attentionOutput: linear(l.attentionOutputWeight, l.attentionOutputBias, h, h),
                  intermediate: linear(l.intermediateWeight, l.intermediateBias, inter, h),
                  output: linear(l.outputWeight, l.outputBias, h, inter))
        }
        // The products own their weights now; keep only the norms and embedding tables here.
        var rest = weights
        for i in rest.layers.indices {
            rest.layers[i].qkvWeight = []; rest.layers[i].attentionOutputWeight = []
            rest.layers[i].intermediateWeight = []; rest.layers[i].outputWeight = []
        }
        self.weights = rest
    }

    /// A randomly initialised encoder, for tests of shapes and batching invariants.
    public static func random(_ configuration: BertConfiguration, seed: UInt64 = 1,
                              precision: EmbeddingPrecision = .fp32) -> BertEncoder {
        BertEncoder(configuration: configuration, weights: BertWeights(random: configuration, seed: seed),
                    precision: precision)
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

        for (layer, norms) in zip(layers, weights.layers) {
            // Fused QKV projection: qkv = x · Wqkvᵀ + b.
            layer.qkv.apply(x, rows: tokens, into: qkv)
            attention(qkv: qkv, context: context, offsets: offsets, maxLength: maxLength, heads: heads, headDimension: d)
            // Attention output + residual, LayerNorm.
            layer.attentionOutput.apply(context, rows: tokens, into: x, accumulate: true)
            layerNormRows(x, rows: tokens, norms.attentionNormWeight, norms.attentionNormBias)
            // Feed-forward: GELU(x · Wiᵀ + bi) · Woᵀ + bo + residual, LayerNorm.
            layer.intermediate.apply(x, rows: tokens, into: wide, gelu: true)
            layer.output.apply(wide, rows: tokens, into: x, accumulate: true)
            layerNormRows(x, rows: tokens, norms.outputNormWeight, norms.outputNormBias)
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
    /// Each (sequence, head) runs the fused AVX-512 kernel (`ck_attention_head`) where the CPU has it,
    /// else two single-threaded sgemms around a softmax; the jobs are spread over the cores.
    private func attention(qkv: UnsafeMutablePointer<Float>, context: UnsafeMutablePointer<Float>,
                           offsets: [Int], maxLength: Int, heads: Int, headDimension d: Int) {
        let h = configuration.hiddenSize, stride = 3 * h
        let scale = 1 / Float(d).squareRoot()
        let jobs = (offsets.count - 1) * heads
        // Each worker gets its own scratch: the fused kernel's, or the scores [maxLength, maxLength].
        let scratchBytes = max(ck_attention_scratch(Int64(maxLength), Int64(d)), maxLength * maxLength * 4)
        ParallelFor.ranges(jobs, minimumPerWorker: 4) { range in
            let scratch = UnsafeMutableRawPointer.allocate(byteCount: scratchBytes, alignment: 64)
            defer { scratch.deallocate() }
            let scores = scratch.bindMemory(to: Float.self, capacity: scratchBytes / 4)
            for job in range {
                let s = job / heads, head = job % heads
                let start = offsets[s], length = offsets[s + 1] - offsets[s]
                if length == 0 { continue }
                let q = qkv + start * stride + head * d
                let k = q + h, v = q + 2 * h
                let out = context + start * h + head * d
                if ck_attention_head(q, k, v, Int64(stride), Int64(length), Int64(d), scale, out, Int64(h), scores) != 0 {
                    continue
                }
                Matrix.multiply(m: length, n: length, k: d, alpha: scale, a: q, lda: stride,
                                b: k, ldb: stride, transposeB: true, c: scores, ldc: length)
                for r in 0..<length { BertMath.softmax(scores + r * length, count: length) }
                Matrix.multiply(m: length, n: d, k: length, a: scores, lda: length,
                                b: v, ldb: stride, c: out, ldc: h)
            }
        }
    }
}
