import ArgumentParser
import Foundation

/// The `rag` command line: ask questions of your own documents, locally.
@main
struct RAGCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rag",
        abstract: "Adaptive retrieval-augmented question answering over your own documents, locally.",
        discussion: """
            Index documents with `rag ingest`, ask them questions with `rag ask`, look at what retrieval \
            finds with `rag search`, measure answers with `rag eval`, train the question router with \
            `rag router train`, serve it all over HTTP with `rag serve`.
            Every command takes --index DIR (default: $RAG_INDEX, else ./indexes/default).
            """,
        subcommands: [
            IngestCommand.self, AskCommand.self, SearchCommand.self, EvalCommand.self, ServeCommand.self, RouterCommand.self,
            RemoveCommand.self, StatsCommand.self, MigrateCommand.self, EvalRetrievalCommand.self,
            EmbedCommand.self, GenerateCommand.self, TokenizeCommand.self, ModelsCommand.self,
        ]
    )

    /// Runs the command line, first catching a query or question that starts with `-`, which
    /// the parser would take for options (`rag search -alpha` would print the help, for its `h`).
    static func main() async {
        if let message = DashedText.problem(in: Array(CommandLine.arguments.dropFirst())) {
            FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        await main(nil)
    }
}

/// Free text (a query, a question) that begins with `-`, given without `--` before it.
enum DashedText {
    /// Per command taking free text, its short options that take a value (glued forms like `-mqwen`
    /// are options, not text).
    static let commands: [String: Set<Character>] = ["search": [], "ask": ["m", "c"]]

    /// The usage error for the first such argument, or nil.
    static func problem(in arguments: [String]) -> String? {
        guard let command = arguments.first, let valued = commands[command] else { return nil }
        for argument in arguments.dropFirst() {
            if argument == "--" { return nil }
            guard argument.count > 2, argument.hasPrefix("-"), !argument.hasPrefix("--") else { continue }
            let letters = argument.dropFirst()
            guard let first = letters.first, first.isLetter, !valued.contains(first) else { continue }
            return "unknown option '\(argument)': text that starts with '-' goes after '--', as in: rag \(command) -- \(argument)"
        }
        return nil
    }
}
