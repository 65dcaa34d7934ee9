import Testing
@testable import Routing

/// Silver, bias and merged labels on a worked example, as Adaptive-RAG makes them.
@Suite struct LabelingTests {
    static func outcome(_ key: String, _ route: RouteLabel, _ correct: Bool, seconds: Double = 1) -> StrategyOutcome {
        StrategyOutcome(key: key, question: "question \(key)", route: route, correct: correct, seconds: seconds)
    }

    // q1: none right (and single right) → A.  q2: none wrong, single right → B.
    // q3: only notes right → C.  q4: nothing right → no silver label.  q5: not run at all.
    static let outcomes = [
        outcome("q1", .A, true, seconds: 1), outcome("q1", .B, true, seconds: 5), outcome("q1", .C, false, seconds: 10),
        outcome("q2", .C, true, seconds: 12), outcome("q2", .A, false, seconds: 1), outcome("q2", .B, true, seconds: 7),
        outcome("q3", .A, false, seconds: 2), outcome("q3", .B, false, seconds: 6), outcome("q3", .C, true, seconds: 14),
        outcome("q4", .A, false, seconds: 2), outcome("q4", .B, false, seconds: 6), outcome("q4", .C, false, seconds: 16),
    ]

    @Test func silverIsTheSimplestRouteThatWasRight() {
        let silver = RouteLabeling.silver(Self.outcomes)
        #expect(silver.map(\.key) == ["q1", "q2", "q3"])
        #expect(silver.map(\.label) == [.A, .B, .C])
        #expect(silver.allSatisfy { $0.source == .silver } && silver[0].question == "question q1")
    }

    @Test func biasLabelsFollowTheDatasetKind() {
        let bias = RouteLabeling.bias([KindedQuestion(key: "q4", question: "x", kind: .multiHop),
                                       KindedQuestion(key: "q5", question: "y", kind: .singleHop)])
        #expect(bias.map(\.label) == [.C, .B] && bias.allSatisfy { $0.source == .bias })
        #expect(QuestionKind(type: "multi-hop/comparison") == .multiHop && QuestionKind(type: "single-hop") == .singleHop)
        #expect(QuestionKind(dataset: "2wikimultihopqa") == .multiHop && QuestionKind(dataset: "nq") == .singleHop)
        #expect(QuestionKind(dataset: "mine") == nil)
    }

    @Test func mergeAddsBiasOnlyWhereThereIsNoSilverLabel() {
        let silver = RouteLabeling.silver(Self.outcomes)
        // q1 is single-hop by its dataset but silver says A: silver wins. q4 and q5 get their bias labels.
        let bias = RouteLabeling.bias([KindedQuestion(key: "q1", question: "question q1", kind: .singleHop),
                                       KindedQuestion(key: "q4", question: "question q4", kind: .multiHop),
                                       KindedQuestion(key: "q5", question: "question q5", kind: .singleHop)])
        let merged = RouteLabeling.merge(silver: silver, bias: bias)
        #expect(merged.map(\.key) == ["q1", "q2", "q3", "q4", "q5"])
        #expect(merged.map(\.label) == [.A, .B, .C, .C, .B])
        #expect(merged.map(\.source) == [.silver, .silver, .silver, .bias, .bias])
    }

    @Test func costsAreMeanSecondsPerRoute() {
        let costs = RouteLabeling.costs(Self.outcomes)
        #expect(costs[.A] == 1.5 && costs[.B] == 6 && costs[.C] == 13)
    }
}
