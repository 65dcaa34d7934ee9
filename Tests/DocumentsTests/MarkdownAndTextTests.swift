import Foundation
import Testing
@testable import Documents

@Suite("Markdown, text and JSONL loaders")
struct MarkdownAndTextTests {
    @Test func markdownHeadingsAndInlineSyntax() throws {
        let md = """
        ---
        title: Front Title
        ---
        Intro with **bold**, _em_, `code` and a [link](http://x.org "t").

        # Top
        Some *text*
        wrapped here.

        Setext Two
        ----------
        - item ![alt text](img.png)
        * other item
        1. numbered

        ```swift
        let x = 1

        print(x)
        ```

        | a | b |
        |---|---|
        | 1 | 2 |

        ## Deeper ##
        snake_case stays and 2*3 too. [ref link][r]

        [r]: http://example.org
        """
        let d = try single(md, name: "notes.md")
        #expect(d.type == .markdown)
        #expect(d.title == "Front Title")
        let texts = sectionTexts(d)
        #expect(texts.map(\.path) == ["", "Top", "Top > Setext Two", "Top > Deeper"])
        #expect(texts[0].text == "Intro with bold, em, code and a link.")
        #expect(texts[1].text == "Top\n\nSome text wrapped here.")
        #expect(texts[2].text == "Setext Two\n\n- item alt text\n- other item\n1. numbered\n\nlet x = 1\n\nprint(x)\n\na | b\n1 | 2")
        #expect(texts[3].text == "Deeper\n\nsnake_case stays and 2*3 too. ref link")
    }

    @Test func leadingRulesAreNotFrontMatter() throws {
        let d = try single("---\nJust prose between rules\n---\nMore.", name: "r.md")
        #expect(d.text.contains("Just prose between rules"))
    }

    @Test func markdownCommentsAreDropped() throws {
        let d = try single("Before.\n\n<!-- a note\nover lines -->\nAfter <b>bold</b>.", name: "c.md")
        #expect(d.text == "Before.\n\nAfter bold.")
    }

    @Test func markdownDetectedWithoutExtension() throws {
        let d = try single("# Title\n\nSome text.\n\n## More\n\nOther.", name: "README")
        #expect(d.type == .markdown)
        #expect(d.title == "Title")
    }

    @Test func plainText() throws {
        let d = try single("First line title\r\n\r\n\r\nBody   line one.\nLine two.   \n", name: "a.txt")
        #expect(d.type == .text)
        #expect(d.title == "First line title")
        #expect(d.text == "First line title\n\nBody   line one.\nLine two.")
        #expect(d.sections == [Section(headingPath: [], range: 0..<d.text.utf8.count)])
    }

    @Test func latin1TextFallsBack() throws {
        let source = try DocumentLoader.load(Paths.fixture("latin1.txt"))
        let d = try #require(source.documents.first)
        #expect(d.text == "Café crème\n\nThe naïve garçon paid 5£ in São Paulo.")
        #expect(source.warnings.count == 1)
    }

    @Test func jsonlPassagesAndBadLines() throws {
        let jsonl = """
        {"id": "p1", "title": "One", "text": "First passage."}
        not json at all
        {"id": "p2", "title": "Two"}

        [1, 2, 3]
        {"id": 7, "title": "Seven", "text": "  Numbered id.  "}
        {"title": "No id", "text": "Anonymous."}
        """
        let source = try load(jsonl, name: "c.jsonl")
        #expect(source.type == .jsonl)
        #expect(source.documents.map(\.name) == ["p1", "7", "c.jsonl#7"])
        #expect(source.documents[1].text == "Numbered id.")
        #expect(source.documents[0].title == "One")
        #expect(source.documents[0].metadata["line"] == "1")
        #expect(source.warnings.count == 3)
        #expect(source.warnings[0] == "line 2: not valid JSON, skipped")
        #expect(source.warnings[1] == "line 3: no \"text\" string, skipped")
        #expect(source.warnings[2] == "line 5: not a JSON object, skipped")
    }

