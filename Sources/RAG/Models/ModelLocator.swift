import Foundation

/// Resolves `-m/--model PATH|NAME` to a GGUF file: flag > `RAG_MODEL` > the default name.
///
/// Names map to the files the setup script unpacks into `models/`, looked up relative to the
/// working directory and to the executable (`../../models` from `.build/release/rag`).
///
/// For example: `try ModelLocator.resolve("smollm2-135m")` is `…/models/SmolLM2-135M-Instruct.Q4_1.gguf`.
public enum ModelLocator {
    public static let defaultName = ModelCatalog.defaultName

    /// Help text listing the names.
    public static let help = "Model GGUF path or name: \(ModelCatalog.names.joined(separator: " | ")) (default: $RAG_MODEL, else \(defaultName))."

    /// The model file for `flag` (or the environment / default when nil).
    ///
    /// - Throws: `RAGError.languageModelMissing` naming what was looked for and where.
    public static func resolve(_ flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        var value = defaultName
        if let flag, !flag.isEmpty {
            value = flag
        } else if let env = environment["RAG_MODEL"], !env.isEmpty {
            value = env
        }
        if let entry = ModelCatalog.entry(named: value) {
            if let found = installed(entry) { return found }
            let remedy = entry.shipped ? "run scripts/setup.sh, `rag models pull \(entry.name)`" : "run `rag models pull \(entry.name)`"
            throw RAGError.languageModelMissing(
                "model '\(entry.name)' (\(entry.file)) not found in \(searchDirectories().map(\.path).joined(separator: ", ")); \(remedy) or pass -m PATH")
        }
        let url = URL(fileURLWithPath: (value as NSString).expandingTildeInPath)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw RAGError.languageModelMissing(
                "model '\(value)' is neither a GGUF file nor a known name (\(ModelCatalog.names.joined(separator: ", ")))")
        }
        return url
    }

    /// Where the named model's file is, if it is in one of the search directories.
    public static func installed(_ entry: ModelCatalog.Entry) -> URL? {
        searchDirectories().map { $0.appendingPathComponent(entry.file) }
            .first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// The folder `rag models pull` writes to: the one holding an installed model, else ./models.
    public static func installDirectory() -> URL {
        for entry in ModelCatalog.entries {
            if let found = installed(entry) { return found.deletingLastPathComponent() }
        }
        return searchDirectories()[0]
    }

    /// Folders searched for named models: ./models, then beside the executable (as invoked, e.g.
    /// `.build/release/rag` -> `../../models`, and with symlinks resolved).
    public static func searchDirectories() -> [URL] {
        var directories = [URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("models")]
        var folders: [URL] = []
        if let invoked = CommandLine.arguments.first, invoked.contains("/") {
            folders.append(URL(fileURLWithPath: invoked).deletingLastPathComponent())
        }
        if let executable = executableURL() { folders.append(executable.deletingLastPathComponent()) }
        for folder in folders {
            for relative in ["../../models", "../../../models", "../models", "models", "../share/rag/models"] {
                directories.append(folder.appendingPathComponent(relative).standardizedFileURL)
            }
        }
        var seen = Set<String>()
        return directories.filter { seen.insert($0.path).inserted }
    }

    private static func executableURL() -> URL? {
        let proc = URL(fileURLWithPath: "/proc/self/exe")
        if FileManager.default.fileExists(atPath: proc.path) { return proc.resolvingSymlinksInPath() }
        return Bundle.main.executableURL?.resolvingSymlinksInPath()
    }
}
