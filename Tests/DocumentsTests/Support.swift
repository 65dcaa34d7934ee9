import Foundation
@testable import Documents

/// Paths relative to the package root, found from this file.
enum Paths {
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()
    static let fixtures = packageRoot.appendingPathComponent("Tests/DocumentsTests/Fixtures")
    static let corpus = packageRoot.appendingPathComponent("corpora")
    static let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    static let sqliteDocs = URL(fileURLWithPath: "/usr/share/doc/sqlite3")
    static let wiki = shared.appendingPathComponent("data/corpus/wiki.jsonl")

    static func fixture(_ name: String) -> URL { fixtures.appendingPathComponent(name) }

    /// Under CI=true, tests needing external files run (and fail if the files are missing).
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"
    static func available(_ url: URL) -> Bool { isCI || FileManager.default.fileExists(atPath: url.path) }
}

/// Loads an in-memory document of a given file name.
func load(_ text: String, name: String) throws -> LoadedSource {
    try DocumentLoader.load(data: Data(text.utf8), name: name)
}

func single(_ text: String, name: String) throws -> Document {
    let source = try load(text, name: name)
    guard let document = source.documents.first, source.documents.count == 1 else {
        throw DocumentError.noText(path: name)
    }
    return document
}

/// Every section's text, with its heading path joined by " > ".
func sectionTexts(_ document: Document) -> [(path: String, text: String)] {
    document.sections.map { ($0.headingPath.joined(separator: " > "), document.slice($0.range)) }
}
