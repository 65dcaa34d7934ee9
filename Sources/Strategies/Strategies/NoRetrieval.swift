/// Strategy A: the model answers from its own knowledge, one call, no passages.
public struct NoRetrieval: AnsweringStrategy {
    public var kind: StrategyKind { .none }

    public init() {}

    public func answer(_ question: String, context: StrategyContext) async throws -> StrategyResult {
        var usage = ModelUsage()
        var writer = AnswerWriter(context: context)
        writer.context.snapper = nil
        let written = try await writer.write(context.prompts.closedBook(question), question: question, passages: [], usage: &usage)
        return StrategyResult(answer: written.answer, rawAnswer: written.raw, citations: [], passagesSeen: [],
                              steps: 0, usage: usage, retrievalSeconds: 0)
    }
}
