import Foundation
import Routing
import Strategies

/// Which strategy `ask` uses: one of the four, or `auto` (the router's choice per question).
public enum StrategyChoice: String, Sendable, CaseIterable, Codable {
    /// The question router picks per question (``Engine/route(_:preference:)``).
    case auto
    case none, single, notes, ircot

    /// The strategy a fixed choice runs; nil for `auto`, which depends on the question.
    public var fixed: StrategyKind? {
        switch self {
        case .auto: return nil
        case .single: return .single
        case .none: return StrategyKind.none
        case .notes: return .notes
        case .ircot: return .ircot
        }
    }
}

/// How `ask` answers: the strategy and its settings. Defaults are the measured ones.
public struct AskParameters: Sendable {
    public var strategy: StrategyChoice
    /// Passages for single-step (and per retrieval for notes and IRCoT when set).
    public var limit: Int?
    /// Sentences single-step keeps of a passage it shortens (nil: passages stay whole).
    public var sentencesPerPassage: Int? = SingleStep.defaultSentencesPerPassage
    /// Tokens single-step's passages may take together (nil: no budget).
    public var passageTokens: Int? = SingleStep.defaultPassageTokens
    public var retriever: RetrieverKind
    public var notes: NoteBased.Parameters
    public var ircot: IRCoT.Parameters
    /// Snap the answer to the passages' best-matching span.
    public var snapAnswers: Bool
    /// Tokens a short answer may take.
    public var answerTokens: Int
    /// How `auto` weighs the routes' costs.
    public var preference: RoutePreference

    public init(strategy: StrategyChoice = .auto, limit: Int? = nil, retriever: RetrieverKind = .hybrid,
                notes: NoteBased.Parameters = NoteBased.Parameters(), ircot: IRCoT.Parameters = IRCoT.Parameters(),
                snapAnswers: Bool = true, answerTokens: Int = 32,
                preference: RoutePreference = .balanced) {
        self.preference = preference
        self.strategy = strategy
        self.limit = limit
        self.retriever = retriever
        self.notes = notes
        self.ircot = ircot
        self.snapAnswers = snapAnswers
        self.answerTokens = answerTokens
    }

    /// The strategy object for `kind` with these settings.
    public func strategy(_ kind: StrategyKind) -> any AnsweringStrategy {
        switch kind {
        case .none: return NoRetrieval()
        case .single: return SingleStep(limit: limit ?? SingleStep.defaultLimit, sentencesPerPassage: sentencesPerPassage,
                                               passageTokens: passageTokens)
        case .notes:
            var p = notes
            if let limit { p.passagesPerRetrieval = limit }
            return NoteBased(parameters: p)
        case .ircot:
            var p = ircot
            if let limit { p.passagesPerStep = limit }
            return IRCoT(parameters: p)
        }
    }

    /// The name a strategy's results are filed under (`notes` variants are named by their settings).
    public func name(_ kind: StrategyKind) -> String {
        switch kind {
        case .notes: return notes.variantName
        case .single: return SingleStep(sentencesPerPassage: sentencesPerPassage, passageTokens: passageTokens).variantName
        default: return kind.rawValue
        }
    }
}

/// A passage an answer cites.
public struct Citation: Sendable, Codable, Equatable {
    public var document: String
    public var chunkID: Int64
    public var title: String
    public var heading: String
    public var text: String

    enum CodingKeys: String, CodingKey { case document, chunkID = "chunk_id", title, heading, text }

    init(_ p: Passage) {
        document = p.document
        chunkID = p.chunkID
        title = p.title
        heading = p.heading
        text = p.text
    }
}

/// The router's probabilities for the three routes (no retrieval, single, multi-step); also the
/// shape of its expected F1 per route.
public struct RouteProbabilities: Sendable, Codable, Equatable {
    public var A: Double
    public var B: Double
    public var C: Double

    /// All mass on the route of `kind` (a strategy chosen by hand).
    public static func certain(_ kind: StrategyKind) -> RouteProbabilities {
        RouteProbabilities(A: kind == .none ? 1 : 0, B: kind == .single ? 1 : 0, C: kind.label == "C" ? 1 : 0)
    }
}

/// An answer with its sources and what it cost.
public struct Answer: Sendable, Codable {
    public var question: String
    /// The answer text.
    public var text: String
    /// The strategy that ran (`none`, `single`, `notes`, `ircot`).
    public var strategy: StrategyKind
    /// The name results are filed under (e.g. `notes`, or a notes variant).
    public var strategyName: String
    /// How the strategy was chosen: by hand, or `auto`.
    public var choice: StrategyChoice
    public var probabilities: RouteProbabilities
    /// The router's expected F1 (0...1) of each route, when `auto` chose with a router that has one.
    public var expectedF1: RouteProbabilities? = nil
    public var citations: [Citation]
    /// Every passage the strategy saw, in order.
    public var passages: [Passage]
    /// Retrieval rounds.
    public var steps: Int
    public var usage: ModelUsage
    public var seconds: Double
    public var retrievalSeconds: Double
    public var stopReason: String?
    /// The model's words before cleaning and snapping.
    public var rawAnswer: String

    enum CodingKeys: String, CodingKey {
        case question, text = "answer", strategy, strategyName = "strategy_name", choice, probabilities, citations
        case expectedF1 = "expected_f1"
        case passages, steps, usage, seconds, retrievalSeconds = "retrieval_seconds", stopReason = "stop_reason"
        case rawAnswer = "raw_answer"
    }

    public var llmCalls: Int { usage.calls }
}

/// What `answerStream` yields: the strategy's progress, pieces of the answer, then the answer.
public enum AnswerEvent: Sendable {
    case step(StrategyEvent)
    case answer(Answer)
}
