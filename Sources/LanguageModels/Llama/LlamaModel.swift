import Foundation
import Kernels

/// A Llama-family transformer (Llama 2/3, Mistral, SmolLM2, Qwen2/2.5) loaded from a GGUF file.
///
/// The model is immutable and can be shared between threads; each `LlamaSession` made from it holds
/// its own KV cache. Weights stay quantized in the memory-mapped file.
///
/// For example:
/// ```swift
/// let model = try LlamaModel(url: URL(fileURLWithPath: "models/SmolLM2-135M-Instruct.Q4_1.gguf"))
/// let session = model.makeSession(contextLength: 2048)
/// let logits = try session.append([504, 3575, 282, 4649, 314])   // "The capital of France is"
/// ```
public final class LlamaModel: @unchecked Sendable {
    /// Hyper-parameters read from the file.
    public let configuration: LlamaConfiguration
    /// The weights (and the file they map).
    public let weights: LlamaWeights
    /// RoPE inverse frequencies θ_i = base^(-2i/d) / factor_i, i < ropeDimensionCount/2.
    let inverseFrequencies: [Double]

    /// The GGUF file the model was loaded from (its metadata carries the tokenizer).
    public var file: GGUFFile { weights.file }

    /// Loads the model at `url`.
    ///
    /// - Throws: any `GGUFError`: unreadable file, unknown architecture, missing or mis-shaped
    ///   tensors, unsupported quantization types.
    public convenience init(url: URL) throws {
        try self.init(file: GGUFFile(url: url))
    }

    /// Builds the model from an opened GGUF file.
    ///
    /// - Throws: see `init(url:)`.
    public init(file: GGUFFile) throws {
        let configuration = try LlamaConfiguration(file: file)
        self.configuration = configuration
        self.weights = try LlamaWeights(file: file, configuration: configuration)
        let d = configuration.ropeDimensionCount
        let base = Double(configuration.ropeFreqBase)
        let factors = weights.ropeFrequencyFactors
        inverseFrequencies = (0..<d / 2).map { i in
            pow(base, -2 * Double(i) / Double(d)) / Double(factors?[i] ?? 1)
        }
    }

    /// A new session with an empty KV cache.
    ///
    /// - Parameter contextLength: positions the cache can hold; defaults to the model's trained
    ///   context capped at 4096. Memory is committed only as positions are used.
    public func makeSession(contextLength: Int? = nil) -> LlamaSession {
        let length = max(1, contextLength ?? min(configuration.contextLength, 4096))
        return LlamaSession(model: self, contextLength: length)
    }

    // MARK: Forward pass

    /// Runs `count` tokens at positions `cache.count ..< cache.count + count` through the network,
    /// storing their keys/values in `cache` and the last token's logits in `state.logits`.
    func forward(tokens: UnsafePointer<Int32>, count n: Int, cache: KVCache, state: LlamaRunState) {
        let c = configuration
        let width = c.embeddingLength, qWidth = c.queryWidth, kvWidth = c.kvWidth
        let start = cache.count
        let x = state.x, xb = state.xb, q = state.q, k = state.k, v = state.v
        let attention = state.attention, hb = state.hb, hb2 = state.hb2

        // x[n × width] = embeddings of the tokens
        for t in 0..<n {
            weights.tokenEmbedding.dequantizeRow(Int(tokens[t]), into: x + t * width)
        }

        for (l, layer) in weights.layers.enumerated() {
            // Attention block: xb = norm(x); q, k, v = xb·Wᵀ (+ bias)
            layer.attentionNorm.withUnsafeBufferPointer { w in
                for t in 0..<n {
                    LlamaMath.rmsNorm(x + t * width, weight: w.baseAddress!, epsilon: c.rmsEpsilon,
                                      into: xb + t * width, width)
                }
            }
            multiply(xb, n, state, (layer.query, q), (layer.key, k), (layer.value, v))
            addBias(layer.queryBias, q, n, qWidth)
            addBias(layer.keyBias, k, n, kvWidth)
            addBias(layer.valueBias, v, n, kvWidth)
            for t in 0..<n {
                applyRope(q + t * qWidth, heads: c.headCount, position: start + t, state: state)
                applyRope(k + t * kvWidth, heads: c.kvHeads, position: start + t, state: state)
            }
            // Store keys and values at their positions.
            cache.store(layer: l, keys: k, values: v, start: start, count: n)
            attend(queries: q, count: n, start: start, keys: cache.keys(l), keyStride: cache.keyStride,
                   values: cache.values(l), into: attention, state: state)
            multiply(attention, n, state, (layer.attentionOutput, xb))
            LlamaMath.add(xb, into: x, n * width)

            // Feed-forward block: x += down(silu(gate(norm(x))) ⊙ up(norm(x)))
            layer.feedForwardNorm.withUnsafeBufferPointer { w in
                for t in 0..<n {
                    LlamaMath.rmsNorm(x + t * width, weight: w.baseAddress!, epsilon: c.rmsEpsilon,
                                      into: xb + t * width, width)
                }
            }
            multiply(xb, n, state, (layer.gate, hb), (layer.up, hb2))
            let ff = c.feedForwardLength
            LlamaMath.parallelFor(n * 4) { item, _ in  // quarters of rows: decode has one row
                let t = item / 4, lo = (item % 4) * ff / 4, hi = (item % 4 + 1) * ff / 4
                LlamaMath.swiglu(hb + t * ff + lo, hb2 + t * ff + lo, hi - lo)
            }
            multiply(hb, n, state, (layer.down, xb))
            LlamaMath.add(xb, into: x, n * width)
        }

        // Logits of the last token only.
        weights.outputNorm.withUnsafeBufferPointer { w in
            LlamaMath.rmsNorm(x + (n - 1) * width, weight: w.baseAddress!, epsilon: c.rmsEpsilon, into: xb, width)
        }
        weights.output.multiply(vector: xb, into: state.logits)
        cache.count = start + n
    }

