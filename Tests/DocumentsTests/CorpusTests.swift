import Foundation
import Testing
@testable import Documents

/// The project's own corpus (corpora/veldmoor) loads in every format and answers its questions.
@Suite("Veldmoor corpus")
struct CorpusTests {
    struct Question: Decodable { var id: String; var question: String; var answers: [String]; var type: String; var supporting_titles: [String] }

    func loadCorpus() throws -> [Document] {
        let (files, problems) = FileWalker().walk([Paths.corpus.appendingPathComponent("veldmoor")])
        #expect(problems.isEmpty)
        return try files.flatMap { file -> [Document] in
            let source = try DocumentLoader.load(file.url)
            #expect(source.warnings.isEmpty, "\(file.url.lastPathComponent): \(source.warnings)")
            return source.documents
        }
    }

    @Test func loadsAllFormats() throws {
        let documents = try loadCorpus()
        #expect(documents.count == 9)
        #expect(Set(documents.map(\.type)) == [.html, .xml, .markdown, .text])
        let byTitle = Dictionary(uniqueKeysWithValues: documents.map { ($0.title, $0) })
        let guide = try #require(byTitle["Veldmoor Town Guide"])
        #expect(!guide.text.contains("Visitor Office"))     // header and footer dropped
        #expect(!guide.text.contains("light rain"))         // sidebar dropped
        #expect(guide.text.contains("Copperhead Bridge | 1902 |"))
        #expect(guide.sections.map(\.headingPath).contains(["Veldmoor Town Guide", "Landmarks", "The Copperhead Bridge"]))
        let history = try #require(byTitle["A Short History of Kettlewick Instruments"])
        #expect(history.sections.map(\.headingPath).contains(["Growth", "Clocks"]))
        let letters = try #require(byTitle["Letters of Ilse Varga to her brother Anton"])
        #expect(letters.sections.first?.headingPath == ["Calder Reach, March 1885"])
        #expect(byTitle["Veldmoor Town Council: Minutes of 12 April 2023"] != nil)
        #expect(byTitle["Kettlewick Instruments Product Catalogue"]?.sections.map(\.headingPath)
            .contains(["Kettlewick Instruments Product Catalogue", "Fieldglass"]) == true)   // setext = level 2
    }

    @Test func questionsAreAnswerableFromTheirSupportingDocuments() throws {
        let documents = try loadCorpus()
        let byTitle = Dictionary(uniqueKeysWithValues: documents.map { ($0.title, $0) })
        let lines = try String(contentsOf: Paths.corpus.appendingPathComponent("questions.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        #expect(lines.count >= 10)
        for line in lines {
            let q = try JSONDecoder().decode(Question.self, from: Data(line.utf8))
            let supporting = q.supporting_titles.compactMap { byTitle[$0] }
            #expect(supporting.count == q.supporting_titles.count, "\(q.id): unknown supporting title")
            #expect(supporting.contains { d in q.answers.contains { d.text.contains($0) } }, "\(q.id): answer not in supporting docs")
            #expect(q.type == "single-hop" || q.type == "multi-hop")
        }
    }

    @Test func chunksOfTheCorpusAreValid() throws {
        for document in try loadCorpus() {
            let chunks = Chunker().chunks(of: document)
            #expect(!chunks.isEmpty)
            for chunk in chunks { #expect(document.slice(chunk.start..<chunk.end) == chunk.text) }
        }
    }
}
