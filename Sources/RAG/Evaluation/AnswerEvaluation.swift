import Foundation
import Strategies

/// One question answered by one strategy, scored: a line of `rag eval --out`.
public struct EvaluationRecord: Sendable, Codable, Equatable {
    public var id: String
    public var dataset: String
    public var strategy: String
    public var question: String
    public var prediction: String
    public var gold: [String]
    public var em: Double
    public var f1: Double
    public var acc: Double
    public var steps: Int
    public var llmCalls: Int
    public var promptTokens: Int
    public var reusedPromptTokens: Int
    public var generatedTokens: Int
    public var seconds: Double
    /// Share of the supporting passages among the passages the strategy saw (nil without labels).
    public var recall: Double?
    public var passagesSeen: Int
    public var citations: [String]
    /// Why a multi-step strategy stopped (nil for one-step strategies and in older lines).
    public var stopReason: String?
    /// Of `seconds`, the time spent in the language model and in retrieval (nil in older lines).
    public var modelSeconds: Double?
    public var retrievalSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case id, dataset, strategy, question, prediction, gold, em, f1, acc, steps
        case llmCalls = "llm_calls", promptTokens = "prompt_tokens", reusedPromptTokens = "reused_prompt_tokens"
        case generatedTokens = "generated_tokens", seconds, recall, passagesSeen = "passages_seen", citations
        case stopReason = "stop_reason", modelSeconds = "model_seconds", retrievalSeconds = "retrieval_seconds"
    }

    /// The key a rerun finds the record by.
    public var key: String { "\(dataset)\u{1F}\(id)\u{1F}\(strategy)" }

    /// The key of the question the record answers (dataset and id).
    public var questionKey: String { "\(dataset)\u{1F}\(id)" }
}

/// Averages of one strategy over a set of questions: a row of the Adaptive-RAG table.
public struct EvaluationRow: Sendable, Codable, Equatable {
    public var n: Int
    public var em: Double
    public var f1: Double
    public var acc: Double
    public var steps: Double
    public var llmCalls: Double
    public var secondsPerQuestion: Double
    public var medianSeconds: Double
    /// Mean supporting-passage recall over the questions that have labels (nil when none have).
    public var recall: Double?
    /// Share of prompt tokens served from the KV cache.
    public var reusedShare: Double

    enum CodingKeys: String, CodingKey {
        case n, em, f1, acc, steps, llmCalls = "llm_calls", secondsPerQuestion = "seconds_per_question"
        case medianSeconds = "median_seconds", recall, reusedShare = "reused_share"
    }

    public init(_ records: [EvaluationRecord]) {
        n = records.count
        let count = Double(max(1, records.count))
        func mean(_ f: (EvaluationRecord) -> Double) -> Double { records.reduce(0) { $0 + f($1) } / count }
        em = 100 * mean(\.em)
        f1 = 100 * mean(\.f1)
        acc = 100 * mean(\.acc)
        steps = mean { Double($0.steps) }
        llmCalls = mean { Double($0.llmCalls) }
        secondsPerQuestion = mean(\.seconds)
        let times = records.map(\.seconds).sorted()
        medianSeconds = times.isEmpty ? 0 : times.count % 2 == 1 ? times[times.count / 2]
            : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
        let labelled = records.compactMap(\.recall)
        recall = labelled.isEmpty ? nil : labelled.reduce(0, +) / Double(labelled.count)
        let prompt = records.reduce(0) { $0 + $1.promptTokens }
        reusedShare = prompt > 0 ? Double(records.reduce(0) { $0 + $1.reusedPromptTokens }) / Double(prompt) : 0
    }
}

/// The table: per strategy overall and per dataset, with the `adaptive` and `oracle` rows.
public struct EvaluationReport: Sendable, Codable {
    public var overall: [String: EvaluationRow]
    public var datasets: [String: [String: EvaluationRow]]

    /// Rows from records. `adaptive` takes, per question, the record of the strategy the router
    /// chose (`route(question)`), for every question that has it; each of `otherRoutes` makes a row
    /// of its name the same way (e.g. the router with another `--prefer`). `oracle` takes the
    /// cheapest strategy (in `costOrder`) that was right (accuracy 1), else the one with the best F1,
    /// over the questions every strategy answered — Adaptive-RAG's oracle classifier (arXiv 2403.14403 Table 1).
    public init(records: [EvaluationRecord], costOrder: [String], route: ((EvaluationRecord) -> String)?,
                otherRoutes: [String: (EvaluationRecord) -> String] = [:]) {
        var byQuestion: [String: [String: EvaluationRecord]] = [:]
        var order: [String] = []
        for r in records {
            let q = "\(r.dataset)\u{1F}\(r.id)"
            if byQuestion[q] == nil { order.append(q) }
            byQuestion[q, default: [:]][r.strategy] = r
        }
        var rows = records
        let strategies = costOrder.filter { s in records.contains { $0.strategy == s } }
        var routes = otherRoutes
        if let route { routes["adaptive"] = route }
        for q in order {
            let done = byQuestion[q]!
            if let any = done.values.first {
                for (name, route) in routes {
                    guard var chosen = done[route(any)] else { continue }
                    chosen.strategy = name
                    rows.append(chosen)
                }
            }
            // Only questions every strategy answered, so the rows compare like with like.
            guard strategies.count > 1, strategies.allSatisfy({ done[$0] != nil }) else { continue }
            let candidates = strategies.map { done[$0]! }
            var oracle = candidates.first { $0.acc >= 1 }
                ?? candidates.max { $0.f1 != $1.f1 ? $0.f1 < $1.f1 : false }!
            oracle.strategy = "oracle"
            rows.append(oracle)
        }
        var overall: [String: [EvaluationRecord]] = [:]
        var datasets: [String: [String: [EvaluationRecord]]] = [:]
        for r in rows {
            overall[r.strategy, default: []].append(r)
            datasets[r.dataset, default: [:]][r.strategy, default: []].append(r)
        }
        self.overall = overall.mapValues(EvaluationRow.init)
        self.datasets = datasets.mapValues { $0.mapValues(EvaluationRow.init) }
    }
}

