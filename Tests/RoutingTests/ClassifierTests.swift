import Foundation
import Testing
@testable import Routing

/// Three well-separated Gaussian clusters in `dimension` dimensions, `perClass` points each.
func clusters(perClass: Int = 40, dimension: Int = 8, spread: Double = 0.3, seed: UInt64 = 1) -> (rows: [[Float]], labels: [Int]) {
    var random = SplitMix64(seed: seed)
    var rows: [[Float]] = [], labels: [Int] = []
    for c in 0..<3 {
        for _ in 0..<perClass {
            rows.append((0..<dimension).map { i in Float((i % 3 == c ? 2.0 : 0.0) + spread * random.nextGaussian()) })
            labels.append(c)
        }
    }
    return (rows, labels)
}

@Suite struct SoftmaxRegressionTests {
    @Test func learnsSeparableClasses() {
        let (rows, labels) = clusters()
        let model = SoftmaxRegression.fit(rows, labels: labels, classes: 3, parameters: TrainingParameters(seed: 3))
        let predicted = rows.map { r in let p = model.probabilities(r); return p.indices.max { p[$0] < p[$1] }! }
        #expect(predicted == labels)
        for r in rows { #expect(abs(model.probabilities(r).reduce(0, +) - 1) < 1e-9) }
    }

    @Test func isDeterministicForASeed() {
        let (rows, labels) = clusters(spread: 1.0)
        let a = SoftmaxRegression.fit(rows, labels: labels, classes: 3, parameters: TrainingParameters(seed: 5))
        let b = SoftmaxRegression.fit(rows, labels: labels, classes: 3, parameters: TrainingParameters(seed: 5))
        let c = SoftmaxRegression.fit(rows, labels: labels, classes: 3, parameters: TrainingParameters(seed: 6))
        #expect(a == b)
        #expect(a.weights != c.weights)   // the seed sets the initial weights
    }

    @Test func classWeightsKeepARareClass() {
        // 60 / 60 / 6 points, overlapping: without balancing the rare class is rarely predicted.
        var (rows, labels) = clusters(perClass: 60, spread: 1.2, seed: 11)
        let keep = labels.indices.filter { labels[$0] != 2 || $0 % 10 == 0 }
        rows = keep.map { rows[$0] }
        labels = keep.map { labels[$0] }
        func rareRecall(_ balance: Bool) -> Int {
            let m = SoftmaxRegression.fit(rows, labels: labels, classes: 3, parameters: TrainingParameters(balanceClasses: balance))
            return zip(rows, labels).filter { r, l in l == 2 && { let p = m.probabilities(r); return p.indices.max { p[$0] < p[$1] }! }() == 2 }.count
        }
        #expect(rareRecall(true) >= rareRecall(false))
        #expect(rareRecall(true) >= 4)
    }

    @Test func temperatureCoolsOverconfidentLogits() {
        // Logits that say 99% but are right only 60% of the time: the fitted temperature spreads them out.
        var logits: [[Float]] = [], labels: [Int] = []
        for i in 0..<100 { logits.append([6, 0, 0]); labels.append(i < 60 ? 0 : 1 + i % 2) }
        let t = SoftmaxRegression.fittingTemperature(logits: logits, labels: labels)
        #expect(t > 2)
        let p = SoftmaxRegression.softmax([6, 0, 0], temperature: t)
        #expect(abs(p[0] - 0.6) < 0.05)
    }
}

@Suite struct CrossValidationTests {
    @Test func heldOutAccuracyOnSeparableClasses() {
        let (rows, labels) = clusters()
        let examples = labels.enumerated().map { RouteExample(key: "q\($0.offset)", question: "", label: RouteLabel(index: $0.element)!,
                                                             source: $0.offset % 2 == 0 ? .silver : .bias) }
        let evaluation = CrossValidation.evaluate(examples, rows: rows, folds: 5, parameters: TrainingParameters())
        #expect(evaluation.all.total == 120 && evaluation.silver.total == 60)
        #expect(evaluation.all.accuracy > 0.95)
        #expect(evaluation.all.perClassAccuracy.allSatisfy { ($0 ?? 0) > 0.9 })
        #expect(evaluation.all.support == [40, 40, 40])
    }

    @Test func foldsDependOnTheKeyNotTheOrder() {
        let keys = (0..<200).map { "hotpotqa\u{1F}\($0)" }
        let folds = keys.map { CrossValidation.fold(of: $0, folds: 5, seed: 9) }
        #expect(keys.reversed().map { CrossValidation.fold(of: $0, folds: 5, seed: 9) } == folds.reversed())
        // Every fold is used, none takes more than half.
        for f in 0..<5 { let n = folds.filter { $0 == f }.count; #expect(n > 10 && n < 100) }
    }

    @Test func confusionMatrixCounts() {
        var m = ConfusionMatrix()
        m.add(truth: 0, prediction: 0); m.add(truth: 1, prediction: 1); m.add(truth: 1, prediction: 2); m.add(truth: 2, prediction: 2)
        #expect(m.total == 4 && abs(m.accuracy - 0.75) < 1e-12)
        #expect(m.perClassAccuracy == [1, 0.5, 1])
        #expect(ConfusionMatrix().perClassAccuracy == [nil, nil, nil])
    }
}

extension SoftmaxRegressionTests {
    @Test func aPerInputPenaltyShrinksThatInputsWeights() {
        let (rows, labels) = clusters(spread: 0.5)
        let base = SoftmaxRegression.fit(rows, labels: labels, classes: 3, parameters: TrainingParameters())
        var penalty = [Float](repeating: 0.05, count: 8)
        penalty[0] = 50
        let damped = SoftmaxRegression.fit(rows, labels: labels, classes: 3, parameters: TrainingParameters(), penalty: penalty)
        func size(_ m: SoftmaxRegression, _ input: Int) -> Float { (0..<3).map { abs(m.weights[$0 * 8 + input]) }.reduce(0, +) }
        #expect(size(damped, 0) < size(base, 0) / 5)
        #expect(size(damped, 3) > size(base, 3) / 2)   // the others barely change
    }
}
