import Foundation
import Testing
@testable import Routing

/// Routing by each route's expected F1: the soft-target fit, the decision, and training a router with it.
@Suite struct ExpectedF1Tests {
    @Test func softTargetsFitTheFractionScored() {
        // Two clusters scoring F1 0.8 and 0.1 on average: half the rows of each at 0.8 ± 0.2, 0.1 ± 0.1.
        let (rows, labels) = clusters(perClass: 30, dimension: 4)
        let keep = labels.indices.filter { labels[$0] < 2 }
        let targets = keep.map { i -> [Float] in
            let f: Float = labels[i] == 0 ? (i % 2 == 0 ? 1.0 : 0.6) : (i % 2 == 0 ? 0.2 : 0.0)
            return [1 - f, f]
        }
        let model = SoftmaxRegression.fit(keep.map { rows[$0] }, targets: targets, parameters: TrainingParameters(l2: 0.01, seed: 2))
        for (cluster, mean) in [(0, 0.8), (1, 0.1)] {
            let f = keep.filter { labels[$0] == cluster }.map { model.probabilities(rows[$0])[1] }
            #expect(abs(f.reduce(0, +) / Double(f.count) - mean) < 0.03, "cluster \(cluster): \(f)")
            #expect(f.allSatisfy { abs($0 - mean) < 0.15 }, "cluster \(cluster): \(f)")
        }
    }

    @Test func aRouteNeedsTenScoresToBeModelled() {
        let (rows, _) = clusters(perClass: 5, dimension: 4)
        let full = rows.indices.map { i -> [Double?] in [0, 0.5, i < 9 ? 1 : nil] }
        #expect(ExpectedF1Model.fit(rows: rows, f1: full, parameters: TrainingParameters()) == nil)
        let enough = rows.indices.map { _ -> [Double?] in [0, 0.5, 1] }
        let model = ExpectedF1Model.fit(rows: rows, f1: enough, parameters: TrainingParameters())
        #expect(model?.routes.count == 3 && model?.inconsistency(inputs: 4) == nil)
        #expect(model?.inconsistency(inputs: 5)?.contains("expected F1 of A") == true)
    }

    @Test func theBestExpectedF1LessCostWins() {
        let e = [0.1, 0.35, 0.4]
        let costs: [Double?] = [1, 8, 16]
        #expect(QuestionRouter.choose(expectedF1: e, costs: costs, weight: 0) == .C)
        #expect(QuestionRouter.choose(expectedF1: e, costs: costs, weight: 0.2) == .B)   // 0.25 against C's 0.2
        #expect(QuestionRouter.choose(expectedF1: e, costs: costs, weight: 1) == .A)
        #expect(QuestionRouter.choose(expectedF1: e, costs: [nil, 8, 16], weight: 1) == .C)   // costs unknown: F1 alone
        #expect(QuestionRouter.choose(expectedF1: [0.3, 0.3, 0.3], costs: costs, weight: 0) == .A)   // a tie: the cheaper
        #expect(QuestionRouter.choose(.expectedF1, scores: e, costs: costs, weight: 0.2) == .B)
    }

    /// Three kinds of question: no route answers the first (its dataset is multi-hop: bias label C),
    /// only C the second, B and C the third.
    static func examples() -> (examples: [RouteExample], rows: [[Float]], outcomes: [StrategyOutcome]) {
        let (rows, labels) = clusters(perClass: 12, dimension: 4)
        let questions = ["Who was the mother of the director of X?", "Which came first, X or Y?", "What is X?"]
        var examples: [RouteExample] = [], outcomes: [StrategyOutcome] = []
        for (i, kind) in labels.enumerated() {
            let key = "q\(i)"
            examples.append(RouteExample(key: key, question: questions[kind], label: kind == 2 ? .B : .C, source: kind == 0 ? .bias : .silver))
            for route in RouteLabel.allCases {
                let right = (kind == 1 && route == .C) || (kind == 2 && route != .A)
                outcomes.append(StrategyOutcome(key: key, question: questions[kind], route: route, correct: right,
                                                seconds: [0.5, 2.5, 6][route.index]))
            }
        }
        return (examples, rows, outcomes)
    }

