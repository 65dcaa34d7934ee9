import Foundation
import LanguageModels

/// Strategy C as Adaptive-RAG runs it: IRCoT (Trivedi et al., arXiv 2212.10509; constants from
/// StonyBrookNLP/ircot as configured in Adaptive-RAG, see ../shared/notes/papers.md §1.4).
///
/// Retrieve `passagesPerStep` passages with the question; then, until the model writes "So the answer
/// is: …", an empty sentence, or `maxSentences` sentences: generate the next reasoning sentence over
/// the passages and the chain so far, and retrieve with that sentence (reasoning sentences that start
/// with "so", "thus", … are not used as queries); passages accumulate without repeats up to
/// `maxPassages`. A separate reader then answers from all the passages.
public struct IRCoT: AnsweringStrategy {
    public struct Parameters: Sendable, Equatable {
        /// Passages per retrieval (K = 6 in Adaptive-RAG's runs).
        public var passagesPerStep = 6
        /// Accumulated passages at most (15).
        public var maxPassages = 15
        /// Reasoning sentences at most (10 in the paper's code; fewer here because a 0.5B model
        /// rarely concludes on its own and each sentence costs a call).
        public var maxSentences = 4
        /// Words kept per passage (350).
        public var maxWordsPerPassage = 350
        /// Tokens per reasoning sentence.
        public var sentenceTokens = 48
        /// Answer from the reader over the passages (the paper) or, when the chain concluded, its answer.
        public var readerAlways = true

        public init() {}
    }

    public var kind: StrategyKind { .ircot }
    public var parameters: Parameters

    public init(parameters: Parameters = Parameters()) {
        self.parameters = parameters
    }

    static let system = """
        You answer questions by reasoning step by step over the passages, one short sentence at a time. \
        When you know the answer, write: So the answer is: <short answer>.
        """

    func messages(_ passages: [Passage], question: String) -> [ChatMessage] {
        [.system(Self.system), .user(AnswerPrompts.passageBlock(passages) + "Question: \(question)\nReason step by step.")]
    }

    public func answer(_ question: String, context: StrategyContext) async throws -> StrategyResult {
        var usage = ModelUsage()
        var retrievalSeconds = 0.0
        let p = parameters
        func retrieve(_ query: String, seen: [Passage]) throws -> [Passage] {
            try Stopwatch.time(&retrievalSeconds) {
                try context.retriever.retrieve(query, limit: p.passagesPerStep + seen.count)
            }.unseen(in: seen).prefix(p.passagesPerStep).map { truncated($0) }
        }
        var passages = Array(try retrieve(question, seen: []).prefix(p.maxPassages))
        context.report(.retrieved(round: 0, query: question, passages: passages))
        var steps = 1
        var chain: [String] = []
        var concluded: String?
        var stop = "\(p.maxSentences) sentences"
        let reserve = p.sentenceTokens + 200
        while chain.count < p.maxSentences {
            try Task.checkCancellation()
            let fitted = PromptBudget.fit(passages, model: context.model, reserve: reserve) { messages($0, question: question) }
            let prefix = chain.joined(separator: " ")
            let result = try await context.model.complete(
                .chatContinuation(messages(fitted, question: question), assistantPrefix: prefix.isEmpty ? "" : prefix + " "),
                parameters: GenerationParameters(maxTokens: p.sentenceTokens, sampling: .greedy, stopSequences: ["\n"]))
            usage.add(result)
            guard let sentence = Self.firstSentence(result.text) else { stop = "empty sentence"; break }
            chain.append(sentence)
            context.report(.thought(round: chain.count, text: sentence))
            if let answer = AnswerCleaner.answerAfterCue(sentence) { concluded = answer; stop = "answer given"; break }
            if chain.count == p.maxSentences || passages.count >= p.maxPassages { continue }
            let query = Self.isReasoning(sentence) ? question : sentence
            let found = Array(try retrieve(query, seen: passages).prefix(p.maxPassages - passages.count))
            steps += 1
            context.report(.retrieved(round: steps - 1, query: query, passages: found))
            passages += found
        }
        context.report(.stopped(reason: stop))

        let writer = AnswerWriter(context: context)
        if let concluded, !p.readerAlways {
            context.report(.answerText(concluded))
            let answer = context.snapper.map { $0.snap(concluded, to: passages.map(\.text)) } ?? concluded
            return StrategyResult(answer: answer, rawAnswer: concluded, citations: AnswerWriter.cite(answer, in: passages),
                                  passagesSeen: passages, steps: steps, usage: usage, retrievalSeconds: retrievalSeconds,
                                  stopReason: stop)
        }
        let prompts = context.prompts
        let fitted = PromptBudget.fit(passages, model: context.model, reserve: prompts.answerTokens + 16) {
            prompts.passages($0, question: question)
        }
        let written = try await writer.write(prompts.passages(fitted, question: question), question: question, passages: fitted, usage: &usage)
        return StrategyResult(answer: written.answer, rawAnswer: written.raw, citations: written.citations,
                              passagesSeen: passages, steps: steps, usage: usage, retrievalSeconds: retrievalSeconds,
                              stopReason: stop)
    }

    func truncated(_ passage: Passage) -> Passage {
        let words = passage.text.split(whereSeparator: \.isWhitespace)
        guard words.count > parameters.maxWordsPerPassage else { return passage }
        var p = passage
        p.text = words.prefix(parameters.maxWordsPerPassage).joined(separator: " ")
        return p
    }

    /// The first sentence of a generation (up to the first ". " / "? " / "! " or the end), trimmed;
    /// nil when empty.
    static func firstSentence(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        let chars = Array(trimmed)
        var i = 0
        while i < chars.count - 1 {
            if ".?!".contains(chars[i]) && chars[i + 1] == " " {
                // Not after an initial or a number ("J. K." / "No. 5").
                let before = i > 0 ? chars[i - 1] : " "
                let isInitial = before.isUppercase && (i < 2 || chars[i - 2] == " ")
                if !isInitial && !(before.isNumber && chars[i] == ".") { return String(chars[...i]) }
            }
            i += 1
        }
        return trimmed
    }

    /// IRCoT does not query with sentences that only reason ("So …", "Thus …", arithmetic).
    static func isReasoning(_ sentence: String) -> Bool {
        let first = sentence.split(separator: " ").first.map { $0.lowercased().trimmingCharacters(in: .punctuationCharacters) } ?? ""
        return ["so", "thus", "therefore", "hence"].contains(first)
    }
}
