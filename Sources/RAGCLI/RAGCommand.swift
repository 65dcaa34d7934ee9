import ArgumentParser

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
            RemoveCommand.self, StatsCommand.self, EvalRetrievalCommand.self,
            EmbedCommand.self, GenerateCommand.self, TokenizeCommand.self, ModelsCommand.self,
        ]
    )
}
