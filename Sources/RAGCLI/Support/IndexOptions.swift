import ArgumentParser
import Foundation
import RAG

/// `--index DIR`, shared by every command that reads or writes an index.
struct IndexOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Index folder (default: $RAG_INDEX, else ./indexes/default).", valueName: "dir"))
    var index: String?

    @Option(name: .long, help: ArgumentHelp(
        "all-MiniLM-L6-v2 folder (default: $RAG_EMBEDDING_MODEL, else models/all-MiniLM-L6-v2).", valueName: "dir"))
    var embeddingModel: String?

    /// Flag > environment > default, resolved here only.
    var indexDirectory: URL {
        if let index { return URL(fileURLWithPath: index) }
        return EngineConfiguration.defaultIndexDirectory()
    }

    var configuration: EngineConfiguration {
        var directory: URL? = embeddingModel.map { URL(fileURLWithPath: $0) }
        if directory == nil, let env = ProcessInfo.processInfo.environment["RAG_EMBEDDING_MODEL"], !env.isEmpty {
            directory = URL(fileURLWithPath: env)
        }
        return EngineConfiguration(indexDirectory: indexDirectory, embeddingModelDirectory: directory)
    }
}

/// `--json`, for scripts.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print one JSON object on stdout instead of text.")
    var json = false

    @Flag(name: [.short, .long], help: "No progress or summary on stderr.")
    var quiet = false
}
