import LanguageModels

/// The prompts rag writes for small instruction models (ours; the papers' prompts are the intent).
///
/// Laid out for the KV cache: [system][passages, in the order they were found][question][task], so
/// successive calls for one question share their prefix and only the new part is computed. Passages
/// and questions are message *text*: the chat template keeps control-token spellings in them as
/// text, so a document can never close a turn or open a system message.
public struct AnswerPrompts: Sendable {
    /// The answer cap for a short answer.
    public var answerTokens: Int

    public init(answerTokens: Int = 32) {
        self.answerTokens = answerTokens
    }

    /// The instructions: answer from the passages or from the model's own knowledge; "yes or no" is
    /// offered only when the question's wording asks for it (``QuestionForm``), since offering it
    /// makes a 0.5B model answer "Yes" to "What is the cause of death of …?".
    static func system(passages: Bool, question: String) -> String {
        let source = passages ? "using the passages you are given" : "from your own knowledge"
        let phrase = passages ? "a short phrase copied from the passages" : "a short phrase"
        let yesNo = QuestionForm.expectsYesNo(question) ? ", or yes or no" : ""
        return "You answer questions \(source). Reply with the answer only: \(phrase) (a name, place, date or number)\(yesNo). No explanation."
    }

    /// The follow-up when a question that does not ask yes or no got a bare yes or no.
    public var notYesOrNo = """
        That does not answer the question: it does not ask yes or no. Reply with the short phrase \
        that answers it (a name, place, date or number).
        """

    /// A question alone (no retrieval).
    public func closedBook(_ question: String) -> [ChatMessage] {
        [.system(Self.system(passages: false, question: question)), .user("Question: \(question)\nAnswer:")]
    }

    /// A question over numbered passages, best first.
    public func passages(_ passages: [Passage], question: String) -> [ChatMessage] {
        [.system(Self.system(passages: true, question: question)), .user(Self.passageBlock(passages) + Self.questionBlock(question))]
    }

    /// A question over a note (notes strategy): the note is text the strategy assembled.
    public func note(_ note: String, question: String) -> [ChatMessage] {
        [.system(Self.system(passages: true, question: question)), .user("Notes:\n\n\(note)\n\n" + Self.questionBlock(question))]
    }

    static func passageBlock(_ passages: [Passage]) -> String {
        var text = "Passages:\n\n"
        for (i, p) in passages.enumerated() { text += "[\(i + 1)] \(p.label)\n\(p.text)\n\n" }
        return text
    }

    static func questionBlock(_ question: String) -> String {
        "Question: \(question)\nAnswer with a short phrase from the passages:"
    }

    /// Generation settings for a short answer: greedy, a few dozen tokens, stop at the end of the line.
    public func shortAnswerParameters(logProbabilities: Bool = false) -> GenerationParameters {
        GenerationParameters(maxTokens: answerTokens, sampling: .greedy, stopSequences: ["\n"],
                             recordLogProbabilities: logProbabilities)
    }
}

/// Keeps passages within the model's context: drops the last (weakest) passages, whole, until the
/// prompt fits, so nothing is cut mid-token and no call fails for length.
public enum PromptBudget {
    /// The longest prefix of `passages` whose prompt `render` fits `contextLength − reserve` tokens.
    /// Counts with the model's tokenizer; a passage longer than the whole budget is shortened by words.
    public static func fit(_ passages: [Passage], model: any LanguageModel, reserve: Int,
                           render: ([Passage]) -> [ChatMessage]) -> [Passage] {
        let budget = max(64, model.contextLength - reserve)
        func size(_ ps: [Passage]) -> Int {
            // Chat overhead: a few control tokens per message; counted generously.
            render(ps).reduce(0) { $0 + model.tokenCount($1.content) + 8 }
        }
        var kept = passages
        while kept.count > 1 && size(kept) > budget { kept.removeLast() }
        if kept.count == 1 && size(kept) > budget {
            var p = kept[0]
            var words = p.text.split(whereSeparator: \.isWhitespace)
            while words.count > 8 && size([p]) > budget {
                words.removeLast(max(1, words.count / 4))
                p.text = words.joined(separator: " ")
            }
            kept = [p]
        }
        return kept
    }
}
