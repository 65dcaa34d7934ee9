import Testing
@testable import Routing

@Suite struct RoutingDecisionTests {
    @Test func preferenceShiftsTheDecisionByCost() {
        let p = [0.2, 0.45, 0.35]
        let costs: [Double?] = [1, 8, 16]
        func choose(_ preference: RoutePreference, balanced: Double = 0, costs: [Double?] = costs) -> RouteLabel {
            QuestionRouter.choose(p, costs: costs, weight: balanced + preference.costWeightOffset(.labelProbabilities))
        }
        #expect(choose(.balanced) == .B)
        #expect(choose(.fast) == .A)
        #expect(choose(.accurate) == .C)
        // Without measured costs every preference is the classifier's own choice.
        #expect(choose(.fast, costs: [nil, nil, nil]) == .B)
        // A router whose balanced weight favours slow routes moves all three preferences with it.
        #expect(choose(.balanced, balanced: -0.5) == .C)
        #expect(choose(.fast, balanced: -0.5) == .B)
    }

    /// Four questions each run by every route: A right on q0, B on q1, C on q1 to q3.
    static let outcomes: [StrategyOutcome] = (0..<4).flatMap { i -> [StrategyOutcome] in
        [StrategyOutcome(key: "q\(i)", question: "", route: .A, correct: i == 0, seconds: 1),
         StrategyOutcome(key: "q\(i)", question: "", route: .B, correct: i == 1, seconds: 2),
         StrategyOutcome(key: "q\(i)", question: "", route: .C, correct: i >= 1, seconds: 6)]
    }

    @Test func sweepKeepsTheCheapestWeightNearTheBestFixedRoute() throws {
        // The classifier is sure of A on q0 and of C on q2, q3; it leans B on q1 (60/40 over C).
        let probabilities: [String: [Double]] = ["q0": [0.9, 0.05, 0.05], "q1": [0.0, 0.6, 0.4],
                                                 "q2": [0.05, 0.05, 0.9], "q3": [0.05, 0.05, 0.9]]
        let costs: [RouteLabel: Double] = [.A: 1, .B: 2, .C: 6]
        let choice = try #require(CostWeightSweep.choose(scores: probabilities, outcomes: Self.outcomes, costs: costs))
        #expect(choice.questions == 4)
        #expect(choice.fixed["C"] == FixedRouteScore(f1: 0.75, seconds: 6))
        // Right on all four, so within the tolerance of C; the cheapest such weight keeps B for q1 and A for q0.
        let chosen = try #require(choice.chosenPoint)
        #expect(chosen.f1 == 1)
        #expect(chosen.routes == ["A": 1, "B": 1, "C": 2])
        #expect(chosen.seconds == 15.0 / 4)
        // A large weight sends to A all but q1 (A has no chance there), a very negative one everything to C.
        #expect(choice.points.last?.routes == ["A": 3, "B": 1])
        #expect(choice.points.first?.routes == ["C": 4])
    }

    @Test func sweepFallsBackToTheBestF1AndNeedsEveryRoute() throws {
        // Wrong everywhere but on q0, where it is sure of C: nothing comes near C alone; the best F1 wins.
        let probabilities: [String: [Double]] = ["q0": [0.1, 0.1, 0.8], "q1": [0.999, 0.0005, 0.0005],
                                                 "q2": [0.999, 0.0005, 0.0005], "q3": [0.999, 0.0005, 0.0005]]
        let costs: [RouteLabel: Double] = [.A: 1, .B: 2, .C: 6]
        let choice = try #require(CostWeightSweep.choose(scores: probabilities, outcomes: Self.outcomes, costs: costs))
        let best = choice.points.map(\.f1).max()!
        #expect(choice.chosenPoint?.f1 == best)
        #expect(best < choice.fixed["C"]!.f1 - choice.tolerance)
        // Without a cost for every route, or without a question every route ran, there is nothing to choose.
        #expect(CostWeightSweep.choose(scores: probabilities, outcomes: Self.outcomes, costs: [.A: 1, .B: 2]) == nil)
        #expect(CostWeightSweep.choose(scores: probabilities, outcomes: Self.outcomes.filter { $0.route != .C }, costs: costs) == nil)
    }

    @Test func lexicalFeaturesReadTheWording() {
        let names = LexicalFeatures.names
        func value(_ q: String, _ name: String) -> Float { LexicalFeatures.values(for: q)[names.firstIndex(of: name)!] }
        #expect(LexicalFeatures.values(for: "x").count == names.count)
        #expect(value("In 1990, who directed Heat?", "wh_who") == 1 && value("In 1990, who directed Heat?", "digits") == 1)
        #expect(value("Are both Heat and Alien American films?", "yes_no") == 1)
        #expect(value("Are both Heat and Alien American films?", "comparison_cues") == 1)
        #expect(value("Who is the mother of the director of the film Heat?", "of_the") == 2)
        #expect(value("Where was Michael Mann's wife born?", "possessive") == 1)
        #expect(value("Which came first, \"Heat\" or \"Alien\"?", "quoted") == 2)
    }
}
