import CKernels
import Kernels

/// The weights of one transformer block, viewed in place in the mapped GGUF file.
struct LlamaLayerWeights: @unchecked Sendable {
    /// `blk.N.attn_norm.weight` [width]
    var attentionNorm: [Float]
    /// `attn_q` [queryWidth × width], `attn_k`/`attn_v` [kvWidth × width], `attn_output` [width × queryWidth]
    var query, key, value, attentionOutput: QuantizedMatrix
    /// Q/K/V biases (qwen2) [queryWidth], [kvWidth], [kvWidth]
    var queryBias, keyBias, valueBias: [Float]?
    /// `blk.N.ffn_norm.weight` [width]
    var feedForwardNorm: [Float]
    /// `ffn_gate`/`ffn_up` [feedForward × width], `ffn_down` [width × feedForward]
    var gate, up, down: QuantizedMatrix
}

/// All weights of a Llama-family model. Matrices stay quantized in the memory-mapped file; only the
/// small vectors (norms, biases) are copied out as floats.
public final class LlamaWeights: @unchecked Sendable {
    /// The file whose mapping the matrices point into (kept alive here).
    public let file: GGUFFile
    /// `token_embd.weight` [vocabulary × width]
    let tokenEmbedding: QuantizedMatrix
    let layers: [LlamaLayerWeights]
    /// `output_norm.weight` [width]
    let outputNorm: [Float]
    /// `output.weight` [vocabulary × width], or the token embedding when the output is tied.
    let output: QuantizedMatrix
    /// Whether `output` is the token embedding (no `output.weight` in the file).
    public let outputTiedToEmbedding: Bool
    /// `rope_freqs.weight` (Llama 3.1 long-context scaling): per-frequency divisors [ropeDims/2].
    let ropeFrequencyFactors: [Float]?

    /// Views the weights of `file` for `configuration`, checking every tensor's shape and type.
    ///
    /// - Throws: `GGUFError.missingTensor`, `.tensorShapeMismatch`, `.unsupportedTensorType`.
    public init(file: GGUFFile, configuration c: LlamaConfiguration) throws {
        self.file = file
        func matrix(_ name: String, rows: Int, columns: Int) throws -> QuantizedMatrix {
            guard let info = file.tensors[name] else { throw GGUFError.missingTensor(name: name) }
            guard info.dimensions == [columns, rows] else {
                throw GGUFError.tensorShapeMismatch(name: name, expected: [columns, rows], found: info.dimensions)
            }
            guard ck_type_supported(info.type.rawValue) != 0 else {
                throw GGUFError.unsupportedTensorType(tensor: name, type: info.type.description)
            }
            let data = try file.tensorData(name)
            return QuantizedMatrix(type: info.type.rawValue, rows: rows, columns: columns, data: data.baseAddress!)
        }
        func vector(_ name: String, count: Int) throws -> [Float] {
            guard let info = file.tensors[name] else { throw GGUFError.missingTensor(name: name) }
            guard info.elementCount == count, info.dimensions.count == 1 else {
                throw GGUFError.tensorShapeMismatch(name: name, expected: [count], found: info.dimensions)
            }
            guard info.type == .f32 || info.type == .f16 else {
                throw GGUFError.unsupportedTensorType(tensor: name, type: info.type.description)
            }
            let data = try file.tensorData(name)
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                ck_dequantize_row(info.type.rawValue, data.baseAddress!, buffer.baseAddress!, Int64(count))
                initialized = count
            }
        }
        let width = c.embeddingLength
        tokenEmbedding = try matrix("token_embd.weight", rows: c.vocabularySize, columns: width)
        var layers: [LlamaLayerWeights] = []
        for i in 0..<c.blockCount {
            let p = "blk.\(i)."
            let bias = c.architecture.hasQKVBias
            layers.append(LlamaLayerWeights(
                attentionNorm: try vector(p + "attn_norm.weight", count: width),
                query: try matrix(p + "attn_q.weight", rows: c.queryWidth, columns: width),
                key: try matrix(p + "attn_k.weight", rows: c.kvWidth, columns: width),
                value: try matrix(p + "attn_v.weight", rows: c.kvWidth, columns: width),
                attentionOutput: try matrix(p + "attn_output.weight", rows: width, columns: c.queryWidth),
                queryBias: bias ? try vector(p + "attn_q.bias", count: c.queryWidth) : nil,
                keyBias: bias ? try vector(p + "attn_k.bias", count: c.kvWidth) : nil,
                valueBias: bias ? try vector(p + "attn_v.bias", count: c.kvWidth) : nil,
                feedForwardNorm: try vector(p + "ffn_norm.weight", count: width),
                gate: try matrix(p + "ffn_gate.weight", rows: c.feedForwardLength, columns: width),
                up: try matrix(p + "ffn_up.weight", rows: c.feedForwardLength, columns: width),
                down: try matrix(p + "ffn_down.weight", rows: width, columns: c.feedForwardLength)))
        }
        self.layers = layers
        outputNorm = try vector("output_norm.weight", count: width)
        if file.tensors["output.weight"] != nil {
            output = try matrix("output.weight", rows: c.vocabularySize, columns: width)
            outputTiedToEmbedding = false
        } else {
            output = tokenEmbedding
            outputTiedToEmbedding = true
        }
        ropeFrequencyFactors = file.tensors["rope_freqs.weight"] != nil
            ? try vector("rope_freqs.weight", count: c.ropeDimensionCount / 2) : nil
        prepare()
    }

    /// Repacks every matrix into the kernels' layout now (not at the first token), then lets the
    /// kernel drop the file pages that only the repacked copies need, so resident memory stays
    /// about one copy of the weights. The token embedding keeps its file pages: lookups read them.
    private func prepare() {
        var matrices: [(String, QuantizedMatrix)] = []
        for (i, layer) in layers.enumerated() {
            let p = "blk.\(i)."
            matrices += [(p + "attn_q.weight", layer.query), (p + "attn_k.weight", layer.key),
                         (p + "attn_v.weight", layer.value), (p + "attn_output.weight", layer.attentionOutput),
                         (p + "ffn_gate.weight", layer.gate), (p + "ffn_up.weight", layer.up),
                         (p + "ffn_down.weight", layer.down)]
        }
        matrices.append(("output.weight", output))
        for (name, matrix) in matrices {
            matrix.prepare()
            // A tied output has no tensor of its own: its (embedding) pages stay.
            if matrix.isRepacked { file.releaseResidentPages(of: name) }
        }
    }
}