    @Test func jsonlDetectedByContent() throws {
        let source = try load("{\"id\":\"a\",\"text\":\"x y\"}\n{\"id\":\"b\",\"text\":\"z\"}\n", name: "corpus")
        #expect(source.type == .jsonl)
        #expect(source.documents.count == 2)
    }

    @Test func typeDetection() {
        func type(_ s: String, _ name: String) -> DocumentType { DocumentLoader.detectType(data: Data(s.utf8), name: name) }
        #expect(type("<!DOCTYPE html><p>x", "a.txt") == .html)
        #expect(type("<?xml version=\"1.0\"?><a/>", "a") == .xml)
        #expect(type("<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"></html>", "a.xhtml") == .html)
        #expect(type("<div><p>hello</p></div>", "page") == .html)
        #expect(type("<doc><sec>hello</sec></doc>", "page") == .xml)
        #expect(type("<p>fragment</p>", "x.html") == .html)
        #expect(type("plain words", "x.md") == .markdown)
        #expect(type("plain words", "notes") == .text)
        #expect(type("{\"text\": \"a\"}", "x.jsonl") == .jsonl)
    }
}

@Suite("Bad input")
struct BadInputTests {
    @Test func missingFile() {
        #expect(throws: DocumentError.missing(path: "/nonexistent/file.html")) {
            try DocumentLoader.load(URL(fileURLWithPath: "/nonexistent/file.html"))
        }
    }

    @Test func emptyAndBlankFiles() {
        for name in ["empty.txt", "blank.md"] {
            let url = Paths.fixture(name)
            #expect(throws: DocumentError.empty(path: url.path)) { try DocumentLoader.load(url) }
        }
    }

    @Test func binaryFile() {
        let url = Paths.fixture("binary.dat")
        #expect(throws: DocumentError.binary(path: url.path)) { try DocumentLoader.load(url) }
    }

    @Test func tooLarge() {
        let url = Paths.fixture("malformed.html")
        #expect(throws: DocumentError.tooLarge(path: url.path, size: 413, limit: 100)) {
            try DocumentLoader.load(url, maxFileSize: 100)
        }
    }

    @Test func directoryIsUnreadableAsFile() {
        #expect(throws: DocumentError.unreadable(path: Paths.fixtures.path, reason: "is a directory")) {
            try DocumentLoader.load(Paths.fixtures)
        }
    }

    @Test func fifoIsRefusedWithoutBlocking() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fifo-\(UUID().uuidString)").path
        guard mkfifo(path, 0o600) == 0 else { return }
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: DocumentError.unreadable(path: path, reason: "not a regular file")) {
            try DocumentLoader.load(URL(fileURLWithPath: path))
        }
    }

    @Test func messagesAreOneLineAndNameThePath() {
        let errors: [DocumentError] = [
            .missing(path: "/a"), .unreadable(path: "/a", reason: "permission denied"), .binary(path: "/a"),
            .empty(path: "/a"), .tooLarge(path: "/a", size: 10, limit: 5),
            .malformed(path: "/a", type: .xml, reason: "line 1: Start tag expected"), .noText(path: "/a"),
        ]
        for error in errors {
            #expect(error.description.hasPrefix("/a: "))
            #expect(!error.description.contains("\n"))
            #expect(error.path == "/a")
        }
    }

    @Test func controlCharactersMeanBinary() {
        let data = Data((0..<200).map { UInt8($0 % 8 + 1) })
        #expect(throws: DocumentError.binary(path: "c.txt")) { try DocumentLoader.load(data: data, name: "c.txt") }
    }

    @Test func utf16WithBOMIsText() throws {
        var data = Data([0xFF, 0xFE])
        data.append("Hello UTF-16".data(using: .utf16LittleEndian)!)
        let source = try DocumentLoader.load(data: data, name: "u16.txt")
        #expect(source.documents.first?.text == "Hello UTF-16")
    }
}
