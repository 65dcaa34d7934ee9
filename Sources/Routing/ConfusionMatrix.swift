/// Counts of (true label, predicted label): accuracy overall and per class.
public struct ConfusionMatrix: Sendable, Codable, Equatable {
    /// `counts[truth][prediction]`, rows and columns in ``RouteLabel`` order.
    public var counts: [[Int]]

    public init(classes: Int = RouteLabel.allCases.count) {
        counts = Array(repeating: Array(repeating: 0, count: classes), count: classes)
    }

    public mutating func add(truth: Int, prediction: Int) { counts[truth][prediction] += 1 }

    public var total: Int { counts.joined().reduce(0, +) }

    /// Share of examples predicted right (0 when empty).
    public var accuracy: Double {
        let right = counts.indices.reduce(0) { $0 + counts[$1][$1] }
        return total > 0 ? Double(right) / Double(total) : 0
    }

    /// Per class, the share of its examples predicted right (its recall); nil for a class with none.
    public var perClassAccuracy: [Double?] {
        counts.indices.map { c in
            let n = counts[c].reduce(0, +)
            return n > 0 ? Double(counts[c][c]) / Double(n) : nil
        }
    }

    /// Examples of each true class.
    public var support: [Int] { counts.map { $0.reduce(0, +) } }
}
