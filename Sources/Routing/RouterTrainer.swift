import Foundation

/// Trains a ``RouterModel`` from labelled questions and their embeddings: cross-validates first
/// (the accuracy and the calibration temperature), then fits on every example.
///
/// For example:
/// ```swift
/// let examples = RouteLabeling.merge(silver: RouteLabeling.silver(outcomes), bias: RouteLabeling.bias(kinded))
/// let router = try RouterTrainer.train(examples, embeddings: vectors, embeddingModel: "all-MiniLM-L6-v2")
/// print(router.provenance.evaluation.silver.accuracy)
/// ```
public enum RouterTrainer {
    /// The fewest examples a router is trained on.
    public static let minimumExamples = 10

    /// - Parameters:
    ///   - embeddings: one question embedding per example, in order.
    ///   - features: feature groups (`embedding` and/or lexical names); default both.
    ///   - costs: measured seconds per question of each route.
    ///   - outcomes: the strategies' outcomes the labels came from. With at least
    ///     ``ExpectedF1Model/minimumExamples`` outcomes of every route, they train the router's
    ///     expected F1 per route, which then chooses the routes (``RoutingRule/expectedF1``); and where
    ///     every route was run on a question, they choose the `balanced` cost weight
    ///     (``CostWeightSweep``) with the held-out scores of cross-validation.
    ///   - rule: `.labelProbabilities` routes by the label classifier even when expected F1 could be trained.
    ///   - tolerance: the F1 (0...1) that weight may give up against the best fixed route.
    /// - Throws: `RoutingError.notEnoughExamples` for fewer than ``minimumExamples`` or one class only.
    public static func train(_ examples: [RouteExample], embeddings: [[Float]], embeddingModel: String,
                             features: [String] = [RouterModel.embeddingFeature] + LexicalFeatures.names,
                             costs: [RouteLabel: Double] = [:], outcomes: [StrategyOutcome] = [], rule: RoutingRule = .expectedF1,
                             tolerance: Double = CostWeightSweep.defaultTolerance,
                             parameters: TrainingParameters = TrainingParameters(),
                             folds: Int = 5, resultFiles: [String] = [], questionFiles: [String] = [],
                             date: Date = Date(), note: String? = nil) throws -> RouterModel {
        precondition(examples.count == embeddings.count, "one embedding per example")
        guard examples.count >= minimumExamples else {
            throw RoutingError.notEnoughExamples("only \(examples.count) labelled question(s), at least \(minimumExamples) are needed: pass more results or --questions files")
        }
        let classes = Set(examples.map(\.label))
        guard classes.count > 1 else {
            throw RoutingError.notEnoughExamples("every labelled question has route \(classes.first!.rawValue): a router needs at least two routes among its examples")
        }
        let dimension = embeddings.first?.count ?? 0
        let rows = zip(examples, embeddings).map { QuestionRouter.features(features, question: $0.question, embedding: $1) }
        let penalty = features.flatMap { name in
            name == RouterModel.embeddingFeature ? Array(repeating: parameters.embeddingL2 ?? parameters.l2, count: dimension)
                                                 : [parameters.l2]
        }
        let (evaluation, heldOut) = CrossValidation.heldOut(examples, rows: rows, folds: max(2, folds), parameters: parameters,
                                                            penalty: penalty)
        var probabilities: [String: [Double]] = [:]
        for (example, p) in zip(examples, heldOut) { if let p { probabilities[example.key] = p } }
        var expectedF1: ExpectedF1Model?, expectedF1Evaluation: ExpectedF1Evaluation?, choice: CostWeightChoice?
        if rule == .expectedF1 {
            let byKey = RouteLabeling.firstOutcomes(outcomes)
            let scored = examples.indices.filter { byKey[examples[$0].key] != nil }
            let f1 = scored.map { i in RouteLabel.allCases.map { byKey[examples[i].key]![$0]?.f1 } }
            let scoredRows = scored.map { rows[$0] }
            let keys = scored.map { examples[$0].key }
            let (f1Evaluation, expected) = CrossValidation.heldOutExpectedF1(keys: keys, rows: scoredRows, f1: f1, folds: max(2, folds),
                                                                             parameters: parameters, penalty: penalty)
            // Only a model that was measured held out routes: too few scores of a route for the folds, and the labels do.
            if f1Evaluation.questions.allSatisfy({ $0 > 0 }),
               let model = ExpectedF1Model.fit(rows: scoredRows, f1: f1, parameters: parameters, penalty: penalty) {
                expectedF1 = model
                expectedF1Evaluation = f1Evaluation
                var scores: [String: [Double]] = [:]
                for (key, e) in zip(keys, expected) { if let e { scores[key] = e } }
                choice = CostWeightSweep.choose(scores: scores, rule: .expectedF1, outcomes: outcomes, costs: costs, tolerance: tolerance)
            }
        }
        if expectedF1 == nil {
            choice = CostWeightSweep.choose(scores: probabilities, rule: .labelProbabilities, outcomes: outcomes, costs: costs,
                                            tolerance: tolerance)
        }
        var classifier = SoftmaxRegression.fit(rows, labels: examples.map(\.label.index), classes: RouteLabel.allCases.count,
                                               parameters: parameters, penalty: penalty)
        classifier.temperature = evaluation.temperature
        var counts: [String: Int] = [:]
        for e in examples { counts[e.label.rawValue, default: 0] += 1 }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        let provenance = RouterProvenance(
            resultFiles: resultFiles, questionFiles: questionFiles, labelCounts: counts,
            silverExamples: examples.filter { $0.source == .silver }.count,
            biasExamples: examples.filter { $0.source == .bias }.count, evaluation: evaluation, parameters: parameters,
            trainedAt: formatter.string(from: date), note: note, costWeightChoice: choice, expectedF1Evaluation: expectedF1Evaluation)
        return RouterModel(embeddingModel: embeddingModel, embeddingDimension: dimension, features: features,
                           classifier: classifier, costs: costs, balancedCostWeight: choice?.chosen, expectedF1: expectedF1,
                           provenance: provenance)
    }
}
