import Foundation

/// An ``Answer`` as `rag ask --json` prints it and `rag serve` returns it: flat, snake_case fields,
/// the citations, and what the answer cost.
///
/// ```json
/// {"question": "…", "answer": "250 million", "strategy": "single", "probabilities": {"A":0,"B":1,"C":0},
///  "citations": [{"document","chunk_id","title","heading","text"}], "steps": 1, "llm_calls": 1, "seconds": 2.4, …}
/// ```
public struct AnswerSummary: Sendable, Codable, Equatable {
    public var question: String
    public var answer: String
    public var rawAnswer: String
    /// The strategy that ran (`none`, `single`, `notes`, `ircot`).
    public var strategy: String
    /// The name results are filed under (a notes variant is named by its settings).
    public var strategyName: String
    /// How it was chosen: the strategy asked for, or `auto`.
    public var choice: String
    public var probabilities: RouteProbabilities
    /// The router's expected F1 of each route (routers with one, under `auto`).
    public var expectedF1: RouteProbabilities?
    public var citations: [Citation]
    public var passagesSeen: Int
    public var steps: Int
    public var llmCalls: Int
    public var promptTokens: Int
    public var reusedPromptTokens: Int
    public var generatedTokens: Int
    public var seconds: Double
    /// Of `seconds`: spent retrieving, and in the language model (prompt and generation).
    public var retrievalSeconds: Double
    public var modelSeconds: Double
    public var stopReason: String?

    enum CodingKeys: String, CodingKey {
        case question, answer, strategy, choice, probabilities, citations, steps, seconds
        case expectedF1 = "expected_f1", rawAnswer = "raw_answer", strategyName = "strategy_name", passagesSeen = "passages_seen"
        case llmCalls = "llm_calls", promptTokens = "prompt_tokens", reusedPromptTokens = "reused_prompt_tokens"
        case generatedTokens = "generated_tokens", retrievalSeconds = "retrieval_seconds"
        case modelSeconds = "model_seconds", stopReason = "stop_reason"
    }

    public init(_ a: Answer) {
        question = a.question
        answer = a.text
        rawAnswer = a.rawAnswer
        strategy = a.strategy.rawValue
        strategyName = a.strategyName
        choice = a.choice.rawValue
        probabilities = a.probabilities
        expectedF1 = a.expectedF1
        citations = a.citations
        passagesSeen = a.passages.count
        steps = a.steps
        llmCalls = a.llmCalls
        promptTokens = a.usage.promptTokens
        reusedPromptTokens = a.usage.reusedPromptTokens
        generatedTokens = a.usage.generatedTokens
        seconds = a.seconds
        retrievalSeconds = a.retrievalSeconds
        modelSeconds = a.usage.seconds
        stopReason = a.stopReason
    }
}
