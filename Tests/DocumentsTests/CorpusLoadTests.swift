import Foundation
import TestSupport
import Testing
@testable import Documents

/// Whole-corpus checks: every SQLite documentation page (a system package) loads and chunks
/// cleanly, skipped when it is absent locally and failing under CI=true; and a JSONL passage file
/// of the repository's loads as the evaluation corpus does (the evaluation corpus itself, outside
/// the repository, is loaded whole by benchmarks/documents).
@Suite("Real corpora")
struct CorpusLoadTests {
    @Test(.requires(Paths.sqliteDocs))
    func everySQLiteDocPageLoads() throws {
        let (files, problems) = FileWalker(options: .init(globs: ["*.html"])).walk([Paths.sqliteDocs])
        #expect(problems.isEmpty)
        #expect(files.count > 700)
        let chunker = Chunker()
        var totalChunks = 0
        for file in files {
            let source: LoadedSource
            do {
                source = try DocumentLoader.load(file.url)
            } catch {
                Issue.record("\(error)")
                continue
            }
            #expect(source.type == .html, "\(file.url.path)")
            let document = try #require(source.documents.first)
            #expect(!document.text.isEmpty, "\(file.url.path)")
            #expect(!document.title.isEmpty, "\(file.url.path)")
            #expect(!document.text.contains("Choose any three"), "boilerplate tagline in \(file.url.path)")
            let chunks = chunker.chunks(of: document)
            totalChunks += chunks.count
            for chunk in chunks where chunk.tokenEstimate > 256 || document.slice(chunk.start..<chunk.end) != chunk.text {
                Issue.record("bad chunk \(chunk.ordinal) in \(file.url.path)")
            }
        }
        #expect(totalChunks > files.count)
    }

    @Test func jsonlPassageFileLoads() throws {
        let source = try DocumentLoader.load(Paths.passages)
        #expect(source.type == .jsonl)
        #expect(source.documents.count == 6)
        #expect(source.warnings.isEmpty)
        let first = try #require(source.documents.first)
        #expect(first.name == "veldmoor-orle")
        #expect(first.title == "River Orle")
        #expect(first.metadata["line"] == "1")
        #expect(Set(source.documents.map(\.name)).count == source.documents.count)
        #expect(source.documents.contains { $0.name == "veldmoor-café" && $0.text.contains("«æble»") })
        #expect(source.documents.first { $0.name == "veldmoor-empty-title" }?.title == "")
        let chunker = Chunker()
        for document in source.documents {
            let chunks = chunker.chunks(of: document)
            #expect(!chunks.isEmpty, "\(document.name)")
            for chunk in chunks where chunk.tokenEstimate > 256 || document.slice(chunk.start..<chunk.end) != chunk.text {
                Issue.record("bad chunk \(chunk.ordinal) in \(document.name)")
            }
        }
        // The long passage is cut at sentence boundaries into more than one chunk.
        let long = try #require(source.documents.first { $0.name == "veldmoor-long" })
        #expect(chunker.chunks(of: long).count > 1)
    }
}
