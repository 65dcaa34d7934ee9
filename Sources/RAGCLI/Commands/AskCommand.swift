import ArgumentParser
import Foundation
import RAG
import Strategies

/// `rag ask QUESTION`: answer from the index with cited sources.
struct AskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Answer a question from your documents, citing the passages used.",
        discussion: """
            Strategies: none (the model alone), single (one retrieval), notes (iterative retrieval with a \
            note, Adaptive-Note), ircot (retrieval interleaved with reasoning sentences). auto (the \
            default) lets the question router choose none (A), single (B) or notes (C) from the question \
            alone: the index's own router (router.json in the index folder, from `rag router train`) if \
            it has one, else the one shipped with rag. --prefer fast|accurate shifts the choice by each \
            route's measured time. The strategy line on stderr shows the router's A/B/C probabilities and, \
            for a router trained on every route's results, each route's expected F1, which it chooses by \
            (the best expected F1 less the route's share of the slowest route's time, times a cost weight).
            The answer streams as it is generated on a terminal, then the sources, the strategy, steps \
            and time. --verbose shows each round (queries, passages, note, verdict) on stderr.

            Examples:
              rag ask "How does the FTS5 bm25 function rank results?"
              rag ask "Who directed the film that won the 1994 Palme d'Or?" --strategy notes -v
              rag ask "What is WAL mode?" --json | jq -r .answer
              rag ask "Is Heat older than Alien?" --prefer fast
            """
    )

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var retrievalOptions: RetrievalOptions
    @OptionGroup var routerOptions: RouterOptions

    @Argument(help: "The question; - reads it from stdin.")
    var question: String

    @Option(name: .long, help: ArgumentHelp(
        "Passages per retrieval (default: 5 for single and notes, 6 for ircot).", valueName: "n"))
    var limit: Int?

    @Option(name: .long, help: ArgumentHelp("auto | none | single | notes | ircot.", valueName: "strategy"))
    var strategy: StrategyChoice = .auto

    @Flag(name: .long, help: "Print {answer, strategy, probabilities, citations, steps, llm_calls, seconds, ...} on stdout.")
    var json = false

    @Flag(name: [.short, .long], help: "Show each retrieval round, note and verdict on stderr.")
    var verbose = false

    func run() async throws {
        var question = self.question
        if question == "-" { question = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) }
        guard !question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw CLIError(RAGError.emptyQuestion.description) }
        var configuration = indexOptions.configuration
        modelOptions.apply(to: &configuration)
        routerOptions.apply(to: &configuration)
        let engine = try Engine(configuration: configuration, readOnly: true)
        var parameters = try retrievalOptions.parameters(strategy: strategy, limit: limit)
        parameters.preference = routerOptions.prefer
        let streamText = !json
        let verbose = self.verbose
        let answer = try await engine.ask(question, parameters: parameters) { event in
            switch event {
            case .answerText(let text) where streamText:
                FileHandle.standardOutput.write(Data(text.utf8))
            case .answerText:
                break
            default:
                if verbose { Terminal.error(Self.describe(event)) }
            }
        }
        if json {
            try Terminal.printJSON(AnswerSummary(answer))
            return
        }
        // The streamed text is the model's; print the final (cleaned, snapped) answer when it differs.
        FileHandle.standardOutput.write(Data("\n".utf8))
        if answer.text != answer.rawAnswer.trimmingCharacters(in: .whitespacesAndNewlines) { print("→ \(answer.text)") }
        if !answer.citations.isEmpty {
            print("\nSources:")
            for (i, c) in answer.citations.enumerated() {
                let heading = c.heading.isEmpty || c.heading == c.title ? "" : " › \(c.heading)"
                print(Terminal.visible("  [\(i + 1)] \(c.title.isEmpty ? c.document : c.title)\(heading)  (\(c.document))"))
                print("      \(Terminal.visible(Snippet.make(c.text, query: answer.text)))")
            }
        }
        let p = answer.probabilities
        let expected = answer.expectedF1.map { String(format: "; expected F1 A %.2f, B %.2f, C %.2f", $0.A, $0.B, $0.C) } ?? ""
        Terminal.error(String(format: "strategy: %@%@ (A %.2f, B %.2f, C %.2f%@) · %d step(s) · %d LM call(s) · %.1f s",
                              answer.strategyName, answer.choice == .auto ? " (auto)" : "", p.A, p.B, p.C, expected,
                              answer.steps, answer.llmCalls, answer.seconds))
    }

    static func describe(_ event: StrategyEvent) -> String {
        switch event {
        case .retrieved(let round, let query, let passages):
            let titles = passages.map(\.label).joined(separator: " | ")
            return "[round \(round)] retrieved \(passages.count) for \"\(query.prefix(80))\": \(titles)"
        case .note(let round, let text):
            return "[round \(round)] note: \(text.replacingOccurrences(of: "\n", with: " ").prefix(300))"
        case .verdict(let round, let accepted, let reason):
            return "[round \(round)] \(accepted ? "accepted" : "rejected"): \(reason)"
        case .thought(let round, let text):
            return "[round \(round)] \(text)"
        case .answerText(let text):
            return text
        case .stopped(let reason):
            return "stopped: \(reason)"
        }
    }
}

extension StrategyChoice: ExpressibleByArgument {}
