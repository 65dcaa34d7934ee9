/// Snaps a free answer to the span of the passages that matches it best (token F1 over the
/// passages' word n-grams), when the match is good enough: a 0.5B model often answers with the
/// right entity in the wrong words ("the director Scott Derrickson" for "Scott Derrickson").
///
/// yes/no answers are kept as they are. The span is returned in the passage's own spelling.
///
/// For example:
/// ```swift
/// let snapper = AnswerSnapper(minimumF1: 0.5)
/// snapper.snap("director Scott Derrickson", to: ["Sinister was directed by Scott Derrickson."])
/// // "Scott Derrickson" (F1 0.8; "directed by Scott Derrickson" scores 0.57)
/// ```
public struct AnswerSnapper: Sendable {
    /// A span replaces the answer only when its F1 against the answer reaches this.
    public var minimumF1: Double
    /// Longest span considered, in words beyond the answer's own length.
    public var extraWords: Int

    public init(minimumF1: Double = 0.5, extraWords: Int = 2) {
        self.minimumF1 = minimumF1
        self.extraWords = extraWords
    }

    public func snap(_ answer: String, to texts: [String]) -> String {
        let target = AnswerMetrics.tokens(answer)
        guard !target.isEmpty, !["yes", "no"].contains(target.joined(separator: " ")) else { return answer }
        let wanted = Set(target)
        var best: (f1: Double, words: Int, span: String)?
        for text in texts {
            let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
            let normalized = words.map { AnswerMetrics.tokens($0) }
            let maxLength = target.count + extraWords
            for start in words.indices where normalized[start].contains(where: wanted.contains) {
                var tokens: [String] = []
                for end in start..<min(words.count, start + maxLength) {
                    tokens += normalized[end]
                    // A span must end on a word of the answer (no trailing filler).
                    guard normalized[end].contains(where: wanted.contains) else { continue }
                    let score = AnswerMetrics.f1(tokens, target)
                    let length = end - start + 1
                    if best == nil || score > best!.f1 + 1e-9 || (abs(score - best!.f1) < 1e-9 && length < best!.words) {
                        best = (score, length, words[start...end].joined(separator: " "))
                    }
                }
            }
        }
        guard let best, best.f1 >= minimumF1 else { return answer }
        return AnswerCleaner.trimPunctuation(best.span)
    }
}

extension AnswerCleaner {
    /// `text` without leading or trailing punctuation other than closing brackets that open inside it.
    static func trimPunctuation(_ text: String) -> String {
        let strip: Set<Character> = [".", ",", ";", ":", "!", "?", "\"", "'", "“", "”", "‘", "’", "(", ")", "[", "]"]
        var s = Substring(text)
        while let f = s.first, strip.contains(f) { s = s.dropFirst() }
        while let l = s.last, strip.contains(l) {
            if l == ")" && s.contains("(") { break }
            s = s.dropLast()
        }
        return String(s)
    }
}
