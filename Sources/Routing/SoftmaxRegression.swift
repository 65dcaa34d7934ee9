import Foundation
import Kernels

/// A multinomial logistic regression over standardised features, with a softmax temperature fitted
/// on held-out predictions so its probabilities are calibrated (Guo et al., "On Calibration of
/// Modern Neural Networks", arXiv 1706.04599 §4.2: temperature scaling).
///
/// For example:
/// ```swift
/// let model = SoftmaxRegression.fit(rows, labels: labels, classes: 3, parameters: TrainingParameters(seed: 7))
/// let p = model.probabilities(rows[0])   // sums to 1
/// ```
public struct SoftmaxRegression: Sendable, Codable, Equatable {
    public var classes: Int
    public var inputs: Int
    /// Per input: the training mean, and 1 / standard deviation (0 for a constant input).
    public var mean: [Float]
    public var scale: [Float]
    /// `classes × inputs`, row-major, over standardised inputs.
    public var weights: [Float]
    public var bias: [Float]
    /// Logits are divided by this before the softmax (1: as trained).
    public var temperature: Float

    public init(classes: Int, inputs: Int, mean: [Float], scale: [Float], weights: [Float], bias: [Float], temperature: Float) {
        self.classes = classes
        self.inputs = inputs
        self.mean = mean
        self.scale = scale
        self.weights = weights
        self.bias = bias
        self.temperature = temperature
    }

    /// Checks that the arrays fit `classes` and `inputs` and hold finite numbers (nil when sound).
    public var inconsistency: String? {
        if classes < 2 || inputs < 1 { return "\(classes) classes over \(inputs) inputs" }
        if mean.count != inputs || scale.count != inputs { return "\(mean.count) means and \(scale.count) scales for \(inputs) inputs" }
        if weights.count != classes * inputs { return "\(weights.count) weights for \(classes) × \(inputs)" }
        if bias.count != classes { return "\(bias.count) biases for \(classes) classes" }
        if !(temperature > 0) || !temperature.isFinite { return "temperature \(temperature)" }
        if !(mean + scale + weights + bias).allSatisfy(\.isFinite) { return "a weight is not a finite number" }
        return nil
    }

    /// The raw scores of each class for one feature row (before the temperature).
    public func logits(_ x: [Float]) -> [Float] {
        precondition(x.count == inputs, "feature row of \(x.count), model expects \(inputs)")
        var out = bias
        for c in 0..<classes {
            var sum: Float = 0
            let base = c * inputs
            for i in 0..<inputs { sum += weights[base + i] * ((x[i] - mean[i]) * scale[i]) }
            out[c] += sum
        }
        return out
    }

    /// Calibrated class probabilities for one feature row.
    public func probabilities(_ x: [Float]) -> [Double] {
        Self.softmax(logits(x), temperature: temperature)
    }

    static func softmax(_ logits: [Float], temperature: Float) -> [Double] {
        let z = logits.map { Double($0 / temperature) }
        let top = z.max() ?? 0
        let e = z.map { exp($0 - top) }
        let sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }
}

/// How a ``SoftmaxRegression`` is trained.
public struct TrainingParameters: Sendable, Codable, Equatable {
    /// L2 penalty on the weights (of standardised inputs), per unit of example weight.
    public var l2: Float
    /// The L2 penalty of the question-embedding inputs, when it differs from ``l2``: 384 embedding
    /// inputs against 16 lexical ones drown the latter at one shared penalty. The default, 5, was chosen
    /// on 5-fold cross-validation of the tune questions (0-99, eval-s0 lines) by the mean of the
    /// accuracy on all labels and on silver ones: 0.05 (= l2) 81.8 / 56.2% (A never predicted),
    /// 2 80.0 / 57.8%, 5 76.0 / 62.5%, 20 69.8 / 64.1%.
    public var embeddingL2: Float?
    /// Full-batch Adam steps.
    public var iterations: Int
    public var learningRate: Float
    /// Seeds the initial weights and the assignment of questions to folds.
    public var seed: UInt64
    /// Weight each class by `n / (classes · n_class)` so a rare class is not ignored.
    public var balanceClasses: Bool

