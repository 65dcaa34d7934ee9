/// How the next token is chosen from the logits (llama.cpp's names and defaults where it has them).
///
/// `temperature <= 0` is greedy decoding (argmax after the repetition penalty). Otherwise the
/// filters run in llama.cpp's order: repetition penalty, top-k, top-p, min-p, temperature, then a
/// draw from the remaining distribution.
///
/// For example: `SamplingParameters(temperature: 0.7, topK: 40, topP: 0.9, seed: 42)`.
public struct SamplingParameters: Sendable, Equatable {
    /// Softmax temperature; 0 (or below) means greedy.
    public var temperature: Float
    /// Keep only the k most likely tokens; 0 or less disables.
    public var topK: Int
    /// Keep the smallest set of most likely tokens whose probabilities sum to at least p; 1 disables.
    public var topP: Float
    /// Drop tokens less likely than `minP` times the most likely one; 0 disables.
    public var minP: Float
    /// Divide positive logits (multiply negative ones) of recently seen tokens by this; 1 disables.
    public var repeatPenalty: Float
    /// How many recent tokens (prompt included) the repetition penalty looks at.
    public var repeatLastN: Int
    /// Seed of the random draw; nil picks a random seed.
    public var seed: UInt64?

    public init(
        temperature: Float = 0, topK: Int = 40, topP: Float = 0.95, minP: Float = 0.05,
        repeatPenalty: Float = 1, repeatLastN: Int = 64, seed: UInt64? = nil
    ) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repeatPenalty = repeatPenalty
        self.repeatLastN = repeatLastN
        self.seed = seed
    }

    /// Greedy decoding: always the most likely token.
    public static let greedy = SamplingParameters()
}
