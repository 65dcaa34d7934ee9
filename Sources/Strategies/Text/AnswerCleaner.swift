/// Turns a model's reply into a short answer: the first line, without a leading "Answer:" or a
/// trailing period, quotes or markdown emphasis.
///
/// For example: `AnswerCleaner.clean("Answer: **Paris**.\nBecause…")` is `"Paris"`.
public enum AnswerCleaner {
    public static func clean(_ text: String) -> String {
        var line = text.split(whereSeparator: \.isNewline).first { !$0.allSatisfy(\.isWhitespace) }.map(String.init) ?? ""
        line = line.trimmingCharacters(in: .whitespaces)
        for prefix in ["answer:", "the answer is:", "the answer is", "so the answer is:", "so the answer is", "a:"] {
            if line.lowercased().hasPrefix(prefix) {
                line = String(line.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
            }
        }
        line = line.replacingOccurrences(of: "**", with: "")
        while let last = line.last, ".。,;:".contains(last) { line.removeLast() }
        let quotes: Set<Character> = ["\"", "'", "“", "”", "`"]
        if line.count >= 2, let first = line.first, let last = line.last, quotes.contains(first), quotes.contains(last) {
            line = String(line.dropFirst().dropLast())
        }
        return line.trimmingCharacters(in: .whitespaces)
    }

    /// The answer after "answer is" in a chain-of-thought sentence ("So the answer is: X."), or nil.
    public static func answerAfterCue(_ sentence: String) -> String? {
        let lower = sentence.lowercased()
        guard let range = lower.range(of: "answer is", options: .backwards) else { return nil }
        let offset = lower.distance(from: lower.startIndex, to: range.upperBound)
        let tail = String(sentence.dropFirst(offset)).trimmingCharacters(in: .whitespaces)
        let answer = clean(tail.hasPrefix(":") ? String(tail.dropFirst()) : tail)
        return answer.isEmpty ? nil : answer
    }
}

import Foundation
