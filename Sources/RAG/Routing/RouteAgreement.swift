import Routing

/// How well routes agree with the silver labels of evaluated questions (the simplest strategy that
/// answered each one right): the router accuracy Adaptive-RAG reports (arXiv 2403.14403 Table 6).
public enum RouteAgreement {
    /// The outcomes of evaluation records, for ``RouteLabeling``.
    public static func outcomes(_ records: [EvaluationRecord]) -> [StrategyOutcome] {
        records.compactMap { r in
            RouterTrainingData.route(ofStrategy: r.strategy).map {
                StrategyOutcome(key: r.questionKey, question: r.question, route: $0, correct: r.acc >= 1, f1: r.f1, seconds: r.seconds)
            }
        }
    }

    /// Silver label against route, over the questions that have both.
    /// - Parameters:
    ///   - routes: by question key (``EvaluationRecord/questionKey``).
    ///   - label: which of a route's labels to compare: the one taken (default), or e.g.
    ///     ``Route/mostProbable``, the classifier's own choice before the cost weighting.
    public static func confusion(records: [EvaluationRecord], routes: [String: Route],
                                 label: (Route) -> RouteLabel = \.label) -> ConfusionMatrix {
        var matrix = ConfusionMatrix()
        for example in RouteLabeling.silver(outcomes(records)) {
            guard let route = routes[example.key] else { continue }
            matrix.add(truth: example.label.index, prediction: label(route).index)
        }
        return matrix
    }
}
