import Foundation
import Testing
@testable import Documents

@Suite("HTML loader")
struct HTMLExtractorTests {
    let page = """
    <!DOCTYPE html>
    <html><head><title>Widget Manual</title><style>p { color: red }</style>
    <script>var x = "SCRIPT TEXT";</script></head>
    <body>
    <header><a href="/">Site logo</a> HEADER TEXT</header>
    <nav><ul><li><a href="/">Home</a></li><li>NAV TEXT</li></ul></nav>
    <div class="menu mainmenu">MENU TEXT</div>
    <main>
    <h1>Widget Manual</h1>
    <p>Widgets are <b>small</b> and
       <a href="#x">useful</a>.</p>
    <h2>Installing</h2>
    <p>Run the installer.</p>
    <ul><li>Step one</li><li>Step <em>two</em></li></ul>
    <ol start="3"><li>third</li><li>fourth</li></ol>
    <h3>On Linux</h3>
    <pre>make
      make install</pre>
    <table><tr><th>Key</th><th>Value</th></tr><tr><td>a</td><td>1</td></tr></table>
    <h2>Usage</h2>
    <p>Use&nbsp;it&amp;enjoy.</p>
    </main>
    <aside>ASIDE TEXT</aside>
    <footer>FOOTER TEXT</footer>
    <div hidden>HIDDEN TEXT</div>
    </body></html>
    """

    @Test func extractsTitleHeadingsAndBlocks() throws {
        let d = try single(page, name: "manual.html")
        #expect(d.type == .html)
        #expect(d.title == "Widget Manual")
        for junk in ["SCRIPT", "HEADER", "NAV", "MENU", "ASIDE", "FOOTER", "HIDDEN", "color: red", "Site logo"] {
            #expect(!d.text.contains(junk), "\(junk) should be dropped")
        }
        #expect(d.text.contains("Widgets are small and useful."))
        #expect(d.text.contains("- Step one\n- Step two"))
        #expect(d.text.contains("3. third\n4. fourth"))
        #expect(d.text.contains("make\n  make install"))
        #expect(d.text.contains("Key | Value\na | 1"))
        #expect(d.text.contains("Use it&enjoy."))
        let paths = d.sections.map { $0.headingPath }
        #expect(paths == [["Widget Manual"], ["Widget Manual", "Installing"],
                          ["Widget Manual", "Installing", "On Linux"], ["Widget Manual", "Usage"]])
        let texts = sectionTexts(d)
        #expect(texts[1].text.hasPrefix("Installing\n\nRun the installer."))
        #expect(texts[3].text == "Usage\n\nUse it&enjoy.")
    }

    @Test func sectionsAreOrderedAndDisjoint() throws {
        let d = try single(page, name: "manual.html")
        for (a, b) in zip(d.sections, d.sections.dropFirst()) {
            #expect(a.range.upperBound <= b.range.lowerBound)
        }
        #expect(d.sections.last!.range.upperBound == d.text.utf8.count)
    }

    @Test func tableRowGroupsStayOneRowPerLine() throws {
        let html = "<table><caption>Prices</caption><thead><tr><th>Item</th><th>Cost</th></tr></thead><tbody><tr><td>Tea</td><td>2</td></tr></tbody></table>"
        let d = try single(html, name: "t.html")
        #expect(d.text == "Prices\n\nItem | Cost\nTea | 2")
    }

    @Test func headerInsideArticleIsKept() throws {
        let html = "<html><body><article><header><h1>Post title</h1></header><p>Body.</p></article></body></html>"
        let d = try single(html, name: "post.html")
        #expect(d.text == "Post title\n\nBody.")
        #expect(d.title == "Post title")
    }

    @Test func titleFallsBackToFileName() throws {
        let d = try single("<html><body><p>Just text.</p></body></html>", name: "/tmp/some-page.html")
        #expect(d.title == "some-page")
    }

    @Test func recoversMalformedHTML() throws {
        let source = try DocumentLoader.load(Paths.fixture("malformed.html"))
        let d = try #require(source.documents.first)
        #expect(d.title == "Broken page")
        #expect(d.text.contains("First paragraph with bold nested text"))
        #expect(d.text.contains("a bare ampersand"))
        #expect(d.text.contains("- one\n- two"))
        #expect(d.text.contains("cell a | cell b"))
        #expect(!d.text.contains("should not appear"))
        #expect(!d.text.contains("Elsewhere"))
        #expect(d.sections.map(\.headingPath).last == ["Unclosed things", "Details"])
    }

    @Test func honoursDeclaredLatin1Charset() throws {
        let source = try DocumentLoader.load(Paths.fixture("charset-latin1.html"))
        let d = try #require(source.documents.first)
        #expect(d.title == "Grüße aus Köln")
        #expect(d.text.contains("Straße, Mädchen und élève – café."))
        #expect(d.sections.first?.headingPath == ["Überblick"])
        #expect(d.metadata["charset"] == "windows-1252")
    }

    @Test func invalidUTF8FallsBackToWindows1252() throws {
        var bytes = Array("<html><body><p>caf".utf8)
        bytes.append(0xE9)    // é in Latin-1, invalid as UTF-8
        bytes += Array(" ok</p></body></html>".utf8)
        let source = try DocumentLoader.load(data: Data(bytes), name: "x.html")
        #expect(source.documents.first?.text == "café ok")
        #expect(source.warnings.contains { $0.contains("Windows-1252") })
    }

    @Test func utf8WithDeclaredCharsetIsNotDoubleDecoded() throws {
        let html = "<html><head><meta charset=\"utf-8\"><title>Zoë</title></head><body><p>naïve – “quoted”</p></body></html>"
        let d = try single(html, name: "u.html")
        #expect(d.title == "Zoë")
        #expect(d.text == "naïve – “quoted”")
    }

    @Test func invisibleCharactersAreDropped() throws {
        let d = try single("<p>data&shy;base zero&#8203;width &#xFEFF;bom</p>", name: "i.html")
        #expect(d.text == "database zerowidth bom")
    }

    @Test func pageWithOnlyScriptsHasNoText() {
        #expect(throws: DocumentError.noText(path: "s.html")) {
            try load("<html><head><script>x()</script></head><body><script>y()</script></body></html>", name: "s.html")
        }
    }
}

@Suite("HTML charsets")
struct HTMLCharsetTests {
    @Test func otherDeclaredCharsetIsConvertedByLibxml2() throws {
        // "Привет, мир" in windows-1251, declared in a meta tag.
        var bytes = Array("<html><head><meta charset=\"windows-1251\"><title>t</title></head><body><p>".utf8)
        bytes += [0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2, 0x2C, 0x20, 0xEC, 0xE8, 0xF0]
        bytes += Array("</p></body></html>".utf8)
        let source = try DocumentLoader.load(data: Data(bytes), name: "ru.html")
        #expect(source.documents.first?.text == "Привет, мир")
        #expect(source.documents.first?.metadata["charset"] == "windows-1251")
    }

    @Test func unknownCharsetFallsBackToUTF8() throws {
        let html = "<html><head><meta charset=\"x-no-such-charset\"></head><body><p>héllo</p></body></html>"
        let source = try DocumentLoader.load(data: Data(html.utf8), name: "x.html")
        #expect(source.documents.first?.text == "héllo")
    }
}
