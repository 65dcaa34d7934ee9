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
    ///   - outcomes: the strategies' outcomes the labels came from; where every route was run on a
    ///     question, they choose the `balanced` cost weight (``CostWeightSweep``) with the held-out
    ///     probabilities of cross-validation.
    ///   - tolerance: the F1 (0...1) that weight may give up against the best fixed route.
    /// - Throws: `RoutingError.notEnoughExamples` for fewer than ``minimumExamples`` or one class only.
    public static func train(_ examples: [RouteExample], embeddings: [[Float]], embeddingModel: String,
                             features: [String] = [RouterModel.embeddingFeature] + LexicalFeatures.names,
                             costs: [RouteLabel: Double] = [:], outcomes: [StrategyOutcome] = [], tolerance: Double = CostWeightSweep.defaultTolerance,
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
        let choice = CostWeightSweep.choose(probabilities: probabilities, outcomes: outcomes, costs: costs, tolerance: tolerance)
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
            trainedAt: formatter.string(from: date), note: note, costWeightChoice: choice)
        return RouterModel(embeddingModel: embeddingModel, embeddingDimension: dimension, features: features,
                           classifier: classifier, costs: costs, balancedCostWeight: choice?.chosen, provenance: provenance)
    }
}
