import Foundation

/// How `auto` trades answer quality for time (`--prefer`).
public enum RoutePreference: String, Sendable, Codable, CaseIterable {
    case fast, balanced, accurate

    /// How this preference moves the router's `balanced` cost weight
    /// (``RouterModel/balancedCostWeight``): fast penalises slow routes more, accurate less. In the
    /// units of the rule's weight: log-probability per e-fold of cost over the cheapest route (±0.5),
    /// or F1 per the slowest route's seconds (±0.1).
    public func costWeightOffset(_ rule: RoutingRule) -> Double {
        let step = rule == .expectedF1 ? 0.1 : 0.5
        switch self {
        case .fast: return step
        case .balanced: return 0
        case .accurate: return -step
        }
    }
}

/// How a router turns a question's scores into a route.
public enum RoutingRule: String, Sendable, Codable {
    /// Adaptive-RAG's: the most probable silver label, shifted by `weight · log(cost / cheapest)`.
    case labelProbabilities = "label_probabilities"
    /// The route with the best expected F1 less `weight · cost / slowest cost`.
    case expectedF1 = "expected_f1"
}

/// The router's decision for one question.
public struct RouteDecision: Sendable, Equatable {
    public var label: RouteLabel
    /// Calibrated probabilities of A, B, C.
    public var probabilities: [Double]
    /// Expected F1 (0...1) of A, B, C, from routers that have an ``ExpectedF1Model``.
    public var expectedF1: [Double]?

    public init(label: RouteLabel, probabilities: [Double], expectedF1: [Double]? = nil) {
        self.label = label
        self.probabilities = probabilities
        self.expectedF1 = expectedF1
    }
}

/// Routes questions with a ``RouterModel``: the question's embedding and wording → features →
/// calibrated probabilities → the route, shifted by cost for `fast` and `accurate`.
///
/// For example:
/// ```swift
/// let router = QuestionRouter(model: try RouterModel.load(from: url))
/// let decision = router.route("Who directed Sinister?", embedding: vector)
/// ```
public struct QuestionRouter: Sendable {
    public let model: RouterModel

    public init(model: RouterModel) { self.model = model }

    /// The input row for one question: its embedding and lexical features, in the model's order.
    public static func features(_ names: [String], question: String, embedding: [Float]) -> [Float] {
        var row: [Float] = []
        let lexical = LexicalFeatures.values(for: question)
        for name in names {
            if name == RouterModel.embeddingFeature { row += embedding }
            else if let i = LexicalFeatures.names.firstIndex(of: name) { row.append(lexical[i]) }
        }
        return row
    }

    /// The route of `question` given its embedding (from the model the router was trained on).
    public func route(_ question: String, embedding: [Float], preference: RoutePreference = .balanced) -> RouteDecision {
        route(question, embedding: embedding, preferences: [preference])[0]
    }

    /// The routes of `question` under several preferences (the features and scores computed once), in order.
    public func route(_ question: String, embedding: [Float], preferences: [RoutePreference]) -> [RouteDecision] {
        precondition(!model.features.contains(RouterModel.embeddingFeature) || embedding.count == model.embeddingDimension,
                     "embedding of \(embedding.count), router expects \(model.embeddingDimension)")
        let row = Self.features(model.features, question: question, embedding: embedding)
        let p = model.classifier.probabilities(row)
        let e = model.expectedF1?.expectedF1(row)
        let costs = model.labels.map { model.cost($0) }
        return preferences.map { preference in
            RouteDecision(label: Self.choose(model.rule, scores: e ?? p, costs: costs, weight: model.costWeight(preference)),
                          probabilities: p, expectedF1: e)
        }
    }

    /// The route of `rule` for one question's scores (label probabilities or expected F1).
    public static func choose(_ rule: RoutingRule, scores: [Double], costs: [Double?], weight: Double) -> RouteLabel {
        switch rule {
        case .labelProbabilities: return choose(scores, costs: costs, weight: weight)
        case .expectedF1: return choose(expectedF1: scores, costs: costs, weight: weight)
        }
    }

    /// The label maximising `expected F1 − w · cost / slowest cost`; without every cost, the best
    /// expected F1. Ties go to the cheaper route (A before B before C).
    public static func choose(expectedF1 e: [Double], costs: [Double?], weight: Double) -> RouteLabel {
        let known = costs.compactMap { $0 }.filter { $0 > 0 }
        let slowest = known.count == costs.count ? known.max() : nil
        func score(_ i: Int) -> Double {
            guard let slowest, let c = costs[i] else { return e[i] }
            return e[i] - weight * c / slowest
        }
        var best = 0
        for i in e.indices.dropFirst() where score(i) > score(best) { best = i }
        return RouteLabel(index: best)!
    }

    /// The label maximising `log p − w · log(cost / cheapest cost)`; without costs, the most probable.
    public static func choose(_ p: [Double], costs: [Double?], weight: Double) -> RouteLabel {
        let known = costs.compactMap { $0 }.filter { $0 > 0 }
        let cheapest = known.min()
        func score(_ i: Int) -> Double {
            var s = log(max(p[i], 1e-12))
            if let cheapest, let c = costs[i], c > 0, known.count == costs.count { s -= weight * log(c / cheapest) }
            return s
        }
        let best = p.indices.max { score($0) < score($1) }!
        return RouteLabel(index: best)!
    }
}
