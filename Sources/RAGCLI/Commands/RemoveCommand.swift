import ArgumentParser
import Foundation
import RAG

/// `rag remove PATH...`: drop files' documents from the index.
struct RemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove files' documents and chunks from the index.",
        discussion: "Example: rag remove docs/old-notes.md"
    )

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: ArgumentHelp("Files to remove, as they were ingested.", valueName: "path"))
    var paths: [String]

    func run() async throws {
        let engine = try Engine(configuration: indexOptions.configuration, createIfMissing: false)
        let summary = try engine.remove(paths: paths.map(RawArguments.path))
        if summary.chunksRemoved == 0 {
            throw CLIError("\(paths.joined(separator: ", ")) not in the index \(engine.indexLocation): see `rag stats`, or give the path as it was ingested")
        }
        if output.json {
            struct Output: Encodable { var chunks_removed: Int }
            try Terminal.printJSON(Output(chunks_removed: summary.chunksRemoved))
        } else if !output.quiet {
            Terminal.error("removed \(summary.chunksRemoved) chunk(s)")
        }
    }
}
