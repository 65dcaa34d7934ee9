import LanguageModels

/// Language-model work done for one answer: calls, tokens, cache reuse and time.
public struct ModelUsage: Sendable, Equatable, Codable {
    public var calls = 0
    public var promptTokens = 0
    /// Prompt tokens served from the KV cache of an earlier call instead of being computed.
    public var reusedPromptTokens = 0
    public var generatedTokens = 0
    public var seconds = 0.0

    public init() {}

    /// Counts one generation.
    public mutating func add(_ result: GenerationResult) {
        calls += 1
        promptTokens += result.promptTokenIDs.count
        reusedPromptTokens += result.reusedPromptTokens
        generatedTokens += result.tokenIDs.count
        seconds += result.promptSeconds + result.generationSeconds
    }

    /// The share of prompt tokens that came from the cache.
    public var reusedShare: Double { promptTokens > 0 ? Double(reusedPromptTokens) / Double(promptTokens) : 0 }

    enum CodingKeys: String, CodingKey {
        case calls, promptTokens = "prompt_tokens", reusedPromptTokens = "reused_prompt_tokens"
        case generatedTokens = "generated_tokens", seconds
    }
}

/// What a strategy returns: the answer, what it was drawn from, and what it cost.
public struct StrategyResult: Sendable, Equatable {
    /// The answer as given to the user (cleaned, possibly snapped to a passage span).
    public var answer: String
    /// The model's text before cleaning and snapping.
    public var rawAnswer: String
    /// The passages the answer is drawn from, best first.
    public var citations: [Passage]
    /// Every passage the strategy retrieved, in the order it saw them.
    public var passagesSeen: [Passage]
    /// Retrieval rounds (0 without retrieval).
    public var steps: Int
    public var usage: ModelUsage
    public var retrievalSeconds: Double
    /// Why an iterative strategy stopped (nil for one-shot strategies).
    public var stopReason: String?
    /// The mean log-probability of the answer's tokens under the model (nil when not measured).
    public var answerLogProbability: Double?

    public init(answer: String, rawAnswer: String, citations: [Passage], passagesSeen: [Passage], steps: Int,
                usage: ModelUsage, retrievalSeconds: Double, stopReason: String? = nil,
                answerLogProbability: Double? = nil) {
        self.answer = answer
        self.rawAnswer = rawAnswer
        self.citations = citations
        self.passagesSeen = passagesSeen
        self.steps = steps
        self.usage = usage
        self.retrievalSeconds = retrievalSeconds
        self.stopReason = stopReason
        self.answerLogProbability = answerLogProbability
    }
}
