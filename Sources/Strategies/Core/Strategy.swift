import LanguageModels

/// The answering strategies (Adaptive-RAG's A/B/C, arXiv 2403.14403 §3.1; C as Adaptive-Note,
/// arXiv 2410.08821, or IRCoT).
public enum StrategyKind: String, Sendable, CaseIterable, Codable {
    /// A: the model answers alone.
    case none
    /// B: one retrieval, one answer.
    case single
    /// C: iterative note-based retrieval (Adaptive-Note).
    case notes
    /// C: retrieval interleaved with chain-of-thought sentences (IRCoT).
    case ircot

    /// Adaptive-RAG's label for the strategy.
    public var label: String {
        switch self {
        case .none: return "A"
        case .single: return "B"
        case .notes, .ircot: return "C"
        }
    }
}

/// What every strategy works with: the model, the passages, where to report, and the answer rules.
public struct StrategyContext: Sendable {
    public var model: any LanguageModel
    public var retriever: any PassageRetriever
    public var observer: StrategyObserver?
    public var prompts: AnswerPrompts
    /// Snaps answers to the passages' best-matching span; nil keeps the model's words.
    public var snapper: AnswerSnapper?

    public init(model: any LanguageModel, retriever: any PassageRetriever, observer: StrategyObserver? = nil,
                prompts: AnswerPrompts = AnswerPrompts(), snapper: AnswerSnapper? = AnswerSnapper()) {
        self.model = model
        self.retriever = retriever
        self.observer = observer
        self.prompts = prompts
        self.snapper = snapper
    }

    func report(_ event: StrategyEvent) { observer?(event) }
}

/// A way of answering a question.
///
/// For example:
/// ```swift
/// let context = StrategyContext(model: generator, retriever: passages)
/// let result = try await SingleStep(limit: 5).answer("Who wrote Hamlet?", context: context)
/// print(result.answer, result.citations.map(\.title))
/// ```
public protocol AnsweringStrategy: Sendable {
    var kind: StrategyKind { get }
    /// Answers `question`; throws the model's or the retriever's errors, or `CancellationError`.
    func answer(_ question: String, context: StrategyContext) async throws -> StrategyResult
}
