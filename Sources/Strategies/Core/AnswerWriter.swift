import Foundation
import LanguageModels

/// The final answer call every strategy ends with: generate a short answer (streamed to the
/// observer), clean it, snap it to the passages, and cite the passages it came from.
struct AnswerWriter {
    var context: StrategyContext

    struct Written {
        var answer: String
        var raw: String
        var citations: [Passage]
        /// Mean log-probability of the generated tokens (when asked for).
        var logProbability: Double?
    }

    /// - Parameters:
    ///   - question: the question asked; when its wording does not ask yes or no and the model
    ///     replies with a bare yes or no anyway, the writer asks once more in the same chat (the
    ///     prompt's prefix comes from the cache) and keeps the second reply if it is a phrase.
    ///   - stream: report the text as `.answerText` events while it is generated (a reply that may
    ///     still become a bare yes or no is held back until it cannot).
    ///   - logProbability: record the answer's mean token log-probability.
    func write(_ messages: [ChatMessage], question: String, passages: [Passage], usage: inout ModelUsage,
               stream: Bool = true, logProbability: Bool = false) async throws -> Written {
        let yesNoAllowed = QuestionForm.expectsYesNo(question)
        let observer = stream ? context.observer : nil
        let gate = observer.map { StreamGate(holdsYesOrNo: !yesNoAllowed, emit: $0) }
        var result = try await generate(messages, logProbability: logProbability, gate: gate)
        usage.add(result)
        var cleaned = AnswerCleaner.clean(result.text)
        if !yesNoAllowed && QuestionForm.isYesOrNo(cleaned) {
            let again = messages + [.assistant(result.text), .user(context.prompts.notYesOrNo)]
            let retryGate = observer.map { StreamGate(holdsYesOrNo: true, emit: $0) }
            let second = try await generate(again, logProbability: logProbability, gate: retryGate)
            usage.add(second)
            let secondCleaned = AnswerCleaner.clean(second.text)
            if !secondCleaned.isEmpty && !QuestionForm.isYesOrNo(secondCleaned) {
                (result, cleaned) = (second, secondCleaned)
                retryGate?.finish()
            } else {
                gate?.finish()
            }
        } else {
            gate?.finish()
        }
        let answer = context.snapper.map { $0.snap(cleaned, to: passages.map(\.text)) } ?? cleaned
        var meanLogProbability: Double?
        if logProbability {
            // The end-of-turn or newline token closes the answer: its probability counts too (a
            // confident short answer ends at once).
            let values = result.tokenLogProbabilities
            meanLogProbability = values.isEmpty ? -.infinity : values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        }
        return Written(answer: answer, raw: result.text, citations: Self.cite(answer, in: passages),
                       logProbability: meanLogProbability)
    }

    private func generate(_ messages: [ChatMessage], logProbability: Bool, gate: StreamGate?) async throws -> GenerationResult {
        try Task.checkCancellation()
        let parameters = context.prompts.shortAnswerParameters(logProbabilities: logProbability)
        guard let gate else { return try await context.model.complete(.chat(messages), parameters: parameters) }
        return try await context.model.complete(.chat(messages), parameters: parameters) { gate.receive($0) }
    }

    /// The passages an answer is found in (normalised substring), else those sharing the most of its
    /// words, at most three, in the order given; the first passage when nothing matches.
    static func cite(_ answer: String, in passages: [Passage], limit: Int = 3) -> [Passage] {
        guard !passages.isEmpty else { return [] }
        let target = AnswerMetrics.normalize(answer)
        let words = Set(AnswerMetrics.tokens(answer))
        if !target.isEmpty, !QuestionForm.isYesOrNo(answer) {
            let containing = passages.filter { AnswerMetrics.normalize($0.title + " " + $0.text).contains(target) }
            if !containing.isEmpty { return Array(containing.prefix(limit)) }
        }
        let overlaps = passages.map { p in Set(AnswerMetrics.tokens(p.text)).intersection(words).count }
        if let best = overlaps.max(), best > 0 {
            return Array(zip(passages, overlaps).filter { $0.1 == best }.map(\.0).prefix(limit))
        }
        return [passages[0]]
    }
}

/// Passes streamed answer text on, holding it back while it may still be a bare "yes" or "no" (when
/// asked to), so a reply the writer will replace never reaches the reader.
final class StreamGate: @unchecked Sendable {
    private let lock = NSLock()
    private let emit: StrategyObserver
    private var held = ""
    private var holding: Bool

    init(holdsYesOrNo: Bool, emit: @escaping StrategyObserver) {
        self.holding = holdsYesOrNo
        self.emit = emit
    }

    func receive(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        guard holding else { emit(.answerText(text)); return }
        held += text
        let letters = held.lowercased().filter(\.isLetter)
        let mayBecomeYesOrNo = ["yes", "no"].contains { $0.hasPrefix(letters) }
            && held.allSatisfy { $0.isLetter || $0.isWhitespace || $0.isPunctuation }
        if !mayBecomeYesOrNo { flush() }
    }

    /// The reply is kept: pass on what was held back.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        flush()
    }

    private func flush() {
        holding = false
        if !held.isEmpty { emit(.answerText(held)) }
        held = ""
    }
}

/// Wall-clock seconds since creation.
struct Stopwatch {
    private let start = DispatchTime.now().uptimeNanoseconds
    var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    /// Runs `body`, adding its duration to `total`.
    static func time<T>(_ total: inout Double, _ body: () throws -> T) rethrows -> T {
        let watch = Stopwatch()
        defer { total += watch.seconds }
        return try body()
    }
}
