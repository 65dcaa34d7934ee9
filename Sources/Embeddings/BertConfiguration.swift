import Foundation

/// The subset of a Hugging Face BERT config.json the encoder needs (keys mirror the file's).
public struct BertConfiguration: Sendable, Equatable, Decodable {
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var intermediateSize: Int
    public var maxPositionEmbeddings: Int
    public var typeVocabSize: Int
    public var vocabSize: Int
    public var layerNormEps: Float
    public var hiddenAct: String

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", intermediateSize = "intermediate_size"
        case maxPositionEmbeddings = "max_position_embeddings", typeVocabSize = "type_vocab_size"
        case vocabSize = "vocab_size", layerNormEps = "layer_norm_eps", hiddenAct = "hidden_act"
    }

    /// all-MiniLM-L6-v2's configuration.
    public static let miniLML6 = BertConfiguration(
        hiddenSize: 384, numHiddenLayers: 6, numAttentionHeads: 12, intermediateSize: 1536,
        maxPositionEmbeddings: 512, typeVocabSize: 2, vocabSize: 30522, layerNormEps: 1e-12, hiddenAct: "gelu")

    public init(hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int, intermediateSize: Int,
                maxPositionEmbeddings: Int, typeVocabSize: Int, vocabSize: Int, layerNormEps: Float,
                hiddenAct: String) {
        self.hiddenSize = hiddenSize; self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads; self.intermediateSize = intermediateSize
        self.maxPositionEmbeddings = maxPositionEmbeddings; self.typeVocabSize = typeVocabSize
        self.vocabSize = vocabSize; self.layerNormEps = layerNormEps; self.hiddenAct = hiddenAct
    }

    /// Reads and validates config.json.
    public init(url: URL) throws {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw EmbeddingsError.modelNotFound(path: url.path)
        }
        do { self = try JSONDecoder().decode(BertConfiguration.self, from: data) } catch {
            throw EmbeddingsError.badConfiguration(path: url.path, reason: "\(error)")
        }
        try validate(path: url.path)
    }

    /// The width of one attention head.
    public var headDimension: Int { hiddenSize / numAttentionHeads }

    func validate(path: String) throws {
        guard hiddenSize > 0, numAttentionHeads > 0, hiddenSize % numAttentionHeads == 0 else {
            throw EmbeddingsError.badConfiguration(path: path, reason: "hidden_size \(hiddenSize) is not a multiple of num_attention_heads \(numAttentionHeads)")
        }
        guard hiddenAct == "gelu" else {
            throw EmbeddingsError.badConfiguration(path: path, reason: "hidden_act '\(hiddenAct)' is not supported (only exact 'gelu')")
        }
        guard numHiddenLayers > 0, intermediateSize > 0, maxPositionEmbeddings > 2, vocabSize > 0 else {
            throw EmbeddingsError.badConfiguration(path: path, reason: "non-positive layer, size or vocabulary count")
        }
    }
}
