/// A running language model with its KV cache: feed tokens, get the next-token logits.
///
/// The generator, the samplers and the prompt-prefix cache are written against this protocol; the
/// transformer (`LlamaModel`) provides it. Positions `0..<cachedTokens.count` are in the cache.
public protocol LanguageModelSession: AnyObject {
    /// Size of the logits vector.
    var vocabularySize: Int { get }
    /// Maximum number of positions the cache can hold.
    var contextLength: Int { get }
    /// The tokens whose keys and values are in the cache, in order.
    var cachedTokens: [Int32] { get }
    /// Appends `tokens` after the cached ones (batched prefill when there are several) and returns
    /// the logits (`vocabularySize` floats) after the last of them.
    func append(_ tokens: [Int32]) throws -> [Float]
    /// Forgets cached positions from `count` on, so a shared prefix can be reused.
    func truncate(to count: Int)
}
