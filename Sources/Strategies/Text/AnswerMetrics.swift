import Foundation

/// SQuAD-style answer scoring, as Adaptive-RAG reports it (arXiv 2403.14403 §4; the SQuAD v1.1
/// evaluation script): normalise by lower-casing, removing punctuation and the articles a/an/the,
/// and collapsing white space; then exact match, token F1 and accuracy (a gold answer contained in
/// the prediction), each the best over the gold aliases.
///
/// For example:
/// ```swift
/// AnswerMetrics.f1("the Eiffel Tower", gold: ["Eiffel Tower in Paris"])  // 0.8
/// AnswerMetrics.accuracy("It is Paris.", gold: ["Paris"])              // 1
/// ```
public enum AnswerMetrics {
    /// Lower-case, punctuation removed, articles removed, white space collapsed.
    public static func normalize(_ text: String) -> String {
        tokens(text).joined(separator: " ")
    }

    /// The normalised words of `text`.
    public static func tokens(_ text: String) -> [String] {
        var cleaned = String.UnicodeScalarView()
        for scalar in text.lowercased().unicodeScalars {
            // SQuAD removes string.punctuation (ASCII); Unicode punctuation is treated the same way.
            if CharacterSet.punctuationCharacters.contains(scalar) || CharacterSet.symbols.contains(scalar) && scalar.isASCII {
                continue
            }
            cleaned.append(scalar)
        }
        return String(cleaned).split(whereSeparator: { $0.isWhitespace })
            .map(String.init).filter { $0 != "a" && $0 != "an" && $0 != "the" }
    }

    /// 1 when the normalised prediction equals a normalised gold answer.
    public static func exactMatch(_ prediction: String, gold: [String]) -> Double {
        let p = normalize(prediction)
        return gold.contains { normalize($0) == p } ? 1 : 0
    }

    /// Token-overlap F1, best over the gold answers.
    public static func f1(_ prediction: String, gold: [String]) -> Double {
        let p = tokens(prediction)
        return gold.map { f1(p, tokens($0)) }.max() ?? 0
    }

    /// 1 when some normalised gold answer occurs in the normalised prediction.
    public static func accuracy(_ prediction: String, gold: [String]) -> Double {
        let p = normalize(prediction)
        return gold.contains { g in let n = normalize(g); return !n.isEmpty && p.contains(n) } ? 1 : 0
    }

    /// Token F1 of two normalised token lists (multiset overlap, as SQuAD counts it).
    public static func f1(_ prediction: [String], _ gold: [String]) -> Double {
        if prediction.isEmpty || gold.isEmpty { return prediction == gold ? 1 : 0 }
        var counts: [String: Int] = [:]
        for t in gold { counts[t, default: 0] += 1 }
        var common = 0
        for t in prediction where (counts[t] ?? 0) > 0 {
            counts[t]! -= 1
            common += 1
        }
        guard common > 0 else { return 0 }
        let precision = Double(common) / Double(prediction.count)
        let recall = Double(common) / Double(gold.count)
        return 2 * precision * recall / (precision + recall)
    }
}
