import Foundation

/// What k-fold cross-validation measured for a router: on every example, and on those with silver
/// labels (the figure Adaptive-RAG reports: 54.5% for its T5-large, arXiv 2403.14403 Table 6).
public struct RouterEvaluation: Sendable, Codable, Equatable {
    public var folds: Int
    public var all: ConfusionMatrix
    public var silver: ConfusionMatrix
    /// Mean negative log-likelihood of the true labels under the calibrated held-out probabilities.
    public var logLoss: Double
    /// The softmax temperature fitted on the held-out logits.
    public var temperature: Float

    enum CodingKeys: String, CodingKey { case folds, all, silver, logLoss = "log_loss", temperature }

    public init(folds: Int, all: ConfusionMatrix, silver: ConfusionMatrix, logLoss: Double, temperature: Float) {
        self.folds = folds
        self.all = all
        self.silver = silver
        self.logLoss = logLoss
        self.temperature = temperature
    }
}

/// k-fold cross-validation with a fixed split by question key: each key's fold is a hash of the key
/// and the seed, so a question stays in its fold however the files are ordered or grown.
public enum CrossValidation {
    /// The fold (0..<folds) of `key`: FNV-1a of the key's bytes, mixed with the seed.
    public static func fold(of key: String, folds: Int, seed: UInt64) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        var mix = SplitMix64(seed: hash)
        return Int(mix.next() % UInt64(folds))
    }

    /// Trains on all folds but one and predicts the one, for each fold; fits the temperature on the
    /// held-out logits.
    /// - Parameters:
    ///   - rows: one feature row per example, in the order of `examples`.
    ///   - penalty: the L2 penalty of each input (default: `parameters.l2` for all).
    public static func evaluate(_ examples: [RouteExample], rows: [[Float]], folds: Int,
                                parameters: TrainingParameters, penalty: [Float]? = nil) -> RouterEvaluation {
        heldOut(examples, rows: rows, folds: folds, parameters: parameters, penalty: penalty).evaluation
    }

    /// As ``evaluate(_:rows:folds:parameters:penalty:)``, with each example's calibrated held-out
    /// probabilities (nil for an example whose fold could not be trained), in the order of `examples`.
    public static func heldOut(_ examples: [RouteExample], rows: [[Float]], folds: Int, parameters: TrainingParameters,
                               penalty: [Float]? = nil) -> (evaluation: RouterEvaluation, probabilities: [[Double]?]) {
        let classes = RouteLabel.allCases.count
        let assignment = examples.map { fold(of: $0.key, folds: folds, seed: parameters.seed) }
        var heldOut: [(example: Int, logits: [Float])] = []
        for f in 0..<folds {
            let train = examples.indices.filter { assignment[$0] != f }
            let test = examples.indices.filter { assignment[$0] == f }
            guard !test.isEmpty, Set(train.map { examples[$0].label }).count > 1 else { continue }
            let model = SoftmaxRegression.fit(train.map { rows[$0] }, labels: train.map { examples[$0].label.index },
                                              classes: classes, parameters: parameters, penalty: penalty)
            for i in test { heldOut.append((i, model.logits(rows[i]))) }
        }
        heldOut.sort { $0.example < $1.example }
        let labels = heldOut.map { examples[$0.example].label.index }
        let temperature = SoftmaxRegression.fittingTemperature(logits: heldOut.map(\.logits), labels: labels)
        var all = ConfusionMatrix(classes: classes), silver = ConfusionMatrix(classes: classes)
        var loss = 0.0
        var probabilities = [[Double]?](repeating: nil, count: examples.count)
        for (i, z) in heldOut {
            let p = SoftmaxRegression.softmax(z, temperature: temperature)
            probabilities[i] = p
            let predicted = p.indices.max { p[$0] < p[$1] }!
            let truth = examples[i].label.index
            all.add(truth: truth, prediction: predicted)
            if examples[i].source == .silver { silver.add(truth: truth, prediction: predicted) }
            loss -= log(max(p[truth], 1e-12))
        }
        let evaluation = RouterEvaluation(folds: folds, all: all, silver: silver,
                                          logLoss: heldOut.isEmpty ? 0 : loss / Double(heldOut.count), temperature: temperature)
        return (evaluation, probabilities)
    }
}