    /// y_i = W_i · x for each (W_i, y_i) over `n` tokens. For one token the input is quantized once
    /// and shared by every matrix whose kernels read the same activation format (Q/K/V, gate/up).
    private func multiply(_ x: UnsafePointer<Float>, _ n: Int, _ state: LlamaRunState,
                          _ products: (QuantizedMatrix, UnsafeMutablePointer<Float>)...) {
        guard n == 1, products.count > 1 else {
            for (w, y) in products {
                if n == 1 { w.multiply(vector: x, into: y) } else { w.multiply(batch: x, count: n, into: y) }
            }
            return
        }
        let first = products[0].0
        let shared = state.activations(weightType: first.type, count: first.columns)
        shared.quantize(x)
        for (w, y) in products {
            if shared.compatible(with: w.type) {
                w.multiply(quantized: shared, into: y)
            } else {
                w.multiply(vector: x, into: y)
            }
        }
    }

    private func addBias(_ bias: [Float]?, _ y: UnsafeMutablePointer<Float>, _ n: Int, _ width: Int) {
        guard let bias else { return }
        bias.withUnsafeBufferPointer { b in
            for t in 0..<n { LlamaMath.add(b.baseAddress!, into: y + t * width, width) }
        }
    }

    /// Rotates each head of `vector` (heads × headDimension) for `position`.
    private func applyRope(_ vector: UnsafeMutablePointer<Float>, heads: Int, position: Int, state: LlamaRunState) {
        let c = configuration
        let pairs = c.ropeDimensionCount / 2
        let cosines = state.ropeCos, sines = state.ropeSin
        if state.ropePosition != position {
            for i in 0..<pairs {
                let theta = Double(position) * inverseFrequencies[i]
                cosines[i] = Float(cos(theta))
                sines[i] = Float(sin(theta))
            }
            state.ropePosition = position
        }
        let hd = c.headDimension
        for h in 0..<heads {
            let head = vector + h * hd
            switch c.architecture.ropeStyle {
            case .adjacentPairs:
                for i in 0..<pairs {
                    let a = head[2 * i], b = head[2 * i + 1]
                    head[2 * i] = a * cosines[i] - b * sines[i]
                    head[2 * i + 1] = a * sines[i] + b * cosines[i]
                }
            case .halves:
                for i in 0..<pairs {
                    let a = head[i], b = head[i + pairs]
                    head[i] = a * cosines[i] - b * sines[i]
                    head[i + pairs] = a * sines[i] + b * cosines[i]
                }
            }
        }
    }

