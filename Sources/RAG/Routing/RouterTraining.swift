import Foundation
import Embeddings
import Routing

/// Trains a router from `rag eval --out` lines and question files (the labels of
/// ``RouteLabeling``: silver from the lines, dataset bias for questions without one).
///
/// For example:
/// ```swift
/// let data = try RouterTrainingData(resultFiles: [url], questionFiles: [], questionsPerFile: 100)
/// let router = try data.train(embedder: try RouterTrainingData.embedder(for: configuration))
/// try router.write(to: engine.indexRouterURL)
/// ```
public struct RouterTrainingData: Sendable {
    public var outcomes: [StrategyOutcome]
    public var kinded: [KindedQuestion]
    public var resultFiles: [String]
    public var questionFiles: [String]

    /// The route a strategy's results stand for: none A, single (any variant) B, notes (any variant) and ircot C.
    public static func route(ofStrategy name: String) -> RouteLabel? {
        if name == "none" { return .A }
        if name == "single" || name.hasPrefix("single[") { return .B }
        if name.hasPrefix("notes") || name == "ircot" { return .C }
        return nil
    }

    /// Reads the lines and the questions.
    /// - Parameters:
    ///   - skip, questionsPerFile: which questions of each question file give bias labels (as `rag eval --skip/--limit`; 0 = all).
    /// - Throws: `RAGError.routerInput` for an unreadable file or line.
    public init(resultFiles: [String], questionFiles: [String], skip: Int = 0, questionsPerFile: Int = 0) throws {
        self.resultFiles = resultFiles
        self.questionFiles = questionFiles
        outcomes = []
        var variants: [StrategyOutcome] = []    // ircot and settings variants: after the strategies auto runs
        var kindOfDataset: [String: QuestionKind] = [:]
        for file in resultFiles {
            guard let text = try? String(contentsOf: URL(fileURLWithPath: file), encoding: .utf8) else {
                throw RAGError.routerInput("cannot read \(file): pass `rag eval --out` files")
            }
            for (n, line) in text.split(separator: "\n").enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                guard let r = try? JSONDecoder().decode(EvaluationRecord.self, from: Data(line.utf8)) else {
                    // A run killed mid-line leaves a partial last line: skip it, like `rag eval` does.
                    if n == text.split(separator: "\n").count - 1 { continue }
                    throw RAGError.routerInput("\(file):\(n + 1) is not a `rag eval --out` line")
                }
                guard let route = Self.route(ofStrategy: r.strategy) else { continue }
                let outcome = StrategyOutcome(key: "\(r.dataset)\u{1F}\(r.id)", question: r.question, route: route,
                                              correct: r.acc >= 1, f1: r.f1, seconds: r.seconds)
                if ["none", "single", "notes"].contains(r.strategy) { outcomes.append(outcome) } else { variants.append(outcome) }
                if let kind = QuestionKind(dataset: r.dataset) { kindOfDataset[r.dataset] = kind }
            }
        }
        // A route's first outcome on a question stands for it (its F1, its seconds in the sweep).
        outcomes += variants
        kinded = []
        for file in questionFiles {
            // Named as `rag eval` names a file's questions without a dataset, so their keys meet the lines'.
            for q in try LabelledQuestion.load(URL(fileURLWithPath: file), skip: skip, limit: questionsPerFile) {
                let dataset = q.dataset!
                guard let kind = q.type.flatMap(QuestionKind.init(type:)) ?? QuestionKind(dataset: dataset) else { continue }
                kinded.append(KindedQuestion(key: "\(dataset)\u{1F}\(q.id)", question: q.question, kind: kind))
                kindOfDataset[dataset] = kind
            }
        }
        // Questions in the lines that no strategy answered take their dataset's kind too.
        let listed = Set(kinded.map(\.key))
        var added = Set<String>()
        for o in outcomes where !listed.contains(o.key) && !added.contains(o.key) {
            let dataset = String(o.key.split(separator: "\u{1F}").first ?? "")
            if let kind = kindOfDataset[dataset] {
                kinded.append(KindedQuestion(key: o.key, question: o.question, kind: kind))
                added.insert(o.key)
            }
        }
    }

    /// Silver labels, then bias labels where there is none.
    public var examples: [RouteExample] {
        RouteLabeling.merge(silver: RouteLabeling.silver(outcomes), bias: RouteLabeling.bias(kinded))
    }

    /// Embeds the questions and trains (cross-validated, then on all).
    /// - Parameter tolerance: the F1 (0...1) the `balanced` cost weight may give up against always
    ///   running the best route, on the questions every route was run on (``CostWeightSweep``).
    public func train(embedder: any Embedder, features: [String] = [RouterModel.embeddingFeature] + LexicalFeatures.names,
                      parameters: TrainingParameters = TrainingParameters(), folds: Int = 5, rule: RoutingRule = .expectedF1,
                      tolerance: Double = CostWeightSweep.defaultTolerance, note: String? = nil) throws -> RouterModel {
        let examples = self.examples
        let vectors = try embedder.embed(examples.map(\.question))
        return try RouterTrainer.train(examples, embeddings: vectors, embeddingModel: embedder.modelID, features: features,
                                       costs: RouteLabeling.costs(outcomes), outcomes: outcomes, rule: rule, tolerance: tolerance,
                                       parameters: parameters, folds: folds,
                                       resultFiles: resultFiles, questionFiles: questionFiles, note: note)
    }

    /// The embedding model a configuration finds (as an ``Engine`` would), without opening an index.
    public static func embedder(for configuration: EngineConfiguration) throws -> any Embedder {
        let locator = ModelLocator(indexDirectory: configuration.indexDirectory)
        return try MiniLMEmbedder(directory: try locator.embeddingModel(configuration.embeddingModelDirectory),
                                  precision: configuration.embeddingPrecision)
    }
}
