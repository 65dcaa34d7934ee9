import Foundation
import Testing
@testable import Routing

/// The router file: round trip, and a clear error for each way it can be wrong.
@Suite struct RouterFileTests {
    /// A small router over 4-wide "embeddings" plus the lexical features, trained on clusters.
    static func router() throws -> RouterModel {
        let (rows, labels) = clusters(perClass: 10, dimension: 4)
        let examples = labels.enumerated().map { i, l in
            RouteExample(key: "q\(i)", question: ["What is it?", "Which is older, X or Y?", "Who wrote the book of the film?"][l],
                         label: RouteLabel(index: l)!, source: .silver)
        }
        // Every route run on every question; a route is right on the questions of its label and above.
        let outcomes = examples.flatMap { e in
            RouteLabel.allCases.map { r in
                StrategyOutcome(key: e.key, question: e.question, route: r, correct: r >= e.label, seconds: [1, 5, 11][r.index])
            }
        }
        return try RouterTrainer.train(examples, embeddings: rows, embeddingModel: "test-embedder",
                                       costs: [.A: 1, .B: 5, .C: 11], outcomes: outcomes, resultFiles: ["results.jsonl"],
                                       date: Date(timeIntervalSince1970: 0), note: "test")
    }

    static func json(_ router: RouterModel) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: try router.encoded()) as! [String: Any]
    }

    static func data(_ object: [String: Any]) throws -> Data { try JSONSerialization.data(withJSONObject: object) }

    @Test func roundTrips() throws {
        let router = try Self.router()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("router-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try router.write(to: url)
        let loaded = try RouterModel.load(from: url)
        #expect(loaded == router)
        #expect(loaded.provenance.trainedAt == "1970-01-01T00:00:00Z" && loaded.provenance.resultFiles == ["results.jsonl"])
        #expect(loaded.embeddingDimension == 4 && loaded.classifier.inputs == 4 + LexicalFeatures.names.count)
        #expect(loaded.cost(.C) == 11)
        let embedding: [Float] = [2, 0, 0, 2]
        #expect(QuestionRouter(model: loaded).route("What is it?", embedding: embedding)
                == QuestionRouter(model: router).route("What is it?", embedding: embedding))
    }

    @Test func balancedWeightIsChosenAndOlderFilesRouteAsBefore() throws {
        let router = try Self.router()
        let choice = try #require(router.provenance.costWeightChoice)
        #expect(router.balancedCostWeight == choice.chosen)
        #expect(choice.questions == 30 && choice.fixed["C"]?.f1 == 1)
        // Separable clusters: the chosen weight is right everywhere yet cheaper than always C.
        let point = try #require(choice.chosenPoint)
        #expect(point.f1 >= 0.99 && point.seconds < 11)
        // Trained on every route's outcomes, it routes by expected F1.
        #expect(router.rule == .expectedF1 && choice.rule == .expectedF1)
        // A file from before the sweep has no weight nor expected F1: balanced is the classifier's own choice.
        var object = try Self.json(router)
        object["balanced_cost_weight"] = nil
        object["expected_f1"] = nil
        var provenance = object["provenance"] as! [String: Any]
        provenance["cost_weight_choice"] = nil
        object["provenance"] = provenance
        let old = try RouterModel.decode(try Self.data(object), path: "r.json")
        #expect(old.balancedCostWeight == nil && old.costWeight(.balanced) == 0 && old.costWeight(.fast) == 0.5)
        #expect(old.rule == .labelProbabilities && QuestionRouter(model: old).route("What is it?", embedding: [2, 0, 0, 2]).expectedF1 == nil)
    }

    @Test func garbageIsACorruptFile() throws {
        #expect(throws: RoutingError.corruptFile(path: "r.json", reason: "not a JSON object")) {
            try RouterModel.decode(Data("{not json".utf8), path: "r.json")
        }
        #expect(throws: RoutingError.corruptFile(path: "r.json", reason: "no \"format\": \"rag-router\"")) {
            try RouterModel.decode(Data(#"{"weights": [1, 2]}"#.utf8), path: "r.json")
        }
        let missing = URL(fileURLWithPath: "/nonexistent/router.json")
        #expect(throws: RoutingError.corruptFile(path: missing.path, reason: "cannot be read")) { try RouterModel.load(from: missing) }
    }

    @Test func anotherVersionIsNamed() throws {
        var object = try Self.json(try Self.router())
        // Expected F1 makes it version 2; without, version 1, as older rag reads it.
        #expect(object["format_version"] as? Int == 2)
        var labelsOnly = try Self.router()
        labelsOnly.expectedF1 = nil
        #expect(try Self.json(labelsOnly)["format_version"] as? Int == 1)
        object["format_version"] = 3
        #expect(throws: RoutingError.unsupportedVersion(path: "r.json", found: 3, supported: 2)) {
            try RouterModel.decode(try Self.data(object), path: "r.json")
        }
    }

    @Test func truncatedWeightsAreCaught() throws {
        var object = try Self.json(try Self.router())
        var classifier = object["classifier"] as! [String: Any]
        classifier["weights"] = Array((classifier["weights"] as! [Any]).dropLast())
        object["classifier"] = classifier
        do {
            _ = try RouterModel.decode(try Self.data(object), path: "r.json")
            Issue.record("a truncated router file was accepted")
        } catch let error as RoutingError {
            guard case .corruptFile(_, let reason) = error else { Issue.record("\(error)"); return }
            #expect(reason.contains("weights"))
            #expect(error.description.hasPrefix("r.json is not a usable router file"))
        }
        object = try Self.json(try Self.router())
        object.removeValue(forKey: "classifier")
        #expect(throws: RoutingError.corruptFile(path: "r.json", reason: "no \"classifier\"")) {
            try RouterModel.decode(try Self.data(object), path: "r.json")
        }
    }

    @Test func unknownFeaturesAndOtherEmbeddingsAreRefused() throws {
        var object = try Self.json(try Self.router())
        object["features"] = ["embedding", "tf_idf"]
        #expect(throws: RoutingError.unknownFeature(path: "r.json", name: "tf_idf")) {
            try RouterModel.decode(try Self.data(object), path: "r.json")
        }
        let router = try Self.router()
        try router.checkEmbedding(model: "test-embedder", dimension: 4, path: "r.json")
        #expect(throws: RoutingError.embeddingMismatch(path: "r.json", router: "test-embedder (4 dimensions)",
                                                       engine: "all-MiniLM-L6-v2 (384 dimensions)")) {
            try router.checkEmbedding(model: "all-MiniLM-L6-v2", dimension: 384, path: "r.json")
        }
    }

    @Test func tooFewOrOneClassIsAClearError() {
        let one = (0..<12).map { RouteExample(key: "\($0)", question: "q", label: .B, source: .bias) }
        #expect(throws: RoutingError.self) {
            try RouterTrainer.train(one, embeddings: one.map { _ in [0, 1] }, embeddingModel: "e")
        }
        #expect(throws: RoutingError.self) {
            try RouterTrainer.train(Array(one.prefix(3)), embeddings: [[0], [1], [2]], embeddingModel: "e")
        }
    }
}
