import LanguageModels

/// Strategy B: retrieve the top `limit` passages for the question, answer from them in one call.
///
/// Adaptive-RAG used BM25 top-15 (arXiv 2403.14403 §4), FlashRAG top-5; our defaults come from
/// `rag eval` on the first questions of each dev file (see `defaultLimit`, `defaultSentencesPerPassage`
/// and `defaultPassageTokens`).
///
/// The time to answer is mostly the time to read the prompt (about 200 tokens/s for the 0.5B model on
/// 2 cores), so the passages can be held to a token budget: best first, each whole while it fits, then
/// shortened to its first sentence and those that share the most words with the question
/// (``NoteExtractor``, as the notes strategy's extractive note), then left out.
public struct SingleStep: AnsweringStrategy {
    /// Passages given to the model: FlashRAG's 5 (about 130 tokens each, whole).
    public static let defaultLimit = 5
    /// Sentences a passage is shortened to (nil: passages stay whole).
    ///
    /// With ``defaultPassageTokens``, chosen by `rag eval` of Qwen2.5-Coder-0.5B on questions 0-19 of
    /// the five dev files (benchmarks/answers/README.md): F1 27.3 at a median 2.31 s, against 26.8 at
    /// 3.80 s with whole passages; every cut tried (2, 3 or 4 sentences each; budgets 380 and 450)
    /// was within ±3 F1 of whole passages, which is within these 100 questions' noise.
    public static let defaultSentencesPerPassage: Int? = 2
    /// Tokens the passages may take together (nil: no budget beyond the model's context).
    public static let defaultPassageTokens: Int? = 380

    public var kind: StrategyKind { .single }
    public var limit: Int
    /// Sentences kept of a passage that is shortened: every passage when there is no token budget,
    /// else those that do not fit whole (nil: none is shortened).
    public var sentencesPerPassage: Int?
    /// Tokens the passages may take together (nil: no budget).
    public var passageTokens: Int?

    public init(limit: Int = SingleStep.defaultLimit, sentencesPerPassage: Int? = SingleStep.defaultSentencesPerPassage,
                passageTokens: Int? = SingleStep.defaultPassageTokens) {
        self.limit = max(1, limit)
        self.sentencesPerPassage = sentencesPerPassage.map { max(1, $0) }
        self.passageTokens = passageTokens.map { max(1, $0) }
    }

    /// A short name for reports: `single`, or the settings that differ from the defaults, e.g.
    /// `single[s2,t400]` (sentences per shortened passage, token budget) or `single[whole]`.
    public var variantName: String {
        guard sentencesPerPassage != Self.defaultSentencesPerPassage || passageTokens != Self.defaultPassageTokens else {
            return "single"
        }
        let parts = [sentencesPerPassage.map { "s\($0)" }, passageTokens.map { "t\($0)" }].compactMap { $0 }
        return "single[\(parts.isEmpty ? "whole" : parts.joined(separator: ","))]"
    }

    public func answer(_ question: String, context: StrategyContext) async throws -> StrategyResult {
        var retrievalSeconds = 0.0
        let found = try Stopwatch.time(&retrievalSeconds) { try context.retriever.retrieve(question, limit: limit) }
        context.report(.retrieved(round: 0, query: question, passages: found))
        let prompts = context.prompts
        let passages = PromptBudget.fit(shortened(found, question: question, model: context.model),
                                        model: context.model, reserve: prompts.answerTokens + 16) {
            prompts.passages($0, question: question)
        }
        var usage = ModelUsage()
        let written = try await AnswerWriter(context: context)
            .write(prompts.passages(passages, question: question), question: question, passages: passages, usage: &usage)
        return StrategyResult(answer: written.answer, rawAnswer: written.raw, citations: written.citations,
                              passagesSeen: found, steps: 1, usage: usage, retrievalSeconds: retrievalSeconds)
    }

    /// The passages as the prompt gives them: whole, shortened, or within the token budget.
    func shortened(_ passages: [Passage], question: String, model: any LanguageModel) -> [Passage] {
        let extractor = NoteExtractor(sentencesPerPassage: sentencesPerPassage)
        guard let budget = passageTokens else {
            return sentencesPerPassage == nil ? passages : extractor.shorten(passages, question: question)
        }
        func tokens(_ p: Passage) -> Int { model.tokenCount("[0] \(p.label)\n\(p.text)\n\n") }
        var kept: [Passage] = []
        var used = 0
        for passage in passages {
            var candidate = passage
            var size = tokens(passage)
            if used + size > budget, sentencesPerPassage != nil,
               let short = extractor.shorten([passage], question: question).first {
                (candidate, size) = (short, tokens(short))
            }
            if used + size > budget { continue }
            kept.append(candidate)
            used += size
        }
        return kept.isEmpty ? Array(passages.prefix(1)) : kept
    }
}
