/// How a model family applies rotary position embeddings to a head's query/key vector.
public enum RopeStyle: Sendable, Equatable {
    /// Rotate adjacent pairs `(x[2i], x[2i+1])`: GGUF `llama`/`mistral`, whose converter permuted Q/K.
    case adjacentPairs
    /// Rotate halves `(x[i], x[i + d/2])` (GPT-NeoX style): `qwen2`.
    case halves
}

/// Per-family facts that the GGUF metadata does not spell out, keyed by `general.architecture`.
///
/// For example, `LlamaArchitecture.named("qwen2")` has `ropeStyle == .halves` and Q/K/V biases.
public struct LlamaArchitecture: Sendable, Equatable {
    /// The `general.architecture` value (also the metadata key prefix).
    public var name: String
    /// How RoPE pairs dimensions.
    public var ropeStyle: RopeStyle
    /// Whether `attn_q/k/v` carry bias vectors.
    public var hasQKVBias: Bool

    /// The families this transformer implements.
    public static let registry: [String: LlamaArchitecture] = [
        "llama": LlamaArchitecture(name: "llama", ropeStyle: .adjacentPairs, hasQKVBias: false),
        "mistral": LlamaArchitecture(name: "mistral", ropeStyle: .adjacentPairs, hasQKVBias: false),
        "qwen2": LlamaArchitecture(name: "qwen2", ropeStyle: .halves, hasQKVBias: true),
    ]

    /// The registered family `name`.
    ///
    /// - Throws: `GGUFError.unknownArchitecture` for a family not in `registry`.
    public static func named(_ name: String) throws -> LlamaArchitecture {
        guard let architecture = registry[name] else { throw GGUFError.unknownArchitecture(name) }
        return architecture
    }
}

/// Hyper-parameters of a Llama-family transformer, mirroring the GGUF `<arch>.*` metadata keys.
///
/// For example, SmolLM2-135M: 30 blocks, width 576, 9 heads of 64 with 3 KV heads, feed-forward
/// 1536, RMSNorm eps 1e-5, RoPE base 100000, context 8192, vocabulary 49152.
public struct LlamaConfiguration: Sendable, Equatable {
    public var architecture: LlamaArchitecture
    /// `<arch>.block_count`
    public var blockCount: Int
    /// `<arch>.embedding_length` (model width).
    public var embeddingLength: Int
    /// `<arch>.attention.head_count`
    public var headCount: Int
    /// `<arch>.attention.head_count_kv` (defaults to `headCount`).
    public var kvHeads: Int
    /// `<arch>.attention.key_length` (defaults to width / heads).
    public var headDimension: Int
    /// `<arch>.feed_forward_length`
    public var feedForwardLength: Int
    /// `<arch>.attention.layer_norm_rms_epsilon`
    public var rmsEpsilon: Float
    /// `<arch>.rope.freq_base` (default 10000).
    public var ropeFreqBase: Float
    /// `<arch>.rope.dimension_count` (defaults to the head dimension).
    public var ropeDimensionCount: Int
    /// `<arch>.context_length`: the longest context the model was trained for.
    public var contextLength: Int
    /// Number of rows of the token embedding.
    public var vocabularySize: Int

    /// Queries per KV head (grouped-query attention).
    public var groupSize: Int { headCount / kvHeads }
    /// Width of all query heads together.
    public var queryWidth: Int { headCount * headDimension }
    /// Width of all key (or value) heads together.
    public var kvWidth: Int { kvHeads * headDimension }

