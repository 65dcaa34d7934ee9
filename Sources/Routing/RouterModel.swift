import Foundation

/// Where a router came from: what it was trained on, how it measured, when.
public struct RouterProvenance: Sendable, Codable, Equatable {
    /// The `rag eval --out` files the silver labels and costs came from.
    public var resultFiles: [String]
    /// The question files the bias labels came from.
    public var questionFiles: [String]
    /// Training examples per label, and how many had silver and bias labels.
    public var labelCounts: [String: Int]
    public var silverExamples: Int
    public var biasExamples: Int
    public var evaluation: RouterEvaluation
    public var parameters: TrainingParameters
    /// ISO 8601, UTC.
    public var trainedAt: String
    /// Free text, e.g. the command that trained it.
    public var note: String?
    /// How the `balanced` cost weight was chosen (nil in routers trained before it was measured, or
    /// without a result line of every route).
    public var costWeightChoice: CostWeightChoice?
    /// How the held-out expected F1 per route measured (nil without an ``ExpectedF1Model``).
    public var expectedF1Evaluation: ExpectedF1Evaluation?

    enum CodingKeys: String, CodingKey {
        case resultFiles = "result_files", questionFiles = "question_files", labelCounts = "label_counts"
        case silverExamples = "silver_examples", biasExamples = "bias_examples", evaluation, parameters
        case trainedAt = "trained_at", note, costWeightChoice = "cost_weight_choice"
        case expectedF1Evaluation = "expected_f1_evaluation"
    }

    public init(resultFiles: [String], questionFiles: [String], labelCounts: [String: Int], silverExamples: Int,
                biasExamples: Int, evaluation: RouterEvaluation, parameters: TrainingParameters, trainedAt: String,
                note: String? = nil, costWeightChoice: CostWeightChoice? = nil, expectedF1Evaluation: ExpectedF1Evaluation? = nil) {
        self.resultFiles = resultFiles
        self.questionFiles = questionFiles
        self.labelCounts = labelCounts
        self.silverExamples = silverExamples
        self.biasExamples = biasExamples
        self.evaluation = evaluation
        self.parameters = parameters
        self.trainedAt = trainedAt
        self.note = note
        self.costWeightChoice = costWeightChoice
        self.expectedF1Evaluation = expectedF1Evaluation
    }
}

/// A trained question router: the router file (`router.json` beside an index, or the shipped one).
///
/// For example:
/// ```swift
/// let router = try RouterModel.load(from: url)
/// try router.checkEmbedding(model: "all-MiniLM-L6-v2", dimension: 384, path: url.path)
/// ```
public struct RouterModel: Sendable, Codable, Equatable {
    public static let formatName = "rag-router"
    /// Version 2 adds ``expectedF1`` (and a `balanced_cost_weight` in its units); a router without it is
    /// written as version 1, which older rag reads as before. A rag from before version 2 refuses a
    /// version 2 file with a clear error rather than misreading its weight.
    public static let currentVersion = 2
    /// The feature name of the question embedding (the first `embeddingDimension` inputs).
    public static let embeddingFeature = "embedding"

    public var format: String
    public var formatVersion: Int
    /// The embedding model the question vectors come from, and their width.
    public var embeddingModel: String
    public var embeddingDimension: Int
    /// Feature groups in input order: `embedding`, then any of ``LexicalFeatures/names``.
    public var features: [String]
    /// Output rows: `A`, `B`, `C`.
    public var labels: [RouteLabel]
    public var classifier: SoftmaxRegression
    /// Measured seconds per question of each route (from the training results; may be empty).
    public var costs: [String: Double]
    /// The cost weight of `balanced` (``QuestionRouter/choose(_:costs:weight:)``), chosen by
    /// ``CostWeightSweep``; nil (routers from before it) is 0, the classifier's own choice.
    public var balancedCostWeight: Double?
    /// Each route's expected F1 (routers trained on lines of every route); when present, routes are
    /// chosen by it (``RoutingRule/expectedF1``), and `classifier` gives the probabilities shown.
    public var expectedF1: ExpectedF1Model?
    public var provenance: RouterProvenance

    enum CodingKeys: String, CodingKey {
        case format, formatVersion = "format_version", embeddingModel = "embedding_model"
        case embeddingDimension = "embedding_dimension", features, labels, classifier, costs
        case balancedCostWeight = "balanced_cost_weight", expectedF1 = "expected_f1", provenance
    }