/// A question to evaluate, with the dataset it is reported under.
public struct EvaluationQuestion: Sendable {
    public var dataset: String
    public var question: LabelledQuestion

    public init(dataset: String, question: LabelledQuestion) {
        self.dataset = dataset
        self.question = question
    }

    /// The question's key in results: dataset and id (as ``EvaluationRecord/questionKey``).
    public var key: String { "\(dataset)\u{1F}\(question.id)" }
}

extension Engine {
    /// Answers each question with each strategy and scores it (EM, F1, accuracy, supporting-passage
    /// recall); questions already in `existing` (by dataset, id and strategy name) are not rerun.
    /// `routes` (by ``EvaluationQuestion/key``) adds, per question, the strategy the router chose when it
    /// is not among `strategies` (`rag eval --strategy auto`).
    ///
    /// For example:
    /// ```swift
    /// let questions = try LabelledQuestion.load(url).map { EvaluationQuestion(dataset: "hotpotqa", question: $0) }
    /// let records = try await engine.evaluate(questions, strategies: [.single, .notes]) { print($0.f1) }
    /// let table = EvaluationReport(records: records, costOrder: ["none", "single", "notes"], route: nil)
    /// ```
    /// - Parameter onRecord: called after each new record (to append it to a file, show progress).
    /// - Returns: the records of every (question, strategy), reused and new, in order.
    public func evaluate(_ questions: [EvaluationQuestion], strategies: [StrategyKind],
                         parameters: AskParameters = AskParameters(), existing: [String: EvaluationRecord] = [:],
                         routes: [String: StrategyKind] = [:],
                         onRecord: (EvaluationRecord, _ reused: Bool) -> Void = { _, _ in }) async throws -> [EvaluationRecord] {
        var contexts: [StrategyKind: StrategyContext] = [:]
        var records: [EvaluationRecord] = []
        for item in questions {
            var kinds = strategies
            if let routed = routes[item.key], !kinds.contains(routed) { kinds.append(routed) }
            for kind in kinds {
                let name = parameters.name(kind)
                let q = item.question
                let key = "\(item.dataset)\u{1F}\(q.id)\u{1F}\(name)"
                if let done = existing[key] {
                    records.append(done)
                    onRecord(done, true)
                    continue
                }
                try Task.checkCancellation()
                if contexts[kind] == nil {
                    contexts[kind] = try strategyContext(kind: kind, model: answeringModel ?? servedLanguageModel() ?? languageModel(),
                                                         parameters: parameters, observer: nil)
                }
                // A fresh retriever per question: it caches the question's embedding.
                var context = contexts[kind]!
                if kind != .none { context.retriever = try IndexPassageRetriever(engine: self, kind: parameters.retriever) }
                let watch = DispatchTime.now().uptimeNanoseconds
                let result = try await parameters.strategy(kind).answer(q.question, context: context)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - watch) / 1e9
                let gold = q.answers ?? []
                let record = EvaluationRecord(
                    id: q.id, dataset: item.dataset, strategy: name, question: q.question, prediction: result.answer,
                    gold: gold, em: AnswerMetrics.exactMatch(result.answer, gold: gold),
                    f1: AnswerMetrics.f1(result.answer, gold: gold), acc: AnswerMetrics.accuracy(result.answer, gold: gold),
                    steps: result.steps, llmCalls: result.usage.calls, promptTokens: result.usage.promptTokens,
                    reusedPromptTokens: result.usage.reusedPromptTokens, generatedTokens: result.usage.generatedTokens,
                    seconds: seconds, recall: Self.supportRecall(q, seen: result.passagesSeen),
                    passagesSeen: result.passagesSeen.count, citations: result.citations.map(\.document),
                    stopReason: result.stopReason, modelSeconds: result.usage.seconds,
                    retrievalSeconds: result.retrievalSeconds)
                records.append(record)
                onRecord(record, false)
            }
        }
        return records
    }

    /// Share of a question's supporting passages among `seen`: by corpus id (a JSONL passage's
    /// document name), else by document name, file name or title (`supporting_titles`).
    static func supportRecall(_ q: LabelledQuestion, seen: [Passage]) -> Double? {
        if let ids = q.supportingIDs, !ids.isEmpty {
            let names = Set(seen.flatMap { [$0.document, URL(fileURLWithPath: $0.document).lastPathComponent] })
            let gold = Set(ids)
            return Double(gold.intersection(names).count) / Double(gold.count)
        }
        if let titles = q.supportingTitles, !titles.isEmpty {
            let names = Set(seen.flatMap { [$0.title.lowercased(), URL(fileURLWithPath: $0.document).lastPathComponent.lowercased()] })
            let gold = Set(titles.map { $0.lowercased() })
            return Double(gold.intersection(names).count) / Double(gold.count)
        }
        return nil
    }
}
