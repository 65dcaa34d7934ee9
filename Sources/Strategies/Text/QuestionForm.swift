/// What kind of reply a question's wording asks for.
///
/// A small model answers "Yes" to questions that do not ask yes or no ("What is the cause of death
/// of …?") when the prompt offers yes or no: the prompts offer it only where this says so, and the
/// answer writer asks again when a bare yes or no answers another question.
public enum QuestionForm {
    /// Words that open a yes/no question ("Are both … American?", "Did … win?"), normalised.
    static let auxiliaries: Set<String> = [
        "is", "are", "was", "were", "am", "do", "does", "did", "can", "could", "has", "have", "had",
        "will", "would", "should", "shall", "may", "might", "must", "isnt", "arent", "wasnt",
        "werent", "dont", "doesnt", "didnt",
    ]

    /// Whether yes or no can answer `question`: it opens with an auxiliary verb and offers no
    /// alternatives ("Is X or Y older?" asks for one of them).
    ///
    /// For example: `expectsYesNo("Were both films made in France?")` is true;
    /// `expectsYesNo("Which film came out first, X or Y?")` and `expectsYesNo("Is X or Y taller?")`
    /// are false.
    public static func expectsYesNo(_ question: String) -> Bool {
        // Normalised words: lower case, punctuation (apostrophes too) removed.
        let words = AnswerMetrics.tokens(question)
        guard let first = words.first, auxiliaries.contains(first) else { return false }
        return !words.contains("or")
    }

    /// Whether `answer` is a bare yes or no.
    public static func isYesOrNo(_ answer: String) -> Bool {
        ["yes", "no"].contains(AnswerMetrics.normalize(answer))
    }
}

import Foundation
