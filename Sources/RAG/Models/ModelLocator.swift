import Foundation

/// Finds the model files rag needs, with one rule for the CLI and for library users alike.
///
/// A model comes from, in this order:
/// 1. the value given explicitly (`-m/--model`, `--embedding-model`, or the ``EngineConfiguration`` field);
/// 2. the environment: `RAG_MODEL` (a name from ``ModelCatalog`` or a GGUF path) and
///    `RAG_EMBEDDING_MODEL` (an all-MiniLM-L6-v2 folder);
/// 3. a `models/` folder beside the index (next to the index folder, or next to its parent for the
///    `indexes/NAME` layout), then `models/` in the working directory;
/// 4. `models/` in the package root of the running binary (a checkout's `.build/release/rag` finds
///    the checkout's `models/`), or `../share/rag/models` beside an installed binary.
///
/// When nothing is found the error lists the folders searched and the `rag models pull` command
/// that installs the model.
///
/// For example:
/// ```swift
/// let locator = ModelLocator(indexDirectory: URL(fileURLWithPath: "indexes/default"))
/// let gguf = try locator.languageModel("smollm2-135m")   // …/models/SmolLM2-135M-Instruct.Q4_1.gguf
/// let minilm = try locator.embeddingModel(nil)           // …/models/all-MiniLM-L6-v2
/// ```
public struct ModelLocator: Sendable {
    /// The index the models serve (its neighbourhood is searched), if any.
    public var indexDirectory: URL?
    /// The environment read for `RAG_MODEL` and `RAG_EMBEDDING_MODEL`.
    public var environment: [String: String]
    /// The folder relative paths are taken from, and whose `models/` is searched.
    public var workingDirectory: URL
    /// The running binary, whose package root (or install prefix) is searched last.
    public var executable: URL?

    /// The environment variable naming the language model (a name or a GGUF path).
    public static let languageModelKey = "RAG_MODEL"
    /// The environment variable naming the embedding model folder.
    public static let embeddingModelKey = "RAG_EMBEDDING_MODEL"
    public static let defaultName = ModelCatalog.defaultName

    /// Help text for `-m/--model`.
    public static let help = "Model GGUF path or name: \(ModelCatalog.names.joined(separator: " | ")) (default: $RAG_MODEL, else \(defaultName)), found in models/ beside the index, here, or in rag's own folder."
    /// Help text for `--embedding-model`.
    public static let embeddingHelp = "\(ModelCatalog.embeddingModel.folder) folder (default: $RAG_EMBEDDING_MODEL, else models/\(ModelCatalog.embeddingModel.folder) beside the index, here, or in rag's own folder)."

    public init(indexDirectory: URL? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                executable: URL? = ModelLocator.runningExecutable()) {
        self.indexDirectory = indexDirectory
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.executable = executable
    }

    // MARK: Language models

