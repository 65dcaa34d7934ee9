import Foundation
import LanguageModels
@testable import Strategies

/// A language model that answers from a script: `reply(promptText)` gives the text and the mean
/// log-probability of its tokens. Records every prompt. Tokens are counted as words.
final class ScriptedModel: LanguageModel, @unchecked Sendable {
    let contextLength: Int
    private let lock = NSLock()
    private let reply: @Sendable (String) -> (text: String, logProbability: Float)
    private(set) var prompts: [String] = []

    init(contextLength: Int = 4096, reply: @escaping @Sendable (String) -> (text: String, logProbability: Float)) {
        self.contextLength = contextLength
        self.reply = reply
    }

    convenience init(contextLength: Int = 4096, text: @escaping @Sendable (String) -> String) {
        self.init(contextLength: contextLength) { (text($0), -1) }
    }

    func tokenCount(_ text: String) -> Int { text.split(whereSeparator: \.isWhitespace).count }

    func complete(_ prompt: Prompt, parameters: GenerationParameters) async throws -> GenerationResult {
        let text: String
        switch prompt {
        case .chat(let messages): text = messages.map(\.content).joined(separator: "\n")
        case .chatContinuation(let messages, let prefix): text = messages.map(\.content).joined(separator: "\n") + "\n" + prefix
        default: text = "\(prompt)"
        }
        lock.withLock { prompts.append(text) }
        let (out, lp) = reply(text)
        let promptTokens = tokenCount(text)
        precondition(promptTokens <= contextLength, "prompt of \(promptTokens) tokens exceeds the context \(contextLength)")
        return GenerationResult(text: out, tokenIDs: [1, 2], promptTokenIDs: Array(repeating: 0, count: promptTokens),
                                reusedPromptTokens: 0, stopReason: .endOfGeneration, promptSeconds: 0,
                                generationSeconds: 0, decodeSteps: 1,
                                tokenLogProbabilities: parameters.recordLogProbabilities ? [lp, lp] : [])
    }

    var calls: Int { lock.withLock { prompts.count } }
}

/// A retriever over fixed passages: a query gets the passages sharing the most words with it;
/// `links` maps a chunk id to the ids it links to.
struct FixedRetriever: PassageRetriever {
    var passages: [Passage]
    var links: [Int64: [Int64]] = [:]
    /// Whether `named(in:)` finds the passages whose titles the question contains (else none).
    var findsNamedTitles = false

    func named(in question: String, limit: Int) throws -> [Passage] {
        guard findsNamedTitles else { return [] }
        let text = question.lowercased()
        return Array(passages.filter { text.contains($0.title.lowercased()) }
            .sorted { $0.title.count > $1.title.count }.prefix(limit))
    }

    func retrieve(_ query: String, limit: Int) throws -> [Passage] {
        let words = Set(AnswerMetrics.tokens(query))
        let scored = passages.map { p in (p, Set(AnswerMetrics.tokens(p.title + " " + p.text)).intersection(words).count) }
        return scored.filter { $0.1 > 0 }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.chunkID < $1.0.chunkID }
            .prefix(limit).map { var p = $0.0; p.score = Double($0.1); return p }
    }

    func linked(to seen: [Passage], question: String, limit: Int) throws -> [Passage] {
        let pairs = seen.flatMap { from in (links[from.chunkID] ?? []).map { (from: from.chunkID, to: $0) } }
        return Array(pairs.compactMap { pair in
            passages.first { $0.chunkID == pair.to }.map { var p = $0; p.via = pair.from; return p }
        }.prefix(limit))
    }
}

func passage(_ id: Int64, _ title: String, _ text: String) -> Passage {
    Passage(chunkID: id, document: "doc-\(id)", title: title, text: text)
}

/// Collects a strategy's events (observers may be called from any thread).
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [StrategyEvent] = []

    var observer: StrategyObserver { { event in self.lock.withLock { self.events.append(event) } } }

    /// The streamed answer text, joined.
    var answerText: String {
        lock.withLock {
            events.map { if case .answerText(let text) = $0 { return text } else { return "" } }.joined()
        }
    }
}
