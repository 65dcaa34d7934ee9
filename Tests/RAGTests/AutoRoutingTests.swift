import Foundation
import LanguageModels
import Routing
import Strategies
import Testing
import TestSupport
@testable import RAG

/// A model that answers every prompt with the same words and records the prompts.
final class FixedAnswerModel: LanguageModel, @unchecked Sendable {
    let contextLength = 4096
    private let lock = NSLock()
    private var recorded: [String] = []
    var prompts: [String] { lock.withLock { recorded } }

    func tokenCount(_ text: String) -> Int { text.split(whereSeparator: \.isWhitespace).count }

    func complete(_ prompt: Prompt, parameters: GenerationParameters) async throws -> GenerationResult {
        let text: String
        switch prompt {
        case .chat(let messages): text = messages.map(\.content).joined(separator: "\n")
        default: text = "\(prompt)"
        }
        lock.withLock { recorded.append(text) }
        return GenerationResult(text: "the Orle", tokenIDs: [1, 2], promptTokenIDs: Array(repeating: 0, count: tokenCount(text)),
                                reusedPromptTokens: 0, stopReason: .endOfGeneration, promptSeconds: 0, generationSeconds: 0,
                                decodeSteps: 1, tokenLogProbabilities: parameters.recordLogProbabilities ? [-1, -1] : [])
    }
}

/// A router over the MiniLM embedding that always says `label` (zero weights, a large bias).
func constantRouter(_ label: RouteLabel, model: String = "all-MiniLM-L6-v2", dimension: Int = 384) -> RouterModel {
    var bias: [Float] = [-4, -4, -4]
    bias[label.index] = 4
    let classifier = SoftmaxRegression(classes: 3, inputs: dimension, mean: Array(repeating: 0, count: dimension),
                                       scale: Array(repeating: 1, count: dimension),
                                       weights: Array(repeating: 0, count: 3 * dimension), bias: bias, temperature: 1)
    let evaluation = RouterEvaluation(folds: 5, all: ConfusionMatrix(), silver: ConfusionMatrix(), logLoss: 0, temperature: 1)
    return RouterModel(embeddingModel: model, embeddingDimension: dimension, features: [RouterModel.embeddingFeature],
                       classifier: classifier, costs: [:],
                       provenance: RouterProvenance(resultFiles: [], questionFiles: [], labelCounts: [:], silverExamples: 0,
                                                    biasExamples: 0, evaluation: evaluation, parameters: TrainingParameters(),
                                                    trainedAt: "1970-01-01T00:00:00Z"))
}

/// A constant router whose expected F1 per route is `f1` (A, B, C) whatever the question, with costs.
func expectedF1Router(labels label: RouteLabel, f1: [Float], costs: [RouteLabel: Double], weight: Double) -> RouterModel {
    var router = constantRouter(label)
    let d = router.embeddingDimension
    router.expectedF1 = ExpectedF1Model(routes: f1.map { f in
        SoftmaxRegression(classes: 2, inputs: d, mean: Array(repeating: 0, count: d), scale: Array(repeating: 1, count: d),
                          weights: Array(repeating: 0, count: 2 * d), bias: [0, log(f / (1 - f))], temperature: 1)
    })
    router.costs = Dictionary(uniqueKeysWithValues: costs.map { ($0.key.rawValue, $0.value) })
    router.balancedCostWeight = weight
    return router
}