    /// The GGUF file for `value` (a catalogue name or a path), else `$RAG_MODEL`, else the default.
    ///
    /// - Throws: `RAGError.languageModelMissing` naming what was looked for, where, and the
    ///   `rag models pull` command that installs it.
    public func languageModel(_ value: String?) throws -> URL {
        var chosen = Self.defaultName, origin = "the default"
        if let value, !value.isEmpty {
            (chosen, origin) = (value, "-m")
        } else if let env = environment[Self.languageModelKey], !env.isEmpty {
            (chosen, origin) = (env, "$\(Self.languageModelKey)")
        }
        if let entry = ModelCatalog.entry(named: chosen) {
            if let found = installed(entry) { return found }
            throw RAGError.languageModelMissing(
                "model '\(entry.name)' (\(entry.file)) not found in \(list(searchDirectories())): "
                + "run `rag models pull \(entry.name)` or pass -m PATH")
        }
        let url = resolve(chosen)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw RAGError.languageModelMissing(
                "model '\(chosen)' (from \(origin)) is neither a GGUF file nor a known name (\(ModelCatalog.names.joined(separator: ", "))): "
                + "run `rag models pull \(Self.defaultName)` or pass -m PATH")
        }
        return url
    }

    /// Where the named model's file is, if it is in one of the search directories.
    public func installed(_ entry: ModelCatalog.Entry) -> URL? {
        searchDirectories().map { $0.appendingPathComponent(entry.file) }
            .first { FileManager.default.fileExists(atPath: $0.path) }
    }

    // MARK: Embedding model

    /// The all-MiniLM-L6-v2 folder: `directory` if given, else `$RAG_EMBEDDING_MODEL`, else the
    /// first search directory holding it (with its weights, so a half-unpacked folder is passed over).
    ///
    /// - Throws: `RAGError.embeddingModelMissing` listing where it looked.
    public func embeddingModel(_ directory: URL?) throws -> URL {
        let entry = ModelCatalog.embeddingModel
        var given = directory
        if given == nil, let env = environment[Self.embeddingModelKey], !env.isEmpty { given = resolve(env) }
        if let given {
            guard Self.holdsEmbeddingModel(given) else {
                throw RAGError.embeddingModelMissing(searched: [given.path], pull: entry.name)
            }
            return given
        }
        if let found = installedEmbeddingModel() { return found }
        throw RAGError.embeddingModelMissing(
            searched: searchDirectories().map { $0.appendingPathComponent(entry.folder).path }, pull: entry.name)
    }

    /// The embedding model's folder, if one of the search directories holds it.
    public func installedEmbeddingModel() -> URL? {
        searchDirectories().map { $0.appendingPathComponent(ModelCatalog.embeddingModel.folder) }
            .first(where: Self.holdsEmbeddingModel)
    }

    static func holdsEmbeddingModel(_ folder: URL) -> Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent(ModelCatalog.embeddingModel.weights).path)
    }

    // MARK: Folders

    /// The folder `rag models pull` writes to: the one holding an installed model, else `models/`
    /// in the working directory.
    public func installDirectory() -> URL {
        for entry in ModelCatalog.entries {
            if let found = installed(entry) { return found.deletingLastPathComponent() }
        }
        if let found = installedEmbeddingModel() { return found.deletingLastPathComponent() }
        return workingDirectory.appendingPathComponent("models").standardizedFileURL
    }

    /// The `models/` folders searched, in order (steps 3 and 4 above; duplicates removed).
    public func searchDirectories() -> [URL] {
        var directories: [URL] = []
        if let indexDirectory {
            let parent = indexDirectory.standardizedFileURL.deletingLastPathComponent()
            directories.append(parent.appendingPathComponent("models"))
            directories.append(parent.deletingLastPathComponent().appendingPathComponent("models"))
        }
        directories.append(workingDirectory.appendingPathComponent("models"))
        if let executable {
            let folder = executable.deletingLastPathComponent()
            if let root = Self.packageRoot(above: folder) { directories.append(root.appendingPathComponent("models")) }
            directories.append(folder.appendingPathComponent("../share/rag/models"))
        }
        var seen = Set<String>()
        return directories.map(\.standardizedFileURL).filter { seen.insert($0.path).inserted }
    }

    /// The nearest folder at or above `folder` holding Package.swift (a few levels: `.build/<triple>/release`).
    static func packageRoot(above folder: URL) -> URL? {
        var url = folder.standardizedFileURL
        for _ in 0..<6 {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            if url.path == "/" { break }
            url.deleteLastPathComponent()
        }
        return nil
    }

    /// The running binary with symlinks resolved (`/proc/self/exe` on Linux).
    public static func runningExecutable() -> URL? {
        let proc = URL(fileURLWithPath: "/proc/self/exe")
        if FileManager.default.fileExists(atPath: proc.path) { return proc.resolvingSymlinksInPath() }
        return Bundle.main.executableURL?.resolvingSymlinksInPath()
    }

    /// A user-given path (`~` expanded), relative to the working directory.
    private func resolve(_ path: String) -> URL {
        let expanded = (path as NSString).expandingTildeInPath
        return expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded)
            : workingDirectory.appendingPathComponent(expanded).standardizedFileURL
    }

    private func list(_ urls: [URL]) -> String { urls.map(\.path).joined(separator: ", ") }
}
