import Foundation

/// What `auto` would have scored at one cost weight, on the questions every route was run on.
public struct CostWeightPoint: Sendable, Codable, Equatable {
    /// The weight of ``QuestionRouter/choose(_:costs:weight:)``: positive favours cheap routes.
    public var weight: Double
    /// Mean token F1 (0...1) and seconds per question of the routes chosen.
    public var f1: Double
    public var seconds: Double
    /// How many questions took each route (`A`, `B`, `C`).
    public var routes: [String: Int]

    public init(weight: Double, f1: Double, seconds: Double, routes: [String: Int]) {
        self.weight = weight
        self.f1 = f1
        self.seconds = seconds
        self.routes = routes
    }
}

/// What always taking one route scored, on the same questions.
public struct FixedRouteScore: Sendable, Codable, Equatable {
    public var f1: Double
    public var seconds: Double

    public init(f1: Double, seconds: Double) {
        self.f1 = f1
        self.seconds = seconds
    }
}

/// How the router's `balanced` cost weight was chosen: each weight's F1 and time from held-out
/// probabilities, against always taking one route.
public struct CostWeightChoice: Sendable, Codable, Equatable {
    /// Questions with an outcome for every route and a held-out probability.
    public var questions: Int
    /// F1 points (0...1) the choice may give up against the best fixed route.
    public var tolerance: Double
    /// Mean F1 and seconds of always taking each route.
    public var fixed: [String: FixedRouteScore]
    public var points: [CostWeightPoint]
    /// The chosen weight: the cheapest whose F1 is within `tolerance` of the best fixed route, else
    /// the one with the best F1.
    public var chosen: Double

    public init(questions: Int, tolerance: Double, fixed: [String: FixedRouteScore], points: [CostWeightPoint], chosen: Double) {
        self.questions = questions
        self.tolerance = tolerance
        self.fixed = fixed
        self.points = points
        self.chosen = chosen
    }

    /// The point of the chosen weight.
    public var chosenPoint: CostWeightPoint? { points.first { $0.weight == chosen } }
}

/// Chooses the cost weight of the `balanced` preference by measurement rather than by fiat: with
/// each training question's out-of-fold probabilities and what every route scored on it, replay
/// the routing decision over a grid of weights and keep the cheapest weight whose mean F1 stays
/// within `tolerance` of always running the best fixed route (the adaptive target of
/// arXiv 2403.14403: near multi-step quality at a fraction of its time).
///
/// For example:
/// ```swift
/// let choice = CostWeightSweep.choose(probabilities: heldOut, outcomes: outcomes, keys: keys, costs: costs)
/// print(choice?.chosen ?? 0)
/// ```
public enum CostWeightSweep {
    /// The F1 (0...1) `balanced` may give up against the best fixed route unless told otherwise: 1 point.
    public static let defaultTolerance = 0.01

    /// Weights from -2 to 2 in steps of 0.1.
    public static let grid: [Double] = (-20...20).map { Double($0) / 10 }

    /// - Parameters:
    ///   - probabilities: held-out probabilities of A, B, C per question key.
    ///   - outcomes: every strategy's outcome; a question counts when each route has one (the first
    ///     outcome of a route on a question is its score).
    ///   - costs: seconds per question of each route (as the router stores them).
    ///   - tolerance: F1 (0...1) the choice may give up against the best fixed route.
    /// - Returns: nil without a question that every route was run on, or without a cost per route.
    public static func choose(probabilities: [String: [Double]], outcomes: [StrategyOutcome], costs: [RouteLabel: Double],
                              tolerance: Double = defaultTolerance, grid: [Double] = grid) -> CostWeightChoice? {
        let labels = RouteLabel.allCases
        guard labels.allSatisfy({ (costs[$0] ?? 0) > 0 }) else { return nil }
        var byKey: [String: [RouteLabel: StrategyOutcome]] = [:]
        for o in outcomes where byKey[o.key]?[o.route] == nil { byKey[o.key, default: [:]][o.route] = o }
        let keys = byKey.keys.sorted().filter { key in
            probabilities[key] != nil && labels.allSatisfy { byKey[key]![$0] != nil }
        }
        guard !keys.isEmpty else { return nil }
        let n = Double(keys.count)
        var fixed: [String: FixedRouteScore] = [:]
        for label in labels {
            let rows = keys.map { byKey[$0]![label]! }
            fixed[label.rawValue] = FixedRouteScore(f1: rows.reduce(0) { $0 + $1.f1 } / n,
                                                    seconds: rows.reduce(0) { $0 + $1.seconds } / n)
        }
        let costList = labels.map { costs[$0] }
        let points = grid.map { weight -> CostWeightPoint in
            var f1 = 0.0, seconds = 0.0
            var routes: [String: Int] = [:]
            for key in keys {
                let label = QuestionRouter.choose(probabilities[key]!, costs: costList, weight: weight)
                let outcome = byKey[key]![label]!
                f1 += outcome.f1
                seconds += outcome.seconds
                routes[label.rawValue, default: 0] += 1
            }
            return CostWeightPoint(weight: weight, f1: f1 / n, seconds: seconds / n, routes: routes)
        }
        let bestFixed = fixed.values.map(\.f1).max()!
        let chosen: CostWeightPoint
        let nearBest = points.filter { $0.f1 >= bestFixed - tolerance - 1e-12 }
        if let fastest = nearBest.min(by: { ($0.seconds, abs($0.weight)) < ($1.seconds, abs($1.weight)) }) {
            chosen = fastest
        } else {
            chosen = points.max { ($0.f1, -$0.seconds) < ($1.f1, -$1.seconds) }!
        }
        return CostWeightChoice(questions: keys.count, tolerance: tolerance, fixed: fixed, points: points, chosen: chosen.weight)
    }
}
