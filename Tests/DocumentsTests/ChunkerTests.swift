import Foundation
import Testing
@testable import Documents

@Suite("Chunker")
struct ChunkerTests {
    /// A document of several sections with numbered sentences of about 11 pieces each.
    func document(sentencesPerSection: [Int]) -> Document {
        var builder = TextBuilder()
        var n = 0
        for (s, count) in sentencesPerSection.enumerated() {
            builder.heading("Section \(s)", level: 1)
            for _ in 0..<count {
                builder.appendInline("Sentence number \(n) talks about the river and its old mill near town. ")
                n += 1
            }
        }
        let (text, sections) = builder.finish()
        return Document(name: "t", title: "t", type: .text, text: text, sections: sections)
    }

    func checkInvariants(_ document: Document, _ chunks: [Chunk], _ parameters: ChunkingParameters) {
        for (i, chunk) in chunks.enumerated() {
            #expect(chunk.ordinal == i)
            #expect(document.slice(chunk.start..<chunk.end) == chunk.text)
            #expect(chunk.tokenEstimate <= parameters.maxTokens)
            #expect(TokenEstimator.count(chunk.text) <= parameters.maxTokens)
            let inSection = document.sections.contains { $0.range.contains(chunk.start) && chunk.end <= $0.range.upperBound && $0.headingPath == chunk.headingPath }
            #expect(inSection, "chunk \(i) crosses a section boundary")
        }
    }

    @Test func offsetsMapBackAndSectionsAreNotCrossed() {
        let d = document(sentencesPerSection: [3, 40, 1, 25])
        let parameters = ChunkingParameters()
        let chunks = Chunker().chunks(of: d)
        checkInvariants(d, chunks, parameters)
        #expect(Set(chunks.map(\.headingPath)) == [["Section 0"], ["Section 1"], ["Section 2"], ["Section 3"]])
        #expect(chunks.count > 4)
    }

    @Test func windowsOverlapBySentencesAndCoverEverything() throws {
        let d = document(sentencesPerSection: [60])
        let parameters = ChunkingParameters(targetTokens: 100, overlapTokens: 30, maxTokens: 128)
        let chunks = Chunker(parameters: parameters).chunks(of: d)
        checkInvariants(d, chunks, parameters)
        #expect(chunks.count >= 8)
        for (a, b) in zip(chunks, chunks.dropFirst()) {
            #expect(b.start < a.end, "consecutive chunks should overlap")
            #expect(b.start > a.start)
            let overlap = Document.slice(d.text, b.start..<a.end)
            #expect(TokenEstimator.count(overlap) <= 30)
            #expect(overlap.hasSuffix("town."))
        }
        // Every sentence appears in some chunk.
        for n in 0..<60 { #expect(chunks.contains { $0.text.contains("number \(n) ") }) }
        #expect(chunks.last!.end == d.text.utf8.count)
    }

    @Test func noOverlapWhenZero() {
        let d = document(sentencesPerSection: [30])
        let chunks = Chunker(parameters: .init(targetTokens: 60, overlapTokens: 0, maxTokens: 80)).chunks(of: d)
        for (a, b) in zip(chunks, chunks.dropFirst()) { #expect(b.start > a.end) }
    }

    @Test func veryLongSentenceIsSplit() {
        let long = (0..<900).map { "word\($0 % 10)" }.joined(separator: " ") + "."
        let text = "Short start. " + long + " Short end."
        let d = Document(name: "l", title: "l", type: .text, text: text, sections: [Section(headingPath: [], range: 0..<text.utf8.count)])
        let parameters = ChunkingParameters()
        let chunks = Chunker().chunks(of: d)
        checkInvariants(d, chunks, parameters)
        #expect(chunks.count >= 4)
        #expect(chunks.allSatisfy { !$0.text.hasPrefix(" ") && !$0.text.hasSuffix(" ") })
    }

    @Test func giantWordIsCutAtCharacterBoundaries() {
        let text = String(repeating: "é", count: 3000)
        let d = Document(name: "g", title: "g", type: .text, text: text, sections: [Section(headingPath: [], range: 0..<text.utf8.count)])
        let chunks = Chunker().chunks(of: d)
        #expect(chunks.count > 1)
        #expect(chunks.map(\.text).joined() == text)
        checkInvariants(d, chunks, ChunkingParameters())
    }

    @Test func headingOnlySectionsGiveNoChunk() throws {
        let d = try single("<h1>Top</h1><h2>Sub</h2><p>Body text.</p>", name: "h.html")
        let chunks = Chunker().chunks(of: d)
        #expect(chunks.map(\.text) == ["Sub\n\nBody text."])
        #expect(chunks.first?.headingPath == ["Top", "Sub"])
    }

    @Test func documentOfHeadingsOnlyStillGivesChunks() throws {
        let d = try single("<h1>Only a title</h1>", name: "t.html")
        #expect(Chunker().chunks(of: d).map(\.text) == ["Only a title"])
    }

    @Test func nonASCIIOffsetsAreBytes() throws {
        let d = try single("# Über\n\nÇa va? Très bien. 日本語の文です。", name: "u.md")
        let chunks = Chunker().chunks(of: d)
        #expect(chunks.count == 1)
        #expect(d.slice(chunks[0].start..<chunks[0].end) == chunks[0].text)
        #expect(chunks[0].end == d.text.utf8.count)
    }

    @Test func contextualizedTextAddsTitleAndPath() {
        let chunk = Chunk(ordinal: 0, text: "It was founded in 1891.", headingPath: ["Kettlewick", "Founding"], start: 0, end: 23)
        #expect(chunk.contextualized(title: "Kettlewick") == "Kettlewick > Founding\n\nIt was founded in 1891.")
        #expect(Chunk(ordinal: 0, text: "x", headingPath: [], start: 0, end: 1).contextualized(title: "") == "x")
    }

    @Test func tokenEstimatorIsRoughlyWordPieces() {
        #expect(TokenEstimator.count("the cat sat") == 3)
        #expect(TokenEstimator.count("Hello, world!") == 4)
        #expect(TokenEstimator.count("1990") == 1)
        #expect(TokenEstimator.count("internationalization") == 7)
    }
}
