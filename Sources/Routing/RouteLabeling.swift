/// How one strategy did on one question: the route it stands for and whether it was right.
public struct StrategyOutcome: Sendable, Equatable {
    /// The question's key (dataset and id): outcomes with the same key are one question.
    public var key: String
    public var question: String
    /// The route the strategy belongs to (none A, single B, notes and IRCoT C).
    public var route: RouteLabel
    /// Right by accuracy (a gold answer inside the prediction), as Adaptive-RAG labels.
    public var correct: Bool
    /// Token F1 against the gold answers, 0...1 (default: 1 when correct, else 0).
    public var f1: Double
    public var seconds: Double

    public init(key: String, question: String, route: RouteLabel, correct: Bool, f1: Double? = nil, seconds: Double) {
        self.key = key
        self.question = question
        self.route = route
        self.correct = correct
        self.f1 = f1 ?? (correct ? 1 : 0)
        self.seconds = seconds
    }
}

/// Where a training label came from.
public enum LabelSource: String, Sendable, Codable {
    /// The simplest strategy that answered the question.
    case silver
    /// The kind of the question's dataset (no strategy answered it, or none was run).
    case bias
}

/// A question with its route label: one training example.
public struct RouteExample: Sendable, Equatable {
    public var key: String
    public var question: String
    public var label: RouteLabel
    public var source: LabelSource

    public init(key: String, question: String, label: RouteLabel, source: LabelSource) {
        self.key = key
        self.question = question
        self.label = label
        self.source = source
    }
}

/// A question with its dataset's kind, for a bias label.
public struct KindedQuestion: Sendable, Equatable {
    public var key: String
    public var question: String
    public var kind: QuestionKind

    public init(key: String, question: String, kind: QuestionKind) {
        self.key = key
        self.question = question
        self.kind = kind
    }
}

/// Adaptive-RAG's training labels (arXiv 2403.14403 §3.3; starsuzi/Adaptive-RAG
/// `classifier/preprocess`): *silver* labels from outcomes, the simplest route that answered
/// correctly (A, else B, else C); *bias* labels from the dataset's kind (single-hop B, multi-hop C);
/// merged with bias labels only where there is no silver one.
public enum RouteLabeling {
    /// The simplest route that answered each question correctly; questions no strategy answered
    /// get no label. Examples come in the order questions first appear.
    public static func silver(_ outcomes: [StrategyOutcome]) -> [RouteExample] {
        var order: [String] = []
        var best: [String: (question: String, label: RouteLabel?)] = [:]
        for o in outcomes {
            if best[o.key] == nil { order.append(o.key); best[o.key] = (o.question, nil) }
            if o.correct, best[o.key]!.label.map({ o.route < $0 }) ?? true { best[o.key]!.label = o.route }
        }
        return order.compactMap { key in
            best[key]!.label.map { RouteExample(key: key, question: best[key]!.question, label: $0, source: .silver) }
        }
    }

    /// Every question labelled by its dataset's kind.
    public static func bias(_ questions: [KindedQuestion]) -> [RouteExample] {
        questions.map { RouteExample(key: $0.key, question: $0.question, label: $0.kind.biasLabel, source: .bias) }
    }

    /// All silver examples, then the bias examples of questions without a silver label (each key once).
    public static func merge(silver: [RouteExample], bias: [RouteExample]) -> [RouteExample] {
        var seen = Set(silver.map(\.key))
        var out = silver
        for b in bias where !seen.contains(b.key) {
            seen.insert(b.key)
            out.append(b)
        }
        return out
    }

    /// Each question's outcome per route: the first of that route on the question (the training data
    /// lists the default strategy of a route before its variants).
    public static func firstOutcomes(_ outcomes: [StrategyOutcome]) -> [String: [RouteLabel: StrategyOutcome]] {
        var byKey: [String: [RouteLabel: StrategyOutcome]] = [:]
        for o in outcomes where byKey[o.key]?[o.route] == nil { byKey[o.key, default: [:]][o.route] = o }
        return byKey
    }

    /// Mean seconds per question of each route, from the outcomes (routes never run are absent).
    public static func costs(_ outcomes: [StrategyOutcome]) -> [RouteLabel: Double] {
        var sum: [RouteLabel: (Double, Int)] = [:]
        for o in outcomes { sum[o.route, default: (0, 0)].0 += o.seconds; sum[o.route, default: (0, 0)].1 += 1 }
        return sum.mapValues { $0.0 / Double($0.1) }
    }
}
