import ArgumentParser
import Foundation
import RAG
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
            strategy, adaptive (the router's choice: single until the classifier lands) and oracle (per \
            question the cheapest strategy that was right).
            --out FILE appends one JSON line per question and strategy; a rerun with the same file \
            reuses its lines (spread a long evaluation over several runs). Change settings, change file.

            Examples:
              rag eval ../shared/data/questions/hotpotqa.dev.jsonl --index indexes/wiki --limit 20
              rag eval ../shared/data/questions/*.dev.jsonl --skip 200 --limit 40 --strategy none,single,notes --out runs/eval.jsonl
            """
    )

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var retrievalOptions: RetrievalOptions

    @Argument(help: ArgumentHelp("Question files (JSONL).", valueName: "questions"))
    var files: [String]

    @Option(name: .long, help: ArgumentHelp("all, or a comma-separated list of none,single,notes,ircot.", valueName: "list"))
    var strategy = "all"

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
        let kinds: [StrategyKind] = strategy == "all" ? StrategyKind.allCases : try strategy.split(separator: ",").map {
            guard let k = StrategyKind(rawValue: String($0)) else {
                throw ValidationError("unknown strategy '\($0)': use none, single, notes, ircot or all")
            }
            return k
        }
        var questions: [EvaluationQuestion] = []
        for file in files {
            let url = URL(fileURLWithPath: file)
            var loaded = Array(try LabelledQuestion.load(url).dropFirst(max(0, skip)))
            if maxQuestions > 0 { loaded = Array(loaded.prefix(maxQuestions)) }
            let fallback = url.deletingPathExtension().lastPathComponent
            questions += loaded.map { EvaluationQuestion(dataset: $0.dataset ?? fallback, question: $0) }
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
        let engine = try Engine(configuration: configuration, createIfMissing: false)
        let parameters = try retrievalOptions.parameters(strategy: .auto, limit: passages)
        let total = questions.count * kinds.count
        var done = 0, f1Sum = 0.0
        let showProgress = !quiet
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let started = Date()
        let records = try await engine.evaluate(questions, strategies: kinds, parameters: parameters, existing: existing) { record, reused in
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

        let order = ["none", "single"] + kinds.filter { $0 == .notes }.map { parameters.name($0) } + ["ircot"]
        let routeName = parameters.name(StrategyChoice.auto.resolved)
        let report = EvaluationReport(records: records, costOrder: order, route: { _ in routeName })
        if json {
            try Terminal.printJSON(report)
            return
        }
        let rowOrder = order + ["adaptive", "oracle"]
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
    }
}
