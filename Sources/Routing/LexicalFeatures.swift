import Foundation

/// Cheap features of a question's wording that hint at how many hops it needs: its length, its
/// wh-word, named spans, and the cues of comparisons and nested relations ("both", "which one",
/// "older", "the director of the film"). Adaptive-design notes §3: length alone separates single-
/// from multi-hop origin at 68%, n-grams and shape features at 90%.
///
/// For example:
/// ```swift
/// let values = LexicalFeatures.values(for: "Which film came out first, Heat or Alien?")
/// // values.count == LexicalFeatures.names.count
/// ```
public enum LexicalFeatures {
    static let whWords = ["what", "who", "when", "where", "which", "how", "why"]
    static let auxiliaries: Set<String> = ["is", "are", "was", "were", "do", "does", "did", "can", "could",
                                           "has", "have", "had", "will", "would", "should"]
    static let comparisonCues: Set<String> = ["both", "same", "than", "older", "younger", "earlier", "later",
                                              "first", "last", "longer", "shorter", "higher", "lower", "larger",
                                              "bigger", "smaller", "more", "less", "either", "neither", "or"]

    /// The feature names, in the order of ``values(for:)``.
    public static let names: [String] = ["log_words"] + whWords.map { "wh_\($0)" }
        + ["yes_no", "log_capitalised_spans", "quoted", "comparison_cues", "of_the", "possessive", "digits"]

    /// The features of one question, in the order of ``names``.
    public static func values(for question: String) -> [Float] {
        let words = question.split { !$0.isLetter && !$0.isNumber && $0 != "'" && $0 != "’" }.map(String.init)
        let lower = words.map { $0.lowercased() }
        var out: [Float] = [Float(log(1 + Double(words.count)))]
        // The first wh-word of the question (questions often start with a clause: "In 1990, who ...").
        let first = lower.first { whWords.contains($0) }
        for w in whWords { out.append(first == w ? 1 : 0) }
        out.append(first == nil && lower.first.map { auxiliaries.contains($0) } == true ? 1 : 0)
        // Runs of capitalised words after the first word: names of people, works, places.
        var spans = 0, inSpan = false
        for (i, w) in words.enumerated() {
            let capitalised = w.first?.isUppercase == true && i > 0
            if capitalised && !inSpan { spans += 1 }
            inSpan = capitalised
        }
        out.append(Float(log(1 + Double(spans))))
        let quotes = question.filter { $0 == "\"" || $0 == "“" || $0 == "”" }.count
        out.append(Float(quotes / 2))
        out.append(Float(lower.filter { comparisonCues.contains($0) }.count))
        var ofThe = 0
        for i in lower.indices.dropLast() where lower[i] == "of" && ["the", "a", "an", "this", "that"].contains(lower[i + 1]) { ofThe += 1 }
        out.append(Float(ofThe))
        out.append(Float(words.filter { $0.hasSuffix("'s") || $0.hasSuffix("’s") }.count))
        out.append(question.contains { $0.isNumber } ? 1 : 0)
        return out
    }
}
