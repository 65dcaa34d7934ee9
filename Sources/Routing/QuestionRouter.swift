import Foundation

/// How `auto` trades answer quality for time (`--prefer`).
public enum RoutePreference: String, Sendable, Codable, CaseIterable {
    case fast, balanced, accurate

    /// How this preference moves the router's `balanced` cost weight
    /// (``RouterModel/balancedCostWeight``), per e-fold of cost over the cheapest route in
    /// log-probability units: fast penalises slow routes more, accurate less.
    public var costWeightOffset: Double {
        switch self {
        case .fast: return 0.5
        case .balanced: return 0
        case .accurate: return -0.5
        }
    }
}

/// The router's decision for one question.
public struct RouteDecision: Sendable, Equatable {
    public var label: RouteLabel
    /// Calibrated probabilities of A, B, C.
    public var probabilities: [Double]
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
        precondition(!model.features.contains(RouterModel.embeddingFeature) || embedding.count == model.embeddingDimension,
                     "embedding of \(embedding.count), router expects \(model.embeddingDimension)")
        let p = model.classifier.probabilities(Self.features(model.features, question: question, embedding: embedding))
        return RouteDecision(label: Self.choose(p, costs: model.labels.map { model.cost($0) }, weight: model.costWeight(preference)),
                             probabilities: p)
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