    public init(l2: Float = 0.05, embeddingL2: Float? = 5, iterations: Int = 300, learningRate: Float = 0.05,
                seed: UInt64 = 9, balanceClasses: Bool = true) {
        self.l2 = l2
        self.embeddingL2 = embeddingL2
        self.iterations = iterations
        self.learningRate = learningRate
        self.seed = seed
        self.balanceClasses = balanceClasses
    }
}

extension SoftmaxRegression {
    /// Trains on `rows` (each `inputs` wide) with class indices `labels`: cross-entropy weighted by
    /// class, L2, full-batch Adam (Kingma & Ba, arXiv 1412.6980) from seeded small weights. The same
    /// data and seed give the same model. The temperature is 1; see ``fittingTemperature(logits:labels:)``.
    /// - Parameter penalty: the L2 penalty of each input (default: `parameters.l2` for all).
    public static func fit(_ rows: [[Float]], labels: [Int], classes: Int, parameters: TrainingParameters,
                           penalty: [Float]? = nil) -> SoftmaxRegression {
        precondition(!rows.isEmpty && rows.count == labels.count, "one label per row")
        var counts = [Int](repeating: 0, count: classes)
        for l in labels { counts[l] += 1 }
        let classWeight = (0..<classes).map { c in
            parameters.balanceClasses && counts[c] > 0 ? Float(rows.count) / Float(classes * counts[c]) : 1
        }
        let targets = labels.map { l in (0..<classes).map { $0 == l ? Float(1) : 0 } }
        return fit(rows, targets: targets, exampleWeights: labels.map { classWeight[$0] }, parameters: parameters, penalty: penalty)
    }