/// `--strategy auto` follows the router: the engine embeds the question, routes it and runs that strategy.
@Suite(.serialized) struct AutoRoutingTests {
    static func index() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rag-auto-\(UUID().uuidString)")
        let engine = try Engine(configuration: EngineConfiguration(indexDirectory: dir, embeddingModelDirectory: TestModels.miniLM))
        _ = try engine.ingest([TestEnvironment.fixture("passages.jsonl")])
        return dir
    }

    static func engine(_ index: URL, router: URL?, model: FixedAnswerModel) throws -> Engine {
        try Engine(configuration: EngineConfiguration(indexDirectory: index, embeddingModelDirectory: TestModels.miniLM,
                                                      routerFile: router),
                   createIfMissing: false, answeringModel: model)
    }

    @Test(.requires(TestModels.miniLMWeights)) func autoRunsTheStrategyTheRouterChooses() async throws {
        let index = try Self.index()
        defer { try? FileManager.default.removeItem(at: index) }
        let question = "Which river runs through the Ostrand Valley?"
        for (label, expected) in [(RouteLabel.C, StrategyKind.notes), (.A, .none), (.B, .single)] {
            let url = index.appendingPathComponent("router-\(label.rawValue).json")
            try constantRouter(label).write(to: url)
            let model = FixedAnswerModel()
            let answer = try await Self.engine(index, router: url, model: model).ask(question)
            #expect(answer.choice == .auto)
            #expect(answer.strategy == expected)
            let p = [answer.probabilities.A, answer.probabilities.B, answer.probabilities.C]
            #expect(p[label.index] > 0.99 && abs(p.reduce(0, +) - 1) < 1e-9)
            #expect(!model.prompts.isEmpty)
            // A sees no passages; B and C do.
            #expect(model.prompts[0].contains("River Orle") == (expected != .none))
        }
        // A fixed strategy ignores the router.
        let url = index.appendingPathComponent("router-C.json")
        let fixed = try await Self.engine(index, router: url, model: FixedAnswerModel()).ask(question, parameters: AskParameters(strategy: .single))
        #expect(fixed.strategy == .single && fixed.probabilities == .certain(.single))
    }

    @Test(.requires(TestModels.miniLMWeights)) func autoFollowsExpectedF1OverTheLabels() async throws {
        let index = try Self.index()
        defer { try? FileManager.default.removeItem(at: index) }
        // The labels say C; expected F1 0.1 / 0.4 / 0.45 at 1, 2, 6 s: balanced (w 0.1) takes B, accurate (w 0) C, fast (w 0.2) B.
        let url = index.appendingPathComponent("router-f1.json")
        try expectedF1Router(labels: .C, f1: [0.1, 0.4, 0.45], costs: [.A: 1, .B: 2, .C: 6], weight: 0.1).write(to: url)
        #expect(try RouterModel.load(from: url).rule == .expectedF1)
        let question = "Which river runs through the Ostrand Valley?"
        for (preference, expected) in [(RoutePreference.balanced, StrategyKind.single), (.accurate, .notes), (.fast, .single)] {
            let answer = try await Self.engine(index, router: url, model: FixedAnswerModel())
                .ask(question, parameters: AskParameters(preference: preference))
            #expect(answer.strategy == expected, "\(preference)")
            #expect(answer.probabilities.C > 0.99)
            let e = try #require(answer.expectedF1)
            #expect(abs(e.B - 0.4) < 1e-6 && abs(e.C - 0.45) < 1e-6)
            #expect(AnswerSummary(answer).expectedF1 == e)
        }
    }

    @Test(.requires(TestModels.miniLMWeights)) func theIndexsOwnRouterComesBeforeTheShippedOne() throws {
        let index = try Self.index()
        defer { try? FileManager.default.removeItem(at: index) }
        let model = FixedAnswerModel()
        let shipped = try Self.engine(index, router: nil, model: model).router()
        #expect(shipped.file == nil && shipped.source == "shipped default")
        let engine = try Self.engine(index, router: nil, model: model)
        try constantRouter(.A).write(to: engine.indexRouterURL)
        let own = try engine.router()
        #expect(own.file?.lastPathComponent == Engine.routerFileName)
        #expect(try engine.route("Who?").strategy == StrategyKind.none)
    }

    @Test(.requires(TestModels.miniLMWeights)) func aRouterForAnotherEmbeddingIsRefused() async throws {
        let index = try Self.index()
        defer { try? FileManager.default.removeItem(at: index) }
        let url = index.appendingPathComponent("router-8.json")
        try constantRouter(.B, model: "other-model", dimension: 8).write(to: url)
        await #expect(throws: RoutingError.embeddingMismatch(path: url.path, router: "other-model (8 dimensions)",
                                                             engine: "all-MiniLM-L6-v2 (384 dimensions)")) {
            _ = try await Self.engine(index, router: url, model: FixedAnswerModel()).ask("Who?")
        }
        let corrupt = index.appendingPathComponent("corrupt.json")
        try Data("{\"format\": \"rag-router\", \"format_version\": 1}".utf8).write(to: corrupt)
        await #expect(throws: RoutingError.self) {
            _ = try await Self.engine(index, router: corrupt, model: FixedAnswerModel()).ask("Who?")
        }
    }

    @Test func theShippedRouterIsSound() throws {
        let model = try DefaultRouter.model()
        #expect(model.embeddingModel == "all-MiniLM-L6-v2" && model.embeddingDimension == 384)
        #expect(model.provenance.silverExamples + model.provenance.biasExamples >= RouterTrainer.minimumExamples)
        // Trained on tune questions only: never on the held-out part (questions 100 and later of each dev file).
        #expect(model.provenance.resultFiles.allSatisfy { !$0.contains("s100") && !$0.contains("s200") })
    }
}