    @Test func aQuestionNoRouteAnswersTakesTheCheapRoute() throws {
        let (examples, rows, outcomes) = Self.examples()
        let costs: [RouteLabel: Double] = [.A: 0.5, .B: 2.5, .C: 6]
        let router = try RouterTrainer.train(examples, embeddings: rows, embeddingModel: "e", costs: costs, outcomes: outcomes)
        #expect(router.rule == .expectedF1)
        let evaluation = try #require(router.provenance.expectedF1Evaluation)
        #expect(evaluation.questions == [36, 36, 36])
        // Held out, the expected F1 of B and C beats always guessing the mean.
        #expect(evaluation.meanSquaredError[1] < evaluation.baselineMeanSquaredError[1])
        #expect(evaluation.meanSquaredError[2] < evaluation.baselineMeanSquaredError[2])
        let choice = try #require(router.provenance.costWeightChoice)
        #expect(choice.rule == .expectedF1 && router.balancedCostWeight == choice.chosen)
        let q = QuestionRouter(model: router)
        func route(_ i: Int) -> RouteDecision { q.route(examples[i].question, embedding: rows[i]) }
        // Hopeless: A (the label classifier says C, its bias label); only C right: C; B enough: B.
        #expect(route(0).label == .A && route(0).probabilities[2] > 0.5)
        #expect(route(12).label == .C && route(24).label == .B)
        #expect(try #require(route(24).expectedF1)[1] > 0.6)
        // As good as always C on held-out folds, and cheaper.
        let point = try #require(choice.chosenPoint)
        #expect(point.f1 >= choice.fixed["C"]!.f1 && point.seconds < 6)
        // The label rule, asked for, has no expected F1 and sends the hopeless question where its label says.
        let labels = try RouterTrainer.train(examples, embeddings: rows, embeddingModel: "e", costs: costs, outcomes: outcomes,
                                             rule: .labelProbabilities)
        #expect(labels.expectedF1 == nil && labels.rule == .labelProbabilities && labels.provenance.expectedF1Evaluation == nil)
        #expect(QuestionRouter(model: labels).route(examples[0].question, embedding: rows[0]).expectedF1 == nil)
    }

    @Test func preferencesMoveTheWeightInF1AndNeverBelowZero() throws {
        let (examples, rows, outcomes) = Self.examples()
        var router = try RouterTrainer.train(examples, embeddings: rows, embeddingModel: "e",
                                             costs: [.A: 0.5, .B: 2.5, .C: 6], outcomes: outcomes)
        router.balancedCostWeight = 0.25
        #expect(abs(router.costWeight(.fast) - 0.35) < 1e-12 && abs(router.costWeight(.accurate) - 0.15) < 1e-12)
        router.balancedCostWeight = 0.05
        #expect(router.costWeight(.accurate) == 0)
    }

    @Test func aDamagedExpectedF1IsACorruptFile() throws {
        let (examples, rows, outcomes) = Self.examples()
        let router = try RouterTrainer.train(examples, embeddings: rows, embeddingModel: "e",
                                             costs: [.A: 0.5, .B: 2.5, .C: 6], outcomes: outcomes)
        var object = try JSONSerialization.jsonObject(with: try router.encoded()) as! [String: Any]
        var expected = object["expected_f1"] as! [String: Any]
        expected["routes"] = Array((expected["routes"] as! [Any]).prefix(2))
        object["expected_f1"] = expected
        #expect(throws: RoutingError.corruptFile(path: "r.json", reason: "expected F1 of 2 routes, not 3")) {
            try RouterModel.decode(try JSONSerialization.data(withJSONObject: object), path: "r.json")
        }
    }
}