    public init(embeddingModel: String, embeddingDimension: Int, features: [String], classifier: SoftmaxRegression,
                costs: [RouteLabel: Double], balancedCostWeight: Double? = nil, expectedF1: ExpectedF1Model? = nil,
                provenance: RouterProvenance) {
        format = Self.formatName
        formatVersion = expectedF1 == nil ? 1 : Self.currentVersion
        self.embeddingModel = embeddingModel
        self.embeddingDimension = embeddingDimension
        self.features = features
        labels = RouteLabel.allCases
        self.classifier = classifier
        self.costs = Dictionary(uniqueKeysWithValues: costs.map { ($0.key.rawValue, $0.value) })
        self.balancedCostWeight = balancedCostWeight
        self.expectedF1 = expectedF1
        self.provenance = provenance
    }

    /// The input width the features make: the embedding plus one per lexical feature.
    public var inputWidth: Int { features.reduce(0) { $0 + ($1 == Self.embeddingFeature ? embeddingDimension : 1) } }

    /// The measured cost of `label`, if the training results had it.
    public func cost(_ label: RouteLabel) -> Double? { costs[label.rawValue] }

    /// How this router chooses a route: by expected F1 when it has an ``ExpectedF1Model``, else by
    /// the label probabilities.
    public var rule: RoutingRule { expectedF1 == nil ? .labelProbabilities : .expectedF1 }

    /// The cost weight a preference routes with: the `balanced` weight moved by the preference's
    /// offset (never below 0 for expected F1, where a negative weight would pay for slowness).
    public func costWeight(_ preference: RoutePreference) -> Double {
        let weight = (balancedCostWeight ?? 0) + preference.costWeightOffset(rule)
        return rule == .expectedF1 ? max(0, weight) : weight
    }

    /// Reads and checks a router file.
    /// - Throws: `RoutingError.corruptFile`, `.unsupportedVersion` or `.unknownFeature`, naming `url`.
    public static func load(from url: URL) throws -> RouterModel {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw RoutingError.corruptFile(path: url.path, reason: "cannot be read")
        }
        return try decode(data, path: url.path)
    }

    /// Decodes and checks router JSON; `path` names it in errors.
    public static func decode(_ data: Data, path: String) throws -> RouterModel {
        struct Header: Decodable {
            var format: String?
            var formatVersion: Int?
            enum CodingKeys: String, CodingKey { case format, formatVersion = "format_version" }
        }
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw RoutingError.corruptFile(path: path, reason: "not a JSON object")
        }
        guard header.format == formatName else {
            throw RoutingError.corruptFile(path: path, reason: "no \"format\": \"\(formatName)\"")
        }
        guard let version = header.formatVersion, (1...currentVersion).contains(version) else {
            throw RoutingError.unsupportedVersion(path: path, found: header.formatVersion ?? 0, supported: currentVersion)
        }
        let model: RouterModel
        do { model = try JSONDecoder().decode(RouterModel.self, from: data) } catch let DecodingError.keyNotFound(key, _) {
            throw RoutingError.corruptFile(path: path, reason: "no \"\(key.stringValue)\"")
        } catch {
            throw RoutingError.corruptFile(path: path, reason: "a field has the wrong type")
        }
        try model.check(path: path)
        return model
    }

    /// Checks that the parts fit together.
    public func check(path: String) throws {
        if let unknown = features.first(where: { $0 != Self.embeddingFeature && !LexicalFeatures.names.contains($0) }) {
            throw RoutingError.unknownFeature(path: path, name: unknown)
        }
        if labels != RouteLabel.allCases { throw RoutingError.corruptFile(path: path, reason: "labels are not A, B, C") }
        if let problem = classifier.inconsistency { throw RoutingError.corruptFile(path: path, reason: problem) }
        if classifier.classes != labels.count || classifier.inputs != inputWidth {
            throw RoutingError.corruptFile(path: path, reason:
                "the classifier takes \(classifier.inputs) inputs into \(classifier.classes) classes, the features make \(inputWidth) into \(labels.count)")
        }
        if let problem = expectedF1?.inconsistency(inputs: inputWidth) { throw RoutingError.corruptFile(path: path, reason: problem) }
    }

    /// Checks that the router reads embeddings of this model and width.
    /// - Throws: `RoutingError.embeddingMismatch`.
    public func checkEmbedding(model: String, dimension: Int, path: String) throws {
        guard features.contains(Self.embeddingFeature) else { return }
        if model != embeddingModel || dimension != embeddingDimension {
            throw RoutingError.embeddingMismatch(path: path, router: "\(embeddingModel) (\(embeddingDimension) dimensions)",
                                                 engine: "\(model) (\(dimension) dimensions)")
        }
    }

    /// The router as JSON (keys sorted, so a retrained file diffs cleanly).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var file = self
        file.formatVersion = expectedF1 == nil ? 1 : Self.currentVersion
        return try encoder.encode(file)
    }

    /// Writes the router to `url` atomically.
    public func write(to url: URL) throws {
        try encoded().write(to: url, options: .atomic)
    }
}
