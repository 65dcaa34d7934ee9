import Foundation
import TestSupport
@testable import Documents

/// Paths of the documents the tests read, relative to the package root.
enum Paths {
    static let packageRoot = TestEnvironment.packageRoot
    static let fixtures = packageRoot.appendingPathComponent("Tests/DocumentsTests/Fixtures")
    static let corpus = packageRoot.appendingPathComponent("corpora")
    /// The SQLite HTML documentation (Debian's sqlite3-doc, installed by scripts/setup.sh).
    static let sqliteDocs = URL(fileURLWithPath: "/usr/share/doc/sqlite3")
    /// A JSONL passage corpus written for the tests (Tests/Fixtures/passages.jsonl).
    static let passages = TestEnvironment.fixture("passages.jsonl")

    static func fixture(_ name: String) -> URL { fixtures.appendingPathComponent(name) }
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