    /// Trains on soft targets: each row's target is a distribution over the classes (a one-hot row is
    /// a label; `[1 - f, f]` over two classes fits a probability `f`, a logistic regression with
    /// fractional outcomes). Cross-entropy weighted per example, otherwise as
    /// ``fit(_:labels:classes:parameters:penalty:)``.
    /// - Parameter exampleWeights: one weight per row (default: all 1).
    public static func fit(_ rows: [[Float]], targets: [[Float]], exampleWeights: [Float]? = nil, parameters: TrainingParameters,
                           penalty: [Float]? = nil) -> SoftmaxRegression {
        precondition(!rows.isEmpty && rows.count == targets.count, "one target per row")
        let n = rows.count, d = rows[0].count, k = targets[0].count
        precondition(k >= 2 && targets.allSatisfy { $0.count == k }, "targets over at least two classes, the same for every row")
        let l2 = penalty ?? Array(repeating: parameters.l2, count: d)
        precondition(l2.count == d, "one penalty per input")
        // Standardise: mean 0, variance 1 per input.
        var mean = [Float](repeating: 0, count: d), scale = [Float](repeating: 0, count: d)
        for r in rows { for i in 0..<d { mean[i] += r[i] } }
        for i in 0..<d { mean[i] /= Float(n) }
        for r in rows { for i in 0..<d { let v = r[i] - mean[i]; scale[i] += v * v } }
        for i in 0..<d { let sd = (scale[i] / Float(n)).squareRoot(); scale[i] = sd > 1e-6 ? 1 / sd : 0 }
        var x = [Float](repeating: 0, count: n * d)           // n × d, standardised
        for (j, r) in rows.enumerated() { for i in 0..<d { x[j * d + i] = (r[i] - mean[i]) * scale[i] } }

        let exampleWeight = exampleWeights ?? Array(repeating: 1, count: n)
        precondition(exampleWeight.count == n, "one weight per row")
        let totalWeight = exampleWeight.reduce(0, +)

        var random = SplitMix64(seed: parameters.seed)
        var w = (0..<(k * d)).map { _ in Float(random.nextGaussian() * 0.01) }   // k × d
        var b = [Float](repeating: 0, count: k)
        var mW = [Float](repeating: 0, count: k * d), vW = mW
        var mB = [Float](repeating: 0, count: k), vB = mB
        var z = [Float](repeating: 0, count: n * k)            // n × k logits, then the loss gradient
        var gW = [Float](repeating: 0, count: k * d)            // k × d
        let beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8
        for step in 1...max(1, parameters.iterations) {
            x.withUnsafeBufferPointer { xp in w.withUnsafeBufferPointer { wp in z.withUnsafeMutableBufferPointer { zp in
                Matrix.multiply(m: n, n: k, k: d, a: xp.baseAddress!, lda: d, b: wp.baseAddress!, ldb: d,
                                transposeB: true, c: zp.baseAddress!, ldc: k)
            } } }
            var gB = [Float](repeating: 0, count: k)
            for j in 0..<n {
                var top = -Float.infinity
                for c in 0..<k { z[j * k + c] += b[c]; top = max(top, z[j * k + c]) }
                var sum: Float = 0
                for c in 0..<k { let e = exp(z[j * k + c] - top); z[j * k + c] = e; sum += e }
                for c in 0..<k {
                    let g = (z[j * k + c] / sum - targets[j][c]) * exampleWeight[j] / totalWeight
                    z[j * k + c] = g
                    gB[c] += g
                }
            }
            z.withUnsafeBufferPointer { zp in x.withUnsafeBufferPointer { xp in gW.withUnsafeMutableBufferPointer { gp in
                Matrix.multiply(m: k, n: d, k: n, a: zp.baseAddress!, lda: k, transposeA: true, b: xp.baseAddress!, ldb: d,
                                c: gp.baseAddress!, ldc: d)
            } } }
            let correction1 = 1 - pow(beta1, Float(step)), correction2 = 1 - pow(beta2, Float(step))
            for i in 0..<(k * d) {
                let g = gW[i] + l2[i % d] * w[i]
                mW[i] = beta1 * mW[i] + (1 - beta1) * g
                vW[i] = beta2 * vW[i] + (1 - beta2) * g * g
                w[i] -= parameters.learningRate * (mW[i] / correction1) / ((vW[i] / correction2).squareRoot() + epsilon)
            }
            for c in 0..<k {
                mB[c] = beta1 * mB[c] + (1 - beta1) * gB[c]
                vB[c] = beta2 * vB[c] + (1 - beta2) * gB[c] * gB[c]
                b[c] -= parameters.learningRate * (mB[c] / correction1) / ((vB[c] / correction2).squareRoot() + epsilon)
            }
        }
        return SoftmaxRegression(classes: k, inputs: d, mean: mean, scale: scale, weights: w, bias: b, temperature: 1)
    }

    /// The temperature that minimises the mean negative log-likelihood of `labels` under held-out
    /// `logits` (a log-spaced grid from 0.25 to 8; 1 when there is nothing to fit on).
    public static func fittingTemperature(logits: [[Float]], labels: [Int]) -> Float {
        guard !logits.isEmpty else { return 1 }
        var best: (t: Float, loss: Double) = (1, .infinity)
        for i in 0...50 {
            let t = Float(0.25 * pow(32, Double(i) / 50))
            var loss = 0.0
            for (z, l) in zip(logits, labels) { loss -= log(max(softmax(z, temperature: t)[l], 1e-12)) }
            if loss < best.loss { best = (t, loss) }
        }
        return best.t
    }
}

/// A small seeded generator (Steele et al., SplitMix64): the same seed, the same numbers, on every platform.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal number (Box–Muller).
    mutating func nextGaussian() -> Double {
        let u1 = max(Double(next() >> 11) / Double(1 << 53), 1e-300)
        let u2 = Double(next() >> 11) / Double(1 << 53)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}
