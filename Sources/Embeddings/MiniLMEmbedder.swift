import Foundation
import Kernels

/// all-MiniLM-L6-v2 (sentence-transformers) in Swift: WordPiece tokenizer, 6-layer BERT encoder,
/// mean pooling, L2 normalisation. Thread-safe; `embed` may be called from several tasks at once.
///
/// For example:
/// ```swift
/// let embedder = try MiniLMEmbedder(directory: URL(fileURLWithPath: "models/all-MiniLM-L6-v2"))   // precision .best
/// let vectors = try embedder.embed(["What is the capital of France?"])   // [[Float]] of 384
/// ```
public final class MiniLMEmbedder: Embedder {
    /// "all-MiniLM-L6-v2" (or the model directory's name for another BERT model).
    public let modelID: String
    /// The hidden size (384).
    public var dimension: Int { encoder.configuration.hiddenSize }
    /// The tokenizer (vocab.txt).
    public let tokenizer: WordPieceTokenizer
    /// The encoder (config.json + model.safetensors).
    public let encoder: BertEncoder
    /// Word pieces per text including `[CLS]`/`[SEP]`; sentence-transformers uses 256 for this model.
    public let maxLength: Int
    /// Sentences per encoder batch.
    public let batchSize: Int

    /// The arithmetic of the encoder's products (see ``EmbeddingPrecision``).
    public var precision: EmbeddingPrecision { encoder.precision }

    /// Loads the model from a directory holding config.json, vocab.txt and model.safetensors.
    /// - Parameters:
    ///   - precision: the encoder's products: `.best` (bf16 on CPUs with AVX-512 BF16, else fp32) by
    ///     default, or a fixed one.
    ///   - kernel: for bf16, `.portable` forces the portable loop (tests and benchmarks).
    /// - Throws: ``EmbeddingsError/modelNotFound(path:)`` when the directory or a file is missing,
    ///   or another ``EmbeddingsError`` when a file is malformed.
    public init(directory: URL, maxLength: Int = 256, batchSize: Int = 32,
                precision: EmbeddingPrecision = .best, kernel: BFloat16Matrix.Kernel = .automatic) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw EmbeddingsError.modelNotFound(path: directory.path)
        }
        tokenizer = try WordPieceTokenizer(vocabularyURL: directory.appendingPathComponent("vocab.txt"))
        encoder = try BertEncoder(directory: directory, precision: precision, kernel: kernel)
        modelID = directory.lastPathComponent
        self.maxLength = max(2, min(maxLength, encoder.configuration.maxPositionEmbeddings))
        self.batchSize = max(1, batchSize)
    }

    /// Token ids of each text as the encoder sees them (`[CLS]`, ≤ maxLength−2 pieces, `[SEP]`).
    public func tokenize(_ texts: [String]) -> [[Int32]] {
        var result = [[Int32]](repeating: [], count: texts.count)
        result.withUnsafeMutableBufferPointer { out in
            ParallelFor.ranges(texts.count, minimumPerWorker: 16) { range in
                for i in range { out[i] = tokenizer.encode(texts[i], maxLength: maxLength) }
            }
        }
        return result
    }

    /// L2-normalised embeddings, one per text. Texts are sorted by length and encoded in packed
    /// batches of `batchSize`, so no compute is spent on padding.
    public func embed(_ texts: [String]) throws -> [[Float]] {
        embed(tokenIDs: tokenize(texts))
    }

    /// Embeddings of already tokenized texts (see ``tokenize(_:)``).
    public func embed(tokenIDs: [[Int32]]) -> [[Float]] {
        let order = tokenIDs.indices.sorted { tokenIDs[$0].count < tokenIDs[$1].count }
        var result = [[Float]](repeating: [], count: tokenIDs.count)
        var start = 0
        while start < order.count {
            let batch = Array(order[start..<min(order.count, start + batchSize)])
            let vectors = encoder.embed(tokenIDs: batch.map { tokenIDs[$0] })
            for (i, index) in batch.enumerated() { result[index] = vectors[i] }
            start += batchSize
        }
        return result
    }
}