    /// Decode attention of one query at `position`, split over key ranges as well as KV heads
    /// (flash-decoding) so the pool's threads get equal work whatever the number of KV heads: each
    /// part keeps its own softmax maximum and sum, merged at the end.
    private func attendOne(query q: UnsafeMutablePointer<Float>, position: Int,
                           keys: UnsafeMutablePointer<Float>, keyStride: Int,
                           values: UnsafeMutablePointer<Float>,
                           into out: UnsafeMutablePointer<Float>, state: LlamaRunState) {
        let c = configuration
        let hd = c.headDimension, group = c.groupSize, kvHeads = c.kvHeads, kvWidth = c.kvWidth
        let scale = 1 / Float(hd).squareRoot()
        let parts = LlamaRunState.decodeParts
        let span = position + 1
        let partial = state.partialOutputs, stats = state.partialStats  // [g][part][member]
        LlamaMath.parallelFor(kvHeads * parts) { item, thread in
            let g = item / parts, part = item % parts
            let lo = (part * span / parts) / 16 * 16
            let hi = part == parts - 1 ? span : ((part + 1) * span / parts) / 16 * 16
            let slot = (g * parts + part) * group
            guard hi > lo else {
                for member in 0..<group { stats[2 * (slot + member)] = -.infinity; stats[2 * (slot + member) + 1] = 0 }
                return
            }
            let length = hi - lo, rowStride = (length + 15) / 16 * 16
            let scores = state.scores(thread: thread)
            func query(_ member: Int) -> UnsafePointer<Float> {
                UnsafePointer(q + (g * group + min(member, group - 1)) * hd)
            }
            let keyTiles = UnsafePointer(keys + g * hd * keyStride + (lo / 16) * hd * 16)
            var member = 0
            while member < group {
                LlamaMath.scores4(queries: (query(member), query(member + 1), query(member + 2), query(member + 3)),
                                  keys: keyTiles, dimension: hd, span: length, scale: scale,
                                  into: scores + member * rowStride, rowStride: rowStride, rows: min(4, group - member))
                member += 4
            }
            for member in 0..<group {
                let (maximum, sum) = LlamaMath.shiftedExp(scores + member * rowStride, length)
                stats[2 * (slot + member)] = maximum
                stats[2 * (slot + member) + 1] = sum
                (partial + (slot + member) * hd).initialize(repeating: 0, count: hd)
            }
            for j in 0..<length {
                let value = values + (lo + j) * kvWidth + g * hd
                for member in 0..<group {
                    LlamaMath.axpy(scores[member * rowStride + j], value, partial + (slot + member) * hd, hd)
                }
            }
        }
        for g in 0..<kvHeads {
            for member in 0..<group {
                var maximum = -Float.infinity
                for part in 0..<parts { maximum = max(maximum, stats[2 * ((g * parts + part) * group + member)]) }
                let o = out + (g * group + member) * hd
                o.initialize(repeating: 0, count: hd)
                var total: Float = 0
                for part in 0..<parts {
                    let index = (g * parts + part) * group + member
                    guard stats[2 * index + 1] > 0 else { continue }
                    let weight = (stats[2 * index] - maximum).exp
                    total += weight * stats[2 * index + 1]
                    LlamaMath.axpy(weight, partial + index * hd, o, hd)
                }
                let inverse = 1 / total
                for d in 0..<hd { o[d] *= inverse }
            }
        }
    }

    /// Causal grouped-query attention of `n` new queries at positions `start..<start+n` over the
    /// cached keys/values `0..<start+n`; writes `out[n × queryWidth]`.
    ///
    /// Work items are (block of `LlamaRunState.attentionBlock` tokens, KV head): the tiled keys
    /// give scores 16 positions at a time for 4 query rows at once, and each value row is loaded
    /// once for all query heads of the group and tokens of the block.
    private func attend(queries q: UnsafeMutablePointer<Float>, count n: Int, start: Int,
                        keys: UnsafeMutablePointer<Float>, keyStride: Int,
                        values: UnsafeMutablePointer<Float>,
                        into out: UnsafeMutablePointer<Float>, state: LlamaRunState) {
        let c = configuration
        let hd = c.headDimension, group = c.groupSize, kvHeads = c.kvHeads
        let qWidth = c.queryWidth, kvWidth = c.kvWidth
        let scale = 1 / Float(hd).squareRoot()
        if n == 1 && start >= 64 {
            attendOne(query: q, position: start, keys: keys, keyStride: keyStride, values: values, into: out, state: state)
            return
        }
        let block = LlamaRunState.attentionBlock
        let blocks = (n + block - 1) / block
        // All query heads of a group in one item: each key/value row is read once for them.
        let members = group
        let splits = 1
        LlamaMath.parallelFor(blocks * kvHeads * splits) { item, thread in
            let m0 = (item % splits) * members
            let g = (item / splits) % kvHeads
            let t0 = (item / (splits * kvHeads)) * block, t1 = min(n, t0 + block)
            let span = start + t1  // keys seen by the block's last token
            let rowStride = (span + 15) / 16 * 16
            let rowCount = (t1 - t0) * members
            // scores[row × rowStride + j], row = (t - t0) × members + (member - m0)
            let scores = state.scores(thread: thread)
            func query(_ row: Int) -> UnsafePointer<Float> {
                let r = min(row, rowCount - 1)  // padding rows repeat the last one
                return UnsafePointer(q + (t0 + r / members) * qWidth + (g * group + m0 + r % members) * hd)
            }
            let keyRows = UnsafePointer(keys + g * hd * keyStride)
            var row = 0
            while row < rowCount {
                LlamaMath.scores4(queries: (query(row), query(row + 1), query(row + 2), query(row + 3)),
                                  keys: keyRows, dimension: hd, span: span,
                                  scale: scale, into: scores + row * rowStride, rowStride: rowStride,
                                  rows: min(4, rowCount - row))
                row += 4
            }
            for t in t0..<t1 {
                for member in m0..<m0 + members {
                    LlamaMath.softmax(scores + ((t - t0) * members + member - m0) * rowStride, start + t + 1)
                    (out + t * qWidth + (g * group + member) * hd).initialize(repeating: 0, count: hd)
                }
            }
            for j in 0..<span {
                let value = values + j * kvWidth + g * hd
                for t in t0..<t1 where j <= start + t {
                    for member in m0..<m0 + members {
                        let p = scores[((t - t0) * members + member - m0) * rowStride + j]
                        LlamaMath.axpy(p, value, out + t * qWidth + (g * group + member) * hd, hd)
                    }
                }
            }
        }
    }
}

