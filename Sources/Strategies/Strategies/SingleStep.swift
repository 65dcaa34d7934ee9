/// Strategy B: retrieve the top `limit` passages for the question, answer from them in one call.
///
/// Adaptive-RAG used BM25 top-15 (arXiv 2403.14403 §4), FlashRAG top-5; our default comes from
/// `rag eval` on the first questions of each dev file once measured (see `defaultLimit`).
public struct SingleStep: AnsweringStrategy {
    /// Passages given to the model: FlashRAG's 5 (not yet tuned against 10 or 15; the prompt time
    /// grows with each passage, ~130 tokens, at ~250-380 prompt tokens/s on 2 cores).
    public static let defaultLimit = 5

    public var kind: StrategyKind { .single }
    public var limit: Int

    public init(limit: Int = SingleStep.defaultLimit) {
        self.limit = max(1, limit)
    }

    public func answer(_ question: String, context: StrategyContext) async throws -> StrategyResult {
        var retrievalSeconds = 0.0
        let found = try Stopwatch.time(&retrievalSeconds) { try context.retriever.retrieve(question, limit: limit) }
        context.report(.retrieved(round: 0, query: question, passages: found))
        let prompts = context.prompts
        let passages = PromptBudget.fit(found, model: context.model, reserve: prompts.answerTokens + 16) {
            prompts.passages($0, question: question)
        }
        var usage = ModelUsage()
        let written = try await AnswerWriter(context: context)
            .write(prompts.passages(passages, question: question), passages: passages, usage: &usage)
        return StrategyResult(answer: written.answer, rawAnswer: written.raw, citations: written.citations,
                              passagesSeen: found, steps: 1, usage: usage, retrievalSeconds: retrievalSeconds)
    }
}
