import Foundation
import Testing
@testable import Documents

/// Whole-corpus checks: every SQLite documentation page and the shared QA passages load and chunk
/// cleanly. Skipped when the files are absent locally; run (and fail) under CI=true.
@Suite("Real corpora")
struct CorpusLoadTests {
    @Test(.enabled(if: Paths.available(Paths.sqliteDocs)))
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

    @Test(.enabled(if: Paths.available(Paths.wiki)))
    func sharedWikiPassagesLoad() throws {
        let source = try DocumentLoader.load(Paths.wiki)
        #expect(source.type == .jsonl)
        #expect(source.documents.count == 21_496)
        #expect(source.warnings.isEmpty)
        let first = try #require(source.documents.first)
        #expect(first.name == "hotpotqa-5f8107880e10")
        #expect(first.title == "Meet Corliss Archer")
        #expect(Set(source.documents.map(\.name)).count == source.documents.count)
    }
}
