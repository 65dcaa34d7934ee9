/// Adaptive-RAG's three routes for a question (arXiv 2403.14403 §3.2): answer without retrieval (A),
/// with one retrieval (B), or with several (C).
public enum RouteLabel: String, Sendable, Codable, CaseIterable, Comparable {
    case A, B, C

    /// The label's row in a classifier's output (A 0, B 1, C 2).
    public var index: Int {
        switch self {
        case .A: return 0
        case .B: return 1
        case .C: return 2
        }
    }

    /// The label of output row `index`.
    public init?(index: Int) {
        guard RouteLabel.allCases.indices.contains(index) else { return nil }
        self = RouteLabel.allCases[index]
    }

    public static func < (lhs: RouteLabel, rhs: RouteLabel) -> Bool { lhs.index < rhs.index }
}

/// Where a question comes from, for its dataset-bias label: single-hop sets take B, multi-hop sets C.
public enum QuestionKind: String, Sendable, Codable {
    case singleHop = "single-hop"
    case multiHop = "multi-hop"

    /// The label Adaptive-RAG's "binary" training data gives every question of such a dataset.
    public var biasLabel: RouteLabel { self == .singleHop ? .B : .C }

    /// The kind written in a question file's `type` (`single-hop`, `multi-hop`, or e.g. `multi-hop/comparison`).
    public init?(type: String) {
        let t = type.lowercased()
        if t.hasPrefix("multi") { self = .multiHop } else if t.hasPrefix("single") { self = .singleHop } else { return nil }
    }

    /// The kind of the well-known evaluation sets, by dataset name (nil for others).
    public init?(dataset: String) {
        switch dataset.lowercased() {
        case "hotpotqa", "2wikimultihopqa", "2wiki", "musique": self = .multiHop
        case "squad", "nq", "naturalquestions", "triviaqa", "trivia": self = .singleHop
        default: return nil
        }
    }
}