    /// A configuration given directly (tests build tiny random models this way).
    public init(architecture: LlamaArchitecture, blockCount: Int, embeddingLength: Int, headCount: Int,
                kvHeads: Int, headDimension: Int? = nil, feedForwardLength: Int, rmsEpsilon: Float = 1e-5,
                ropeFreqBase: Float = 10000, ropeDimensionCount: Int? = nil, contextLength: Int,
                vocabularySize: Int) throws {
        self.architecture = architecture
        self.blockCount = blockCount
        self.embeddingLength = embeddingLength
        self.headCount = headCount
        self.kvHeads = kvHeads
        self.headDimension = headDimension ?? (headCount > 0 ? embeddingLength / headCount : 0)
        self.feedForwardLength = feedForwardLength
        self.rmsEpsilon = rmsEpsilon
        self.ropeFreqBase = ropeFreqBase
        self.ropeDimensionCount = ropeDimensionCount ?? self.headDimension
        self.contextLength = contextLength
        self.vocabularySize = vocabularySize
        try validate()
    }

    /// Reads the configuration from a GGUF file's metadata and token embedding.
    ///
    /// - Throws: `GGUFError.missingMetadata` naming the absent key, `.unknownArchitecture`,
    ///   `.missingTensor` when `token_embd.weight` is absent, `.invalidConfiguration`.
    public init(file: GGUFFile) throws {
        guard let name = file.architecture else { throw GGUFError.missingMetadata(key: "general.architecture") }
        let architecture = try LlamaArchitecture.named(name)
        func required(_ key: String) throws -> Int {
            guard let v = file.int("\(name).\(key)") else { throw GGUFError.missingMetadata(key: "\(name).\(key)") }
            return v
        }
        let heads = try required("attention.head_count")
        let width = try required("embedding_length")
        guard let embedding = file.tensors["token_embd.weight"] else {
            throw GGUFError.missingTensor(name: "token_embd.weight")
        }
        guard let epsilon = file.float("\(name).attention.layer_norm_rms_epsilon") else {
            throw GGUFError.missingMetadata(key: "\(name).attention.layer_norm_rms_epsilon")
        }
        let headDimension = file.int("\(name).attention.key_length") ?? (heads > 0 ? width / heads : 0)
        try self.init(architecture: architecture,
                      blockCount: try required("block_count"),
                      embeddingLength: width,
                      headCount: heads,
                      kvHeads: file.int("\(name).attention.head_count_kv") ?? heads,
                      headDimension: headDimension,
                      feedForwardLength: try required("feed_forward_length"),
                      rmsEpsilon: epsilon,
                      ropeFreqBase: file.float("\(name).rope.freq_base") ?? 10000,
                      ropeDimensionCount: file.int("\(name).rope.dimension_count") ?? headDimension,
                      contextLength: try required("context_length"),
                      vocabularySize: embedding.dimensions.count == 2 ? embedding.dimensions[1] : 0)
        if let valueLength = file.int("\(name).attention.value_length"), valueLength != headDimension {
            throw GGUFError.invalidConfiguration("value_length \(valueLength) differs from key_length \(headDimension)")
        }
    }

    private func validate() throws {
        func check(_ condition: Bool, _ message: String) throws {
            if !condition { throw GGUFError.invalidConfiguration(message) }
        }
        try check(blockCount > 0, "block_count must be positive, found \(blockCount)")
        try check(embeddingLength > 0, "embedding_length must be positive, found \(embeddingLength)")
        try check(headCount > 0 && kvHeads > 0, "head counts must be positive (\(headCount), \(kvHeads))")
        try check(headCount % kvHeads == 0, "head_count \(headCount) is not a multiple of head_count_kv \(kvHeads)")
        try check(headDimension > 0 && headDimension % 2 == 0, "head dimension \(headDimension) must be even")
        try check(ropeDimensionCount > 0 && ropeDimensionCount <= headDimension && ropeDimensionCount % 2 == 0,
                  "rope.dimension_count \(ropeDimensionCount) must be even and at most the head dimension")
        try check(feedForwardLength > 0, "feed_forward_length must be positive")
        try check(contextLength > 0, "context_length must be positive")
        try check(vocabularySize > 0, "the token embedding must have two dimensions [width, vocabulary]")
        try check(rmsEpsilon > 0, "layer_norm_rms_epsilon must be positive")
    }
}
