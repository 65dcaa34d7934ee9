/// A conversation with a `LlamaModel`: its KV cache and scratch buffers.
///
/// Not thread-safe: use one session per task. Appending several tokens runs a batched prefill
/// (matrix-matrix products, in chunks of up to `batchSize`); one token runs the decode path.
///
/// For example:
/// ```swift
/// let session = model.makeSession()
/// var logits = try session.append(promptIDs)
/// logits = try session.append([nextID])
/// session.truncate(to: sharedPrefixLength)   // reuse the prefix for another prompt
/// ```
public final class LlamaSession: LanguageModelSession {
    /// The model this session runs.
    public let model: LlamaModel
    /// Maximum number of positions the cache can hold.
    public let contextLength: Int
    /// Longest chunk of tokens run through the network at once during prefill.
    public let batchSize: Int
    /// The tokens whose keys and values are in the cache, in order.
    public private(set) var cachedTokens: [Int32] = []

    private let cache: KVCache
    private let state: LlamaRunState

    init(model: LlamaModel, contextLength: Int, batchSize: Int = 512) {
        self.model = model
        self.contextLength = contextLength
        self.batchSize = max(1, min(batchSize, contextLength))
        let c = model.configuration
        cache = KVCache(layers: c.blockCount, capacity: contextLength, width: c.kvWidth, heads: c.kvHeads)
        state = LlamaRunState(configuration: c, batchCapacity: self.batchSize, contextLength: contextLength)
    }

    /// Size of the logits vector.
    public var vocabularySize: Int { model.configuration.vocabularySize }

    /// Appends `tokens` after the cached ones and returns the logits after the last of them.
    ///
    /// - Throws: `LlamaError.contextFull` when the cache cannot hold them (nothing is appended),
    ///   `LlamaError.invalidToken` for an id outside the vocabulary.
    /// - Returns: `vocabularySize` raw logits; empty when `tokens` is empty.
    public func append(_ tokens: [Int32]) throws -> [Float] {
        guard !tokens.isEmpty else { return [] }
        guard cache.count + tokens.count <= contextLength else {
            throw LlamaError.contextFull(cached: cache.count, appending: tokens.count, contextLength: contextLength)
        }
        let vocabulary = vocabularySize
        if let bad = tokens.first(where: { $0 < 0 || Int($0) >= vocabulary }) {
            throw LlamaError.invalidToken(id: bad, vocabularySize: vocabulary)
        }
        tokens.withUnsafeBufferPointer { ids in
            var offset = 0
            while offset < ids.count {
                let n = min(batchSize, ids.count - offset)
                model.forward(tokens: ids.baseAddress! + offset, count: n, cache: cache, state: state)
                offset += n
            }
        }
        cachedTokens.append(contentsOf: tokens)
        return Array(UnsafeBufferPointer(start: state.logits, count: vocabulary))
    }

    /// Forgets cached positions from `count` on (no-op when `count` ≥ the cached count).
    public func truncate(to count: Int) {
        let kept = max(0, min(count, cache.count))
        cache.count = kept
        cachedTokens.removeLast(cachedTokens.count - kept)
    }
}
