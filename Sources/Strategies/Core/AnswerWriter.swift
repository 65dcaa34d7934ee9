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
    ///   - stream: report the text as `.answerText` events while it is generated.
    ///   - logProbability: record the answer's mean token log-probability.
    func write(_ messages: [ChatMessage], passages: [Passage], usage: inout ModelUsage,
               stream: Bool = true, logProbability: Bool = false) async throws -> Written {
        try Task.checkCancellation()
        let parameters = context.prompts.shortAnswerParameters(logProbabilities: logProbability)
        let result: GenerationResult
        if stream, let observer = context.observer {
            result = try await context.model.complete(.chat(messages), parameters: parameters) { observer(.answerText($0)) }
        } else {
            result = try await context.model.complete(.chat(messages), parameters: parameters)
        }
        usage.add(result)
        let cleaned = AnswerCleaner.clean(result.text)
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

    /// The passages an answer is found in (normalised substring), else those sharing the most of its
    /// words, at most three, in the order given; the first passage when nothing matches.
    static func cite(_ answer: String, in passages: [Passage], limit: Int = 3) -> [Passage] {
        guard !passages.isEmpty else { return [] }
        let target = AnswerMetrics.normalize(answer)
        let words = Set(AnswerMetrics.tokens(answer))
        if !target.isEmpty, !["yes", "no"].contains(target) {
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
