import ArgumentParser
import Foundation
import RAG
import Routing
import Strategies

/// `rag eval QUESTIONS...`: the Adaptive-RAG table (EM, F1, accuracy, steps, LM calls, time, recall).
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Answer labelled questions with each strategy and print the Adaptive-RAG table.",
        discussion: """
            QUESTIONS are JSONL files of {"id","question","answers":[...]} (optionally "dataset" and \
            "supporting_ids", the corpus ids of the gold passages, for recall). Scores use SQuAD \
            normalisation: EM, token F1, accuracy (a gold answer inside the prediction). Rows: each \
            strategy; adaptive, per question the strategy the question router chose (none, single or \
            notes, with --prefer; costs no extra model calls when that strategy is in the list); \
            adaptive (fast|balanced|accurate) for the other two preferences; oracle, per question the \
            cheapest strategy that was right. --strategy auto (the default) runs only the router's \
            choice per question; list strategies (or all) to compare them. Below the table: the \
            router's agreement with the silver labels of these questions (the simplest strategy that \
            was right), per route.
            --out FILE appends one JSON line per question and strategy; a rerun with the same file \
            reuses its lines (spread a long evaluation over several runs). Change settings, change file.

            Examples:
              rag eval ../shared/data/questions/hotpotqa.dev.jsonl --index indexes/wiki --limit 20
              rag eval ../shared/data/questions/*.dev.jsonl --skip 200 --limit 40 --strategy none,single,notes --out runs/eval.jsonl
              rag eval ../shared/data/questions/nq.dev.jsonl --skip 200 --limit 40 --prefer fast
            """
    )

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var retrievalOptions: RetrievalOptions
    @OptionGroup var routerOptions: RouterOptions

    @Argument(help: ArgumentHelp("Question files (JSONL).", valueName: "questions"))
    var files: [String]

    @Option(name: .long, help: ArgumentHelp(
        "auto (the router's choice per question), all, or a comma-separated list of auto,none,single,notes,ircot.",
        valueName: "list"))
    var strategy = "auto"

    @Option(name: .customLong("limit"), help: "Questions per file (0 = all).")
    var maxQuestions = 0

    @Option(name: .long, help: ArgumentHelp(
        "Passages per retrieval (default: 5 for single and notes, 6 for ircot).", valueName: "n"))
    var passages: Int?

    @Option(name: .long, help: "Skip this many questions at the start of each file (tune on the first ones, report on the rest).")
    var skip = 0

    @Option(name: .long, help: ArgumentHelp("Append per-question results here and reuse those already in it.", valueName: "file"))
    var out: String?

    @Flag(name: .long, help: "Print {\"overall\":{STRATEGY:{n,em,f1,acc,...}},\"datasets\":{...}} on stdout.")
    var json = false

    @Flag(name: [.short, .long], help: "No progress on stderr.")
    var quiet = false

    func run() async throws {
        let names = strategy.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        let routed = names.contains("auto")
        let kinds: [StrategyKind] = strategy == "all" ? StrategyKind.allCases : try names.filter { $0 != "auto" }.map {
            guard let k = StrategyKind(rawValue: $0) else {
                throw ValidationError("unknown strategy '\($0)': use auto, none, single, notes, ircot or all")
            }
            return k
        }
        var questions: [EvaluationQuestion] = []
        for file in files {
            questions += try LabelledQuestion.load(URL(fileURLWithPath: file), skip: skip, limit: maxQuestions)
                .map { EvaluationQuestion(dataset: $0.dataset!, question: $0) }
        }
        guard !questions.isEmpty else { throw CLIError("no questions in \(files.joined(separator: ", ")) (after --skip \(skip))") }

        var existing: [String: EvaluationRecord] = [:]
        var sink: FileHandle?
        if let out {
            let url = URL(fileURLWithPath: out)
            var endsMidLine = false
            if let text = try? String(contentsOf: url, encoding: .utf8) {
                for line in text.split(separator: "\n") {
                    if let r = try? JSONDecoder().decode(EvaluationRecord.self, from: Data(line.utf8)) { existing[r.key] = r }
                }
                endsMidLine = !text.isEmpty && !text.hasSuffix("\n")
            } else {
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                _ = FileManager.default.createFile(atPath: url.path, contents: nil)
            }
            guard let handle = FileHandle(forWritingAtPath: url.path) else { throw CLIError("cannot write \(out); check the path") }
            handle.seekToEndOfFile()
            // A run killed mid-line left a partial record: end it so the next record starts its own line.
            if endsMidLine { handle.write(Data("\n".utf8)) }
            sink = handle
        }

        var configuration = indexOptions.configuration
        modelOptions.apply(to: &configuration)
        routerOptions.apply(to: &configuration)
        let engine = try Engine(configuration: configuration, readOnly: true)
        var parameters = try retrievalOptions.parameters(strategy: .auto, limit: passages)
        parameters.preference = routerOptions.prefer

        // The router's choice per question under each preference (embedding each question once).
        let preferences = [routerOptions.prefer] + RoutePreference.allCases.filter { $0 != routerOptions.prefer }
        var routes: [[String: Route]] = []
        do {
            let lists = try engine.routes(questions.map(\.question.question), preferences: preferences)
            routes = lists.map { Dictionary(zip(questions.map(\.key), $0), uniquingKeysWith: { a, _ in a }) }
        } catch {
            if routed { throw error }
            if !quiet { Terminal.error("no adaptive rows: \(error)") }
        }
        let chosen = routed ? (routes.first ?? [:]).mapValues(\.strategy) : [:]
        let total = questions.count * kinds.count + (routed ? chosen.values.filter { !kinds.contains($0) }.count : 0)
        var done = 0, f1Sum = 0.0
        let showProgress = !quiet
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let started = Date()
        let records = try await engine.evaluate(questions, strategies: kinds, parameters: parameters, existing: existing,
                                                routes: chosen) { record, reused in
            done += 1
            f1Sum += record.f1
            if !reused, let sink, let data = try? encoder.encode(record) { sink.write(data + Data("\n".utf8)) }
            if showProgress {
                let line = String(format: "%d/%d  F1 %.1f  %@  %@ %@", done, total, 100 * f1Sum / Double(done),
                                  Terminal.duration(Date().timeIntervalSince(started)), record.strategy, record.dataset)
                if Terminal.stderrIsTerminal { FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8)) }
                else if done % 10 == 0 || done == total { Terminal.error(line) }
            }
        }
        if showProgress && Terminal.stderrIsTerminal { Terminal.error("") }
        try sink?.close()

        let order = ["none", parameters.name(.single), parameters.name(.notes), "ircot"]
        func routeRow(_ routes: [String: Route]) -> (EvaluationRecord) -> String {
            { record in routes[record.questionKey].map { parameters.name($0.strategy) } ?? "" }
        }
        var others: [String: (EvaluationRecord) -> String] = [:]
        for (preference, r) in zip(preferences, routes).dropFirst() { others["adaptive (\(preference.rawValue))"] = routeRow(r) }
        let report = EvaluationReport(records: records, costOrder: order, route: routes.first.map(routeRow), otherRoutes: others)
        // Silver labels need every listed strategy's lines: not the routed ones alone (--strategy auto).
        let listed = Set(kinds.map { parameters.name($0) })
        let labelled = kinds.count > 1 ? records.filter { listed.contains($0.strategy) } : []
        let agreement = labelled.isEmpty ? nil : routes.first.map { RouteAgreement.confusion(records: labelled, routes: $0) }
        // The classifier alone (its most probable route), apart from the cost weighting.
        let classifierAgreement = labelled.isEmpty ? nil : routes.first.map {
            RouteAgreement.confusion(records: labelled, routes: $0, label: \.mostProbable)
        }
        if json {
            try Terminal.printJSON(JSONOutput(overall: report.overall, datasets: report.datasets, router: routes.isEmpty ? nil :
                JSONOutput.Router(source: (try? engine.router().source) ?? "", rule: (try? engine.router().router.model.rule)?.rawValue,
                                  prefer: routerOptions.prefer.rawValue, silver: agreement,
                                  silverMostProbable: classifierAgreement)))
            return
        }
        let rowOrder = order + ["adaptive"] + preferences.dropFirst().map { "adaptive (\($0.rawValue))" } + ["oracle"]
        func printTable(_ title: String, _ rows: [String: EvaluationRow]) {
            print(title)
            print("  strategy                          n     EM     F1    Acc  steps  calls  s/q    med s  recall  reused")
            for name in rowOrder {
                guard let r = rows[name] else { continue }
                let padded = name.padding(toLength: 30, withPad: " ", startingAt: 0)
                print("  " + padded + String(format: " %4d  %5.1f  %5.1f  %5.1f  %5.2f  %5.2f  %5.2f  %5.2f  %@  %5.2f",
                                             r.n, r.em, r.f1, r.acc, r.steps, r.llmCalls, r.secondsPerQuestion,
                                             r.medianSeconds, r.recall.map { String(format: "%6.3f", $0) } ?? "     -",
                                             r.reusedShare))
            }
        }
        for dataset in report.datasets.keys.sorted() { printTable(dataset, report.datasets[dataset]!) }
        printTable("overall", report.overall)
        if let first = routes.first {
            let source = (try? engine.router().source) ?? "?"
            let counts = RouteLabel.allCases.map { l in "\(l.rawValue) \(first.values.filter { $0.label == l }.count)" }
            let rule = (try? engine.router().router.model.rule) == .expectedF1 ? "by expected F1" : "by label probabilities"
            print("router: \(source) (\(rule)), prefer \(routerOptions.prefer.rawValue); routes \(counts.joined(separator: ", "))")
            func accuracy(_ title: String, _ m: ConfusionMatrix?) {
                guard let m, m.total > 0 else { return }
                let perClass = zip(RouteLabel.allCases, m.perClassAccuracy).map { l, a in
                    "\(l.rawValue) " + (a.map { String(format: "%.1f%%", 100 * $0) } ?? "-") + " of \(m.support[l.index])"
                }
                print(String(format: "  %@ %.1f%% of %d (%@)", title, 100 * m.accuracy, m.total, perClass.joined(separator: ", ")))
            }
            accuracy("silver-label accuracy", agreement)
            accuracy(rule == "by expected F1" ? "the label classifier's most probable route (shown; routes follow expected F1):"
                                              : "the classifier's most probable route (before the cost weighting):", classifierAgreement)
        }
    }

    /// `--json`: the table's rows, and the router's agreement with the silver labels.
    struct JSONOutput: Encodable {
        struct Router: Encodable {
            var source: String
            var rule: String?
            var prefer: String
            /// Silver label × route (nil with --strategy auto alone: silver labels need every strategy's lines).
            var silver: ConfusionMatrix?
            /// Silver label × the classifier's most probable route (before the cost weighting).
            var silverMostProbable: ConfusionMatrix?

            enum CodingKeys: String, CodingKey { case source, rule, prefer, silver, silverMostProbable = "silver_most_probable" }
        }
        var overall: [String: EvaluationRow]
        var datasets: [String: [String: EvaluationRow]]
        var router: Router?
    }
}