/// Training data from `rag eval --out` lines and question files.
@Suite struct RouterTrainingDataTests {
    @Test func labelsFromLinesAndQuestionFiles() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rag-router-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func line(_ id: String, _ dataset: String, _ strategy: String, _ acc: Double) throws -> String {
            let r = EvaluationRecord(id: id, dataset: dataset, strategy: strategy, question: "q\(id)", prediction: "p", gold: ["g"],
                                     em: acc, f1: acc, acc: acc, steps: 1, llmCalls: 1, promptTokens: 1, reusedPromptTokens: 0,
                                     generatedTokens: 1, seconds: strategy == "none" ? 1 : 4, recall: nil, passagesSeen: 0, citations: [])
            return String(decoding: try JSONEncoder().encode(r), as: UTF8.self)
        }
        // h1: single right → B; h2: nothing right → bias (multi-hop) C; n1: none right → A.
        let lines = [try line("h1", "hotpotqa", "none", 0), try line("h1", "hotpotqa", "single", 1),
                     try line("h2", "hotpotqa", "none", 0), try line("h2", "hotpotqa", "single", 0), try line("h2", "hotpotqa", "notes", 0),
                     try line("n1", "nq", "none", 1), try line("n1", "nq", "single", 1)]
        let results = dir.appendingPathComponent("results.jsonl")
        try (lines.joined(separator: "\n") + "\n{\"id\": \"cut of").write(to: results, atomically: true, encoding: .utf8)
        // The question file adds n2 (no lines: single-hop B) and repeats n1 (silver wins); n3 is past --limit.
        let questions = dir.appendingPathComponent("nq.dev.jsonl")
        try """
        {"id": "n1", "dataset": "nq", "question": "qn1", "type": "single-hop"}
        {"id": "n2", "dataset": "nq", "question": "qn2", "type": "single-hop"}
        {"id": "n3", "dataset": "nq", "question": "qn3", "type": "single-hop"}
        """.write(to: questions, atomically: true, encoding: .utf8)
        let data = try RouterTrainingData(resultFiles: [results.path], questionFiles: [questions.path], questionsPerFile: 2)
        let labels = Dictionary(uniqueKeysWithValues: data.examples.map { ($0.key.replacingOccurrences(of: "\u{1F}", with: "/"), $0.label) })
        #expect(labels == ["hotpotqa/h1": .B, "hotpotqa/h2": .C, "nq/n1": .A, "nq/n2": .B])
        #expect(data.examples.filter { $0.source == .silver }.count == 2)
        #expect(RouteLabeling.costs(data.outcomes)[.A] == 1)
        #expect(throws: RAGError.self) { try RouterTrainingData(resultFiles: [questions.path + ".missing"], questionFiles: []) }
    }
}
