import Foundation

/// Per route, the F1 that route is expected to score on a question: one logistic regression per
/// route (A, B, C), fitted to the token F1 each strategy scored on the training questions.
///
/// The label classifier (``SoftmaxRegression`` over Adaptive-RAG's silver labels) learns *which route
/// is simplest* where one answered, and the dataset's kind where none did. Most questions of a 0.5B
/// model are answered by no route, and for those the dataset's kind says nothing about what running
/// a route is worth. Expected F1 per route does: a question every route is likely to miss gets a low
/// value everywhere, and the cheap route wins it, as the oracle row routes it.
///
/// For example:
/// ```swift
/// let model = ExpectedF1Model.fit(rows: rows, f1: f1PerRoute, parameters: TrainingParameters())
/// let e = model?.expectedF1(rows[0])    // [A, B, C], each 0...1
/// ```
public struct ExpectedF1Model: Sendable, Codable, Equatable {
    /// One two-class regression per route, A, B, C: the probability of its class 1 is the expected F1.
    public var routes: [SoftmaxRegression]

    public init(routes: [SoftmaxRegression]) { self.routes = routes }

    /// The fewest questions with a route's F1 that its regression is fitted on.
    public static let minimumExamples = 10

    /// Checks that there is one two-class regression per route over `inputs` inputs (nil when sound).
    public func inconsistency(inputs: Int) -> String? {
        if routes.count != RouteLabel.allCases.count { return "expected F1 of \(routes.count) routes, not 3" }
        for (label, r) in zip(RouteLabel.allCases, routes) {
            if let problem = r.inconsistency { return "expected F1 of \(label.rawValue): \(problem)" }
            if r.classes != 2 || r.inputs != inputs {
                return "expected F1 of \(label.rawValue) takes \(r.inputs) inputs into \(r.classes) classes, the features make \(inputs) into 2"
            }
        }
        return nil
    }

    /// The expected F1 (0...1) of A, B and C for one feature row.
    public func expectedF1(_ x: [Float]) -> [Double] { routes.map { $0.probabilities(x)[1] } }

    /// Fits one regression per route on the rows where that route's F1 is known.
    /// - Parameters:
    ///   - f1: per row, the F1 (0...1) of A, B, C, nil where the route was not run.
    ///   - penalty: the L2 penalty of each input.
    ///   - minimum: the fewest known F1s of a route (default ``minimumExamples``).
    /// - Returns: nil when a route has fewer than `minimum` known F1s.
    public static func fit(rows: [[Float]], f1: [[Double?]], parameters: TrainingParameters, penalty: [Float]? = nil,
                           minimum: Int = minimumExamples) -> ExpectedF1Model? {
        precondition(rows.count == f1.count, "one F1 row per feature row")
        var routes: [SoftmaxRegression] = []
        for route in RouteLabel.allCases.indices {
            let known = rows.indices.filter { f1[$0][route] != nil }
            guard known.count >= max(1, minimum) else { return nil }
            let targets = known.map { i -> [Float] in let f = Float(f1[i][route]!); return [1 - f, f] }
            routes.append(SoftmaxRegression.fit(known.map { rows[$0] }, targets: targets, parameters: parameters, penalty: penalty))
        }
        return ExpectedF1Model(routes: routes)
    }
}

/// How well held-out expected F1 matched the F1 each route scored (one entry per route, A, B, C).
public struct ExpectedF1Evaluation: Sendable, Codable, Equatable {
    public var folds: Int
    /// Questions with a held-out prediction and a known F1, per route.
    public var questions: [Int]
    /// Mean expected and mean scored F1 (0...1), per route: a calibrated model has them close.
    public var meanExpected: [Double]
    public var meanScored: [Double]
    /// Mean squared error of the expected F1, per route, and of always predicting the training mean
    /// (the baseline a useful model beats).
    public var meanSquaredError: [Double]
    public var baselineMeanSquaredError: [Double]

    enum CodingKeys: String, CodingKey {
        case folds, questions, meanExpected = "mean_expected", meanScored = "mean_scored"
        case meanSquaredError = "mean_squared_error", baselineMeanSquaredError = "baseline_mean_squared_error"
    }

    public init(folds: Int, questions: [Int], meanExpected: [Double], meanScored: [Double], meanSquaredError: [Double],
                baselineMeanSquaredError: [Double]) {
        self.folds = folds
        self.questions = questions
        self.meanExpected = meanExpected
        self.meanScored = meanScored
        self.meanSquaredError = meanSquaredError
        self.baselineMeanSquaredError = baselineMeanSquaredError
    }
}

extension CrossValidation {
    /// k-fold cross-validation of an ``ExpectedF1Model`` with the folds of ``fold(of:folds:seed:)``:
    /// each row's held-out expected F1 (nil where its fold could not be fitted), and how it measured.
    /// - Parameters:
    ///   - keys: the question key of each row (its fold).
    ///   - f1: per row, the F1 of A, B, C, nil where the route was not run.
    public static func heldOutExpectedF1(keys: [String], rows: [[Float]], f1: [[Double?]], folds: Int,
                                         parameters: TrainingParameters, penalty: [Float]? = nil)
        -> (evaluation: ExpectedF1Evaluation, expected: [[Double]?]) {
        let routes = RouteLabel.allCases.count
        let assignment = keys.map { fold(of: $0, folds: folds, seed: parameters.seed) }
        // A fold trains on (k - 1) / k of the questions: the full model's minimum, scaled so.
        let minimum = ExpectedF1Model.minimumExamples * (folds - 1) / folds
        var expected = [[Double]?](repeating: nil, count: rows.count)
        var baseline = [[Double]?](repeating: nil, count: rows.count)
        for f in 0..<folds {
            let train = rows.indices.filter { assignment[$0] != f }
            let test = rows.indices.filter { assignment[$0] == f }
            guard !test.isEmpty,
                  let model = ExpectedF1Model.fit(rows: train.map { rows[$0] }, f1: train.map { f1[$0] }, parameters: parameters,
                                                  penalty: penalty, minimum: minimum) else { continue }
            let means = (0..<routes).map { r -> Double in
                let known = train.compactMap { f1[$0][r] }
                return known.reduce(0, +) / Double(max(1, known.count))
            }
            for i in test {
                expected[i] = model.expectedF1(rows[i])
                baseline[i] = means
            }
        }
        var count = [Int](repeating: 0, count: routes)
        var sumExpected = [Double](repeating: 0, count: routes), sumScored = sumExpected, error = sumExpected, baseError = sumExpected
        for i in rows.indices {
            guard let e = expected[i], let b = baseline[i] else { continue }
            for r in 0..<routes {
                guard let truth = f1[i][r] else { continue }
                count[r] += 1
                sumExpected[r] += e[r]
                sumScored[r] += truth
                error[r] += (e[r] - truth) * (e[r] - truth)
                baseError[r] += (b[r] - truth) * (b[r] - truth)
            }
        }
        func mean(_ v: [Double]) -> [Double] { zip(v, count).map { $1 > 0 ? $0 / Double($1) : 0 } }
        let evaluation = ExpectedF1Evaluation(folds: folds, questions: count, meanExpected: mean(sumExpected),
                                              meanScored: mean(sumScored), meanSquaredError: mean(error),
                                              baselineMeanSquaredError: mean(baseError))
        return (evaluation, expected)
    }
}
