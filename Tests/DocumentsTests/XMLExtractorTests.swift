import Foundation
import Testing
@testable import Documents

@Suite("XML loader")
struct XMLExtractorTests {
    @Test func docBookSectionsAndTitle() throws {
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <article xmlns="http://docbook.org/ns/docbook" version="5.0">
          <info><title>Gear Guide</title><author><personname>A. Writer</personname></author></info>
          <para>Intro <emphasis>text</emphasis> here.</para>
          <section><title>Setup</title>
            <para>Mount the gear.</para>
            <section><title>Tools</title>
              <itemizedlist><listitem><para>Wrench</para></listitem><listitem><para>Oil</para></listitem></itemizedlist>
            </section>
            <para>Back in setup.</para>
          </section>
          <sect1><title>Care</title><programlisting>oil --daily
          wipe</programlisting></sect1>
        </article>
        """
        let d = try single(xml, name: "guide.xml")
        #expect(d.type == .xml)
        #expect(d.title == "Gear Guide")
        #expect(!d.text.contains("A. Writer"))
        let texts = sectionTexts(d)
        #expect(texts.map(\.path) == ["", "Setup", "Setup > Tools", "Setup", "Care"])
        #expect(texts[0].text == "Intro text here.")
        #expect(texts[1].text == "Setup\n\nMount the gear.")
        #expect(texts[2].text == "Tools\n\nWrench\n\nOil")
        #expect(texts[3].text == "Back in setup.")
        #expect(texts[4].text == "Care\n\noil --daily\n  wipe")
    }

    @Test func teiTitleAndDivHeads() throws {
        let xml = """
        <TEI xmlns="http://www.tei-c.org/ns/1.0">
          <teiHeader><fileDesc><titleStmt><title>The River Letters</title></titleStmt>
            <publicationStmt><p>Unpublished.</p></publicationStmt></fileDesc></teiHeader>
          <text><body>
            <div type="letter"><head>First letter</head>
              <p>Dear <persName>Anna</persName>, the <placeName>Aldwater</placeName> rose.</p>
              <lg><l>line one</l><l>line two</l></lg>
            </div>
            <div type="letter"><head>Second letter</head><p>It fell again.</p></div>
          </body></text>
        </TEI>
        """
        let d = try single(xml, name: "letters.tei")
        #expect(d.title == "The River Letters")
        #expect(!d.text.contains("Unpublished"))
        let texts = sectionTexts(d)
        #expect(texts.map(\.path) == ["First letter", "Second letter"])
        #expect(texts[0].text == "First letter\n\nDear Anna, the Aldwater rose.\n\nline one\nline two")
    }

    @Test func genericXMLFieldsAreSeparatedAndDCTitleUsed() throws {
        let xml = """
        <record xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Catalogue entry</dc:title>
        <name>Brass barometer</name><maker>Quill &amp; Sons</maker><year>1871</year></record>
        """
        let d = try single(xml, name: "entry.xml")
        #expect(d.title == "Catalogue entry")
        #expect(d.text.contains("Brass barometer\n\nQuill & Sons\n\n1871"))
    }

    @Test func recoversMalformedXMLWithWarning() throws {
        let source = try DocumentLoader.load(Paths.fixture("malformed.xml"))
        let d = try #require(source.documents.first)
        #expect(d.title == "Recovered Book")
        #expect(d.text.contains("The first paragraph is fine."))
        #expect(d.sections.map(\.headingPath).contains(["Opening"]))
        #expect(source.warnings.contains { $0.contains("XML error") && $0.contains("line") })
    }

    @Test func unrecoverableXMLIsReported() {
        let path = Paths.fixture("garbage.xml").path
        do {
            _ = try DocumentLoader.load(Paths.fixture("garbage.xml"))
            Issue.record("expected an error")
        } catch let error as DocumentError {
            guard case .malformed(let p, let type, let reason) = error else { Issue.record("got \(error)"); return }
            #expect(p == path)
            #expect(type == .xml)
            #expect(!reason.isEmpty)
            #expect(!error.description.contains("\n"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func tablesBecomeRowsOfCells() throws {
        let xml = """
        <article><title>T</title>
          <informaltable><tgroup cols="2"><thead><row><entry>Name</entry><entry>Year</entry></row></thead>
          <tbody><row><entry>Lumen 7</entry><entry>1936</entry></row></tbody></tgroup></informaltable>
          <table xmlns="http://www.tei-c.org/ns/1.0"><row><cell>a</cell><cell>b</cell></row></table>
        </article>
        """
        let d = try single(xml, name: "t.xml")
        #expect(d.text == "Name | Year\nLumen 7 | 1936\n\na | b")
    }

    @Test func latin1BytesInDeclaredUTF8AreRecovered() throws {
        var bytes = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?><doc><p>caf".utf8)
        bytes += [0xE9]
        bytes += Array(" noir</p><p>second</p></doc>".utf8)
        let source = try DocumentLoader.load(data: Data(bytes), name: "l.xml")
        #expect(source.documents.first?.text == "café noir\n\nsecond")
        #expect(source.warnings.contains { $0.contains("Windows-1252") })
    }

    @Test func declaredLatin1IsConverted() throws {
        var bytes = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><doc><p>gar".utf8)
        bytes += [0xE7]
        bytes += Array("on</p></doc>".utf8)
        let source = try DocumentLoader.load(data: Data(bytes), name: "g.xml")
        #expect(source.documents.first?.text == "garçon")
    }

    @Test func externalEntitiesAreNotExpanded() throws {
        let xml = """
        <?xml version="1.0"?>
        <!DOCTYPE doc [<!ENTITY secret SYSTEM "file:///etc/hostname"><!ENTITY greeting "hello">]>
        <doc><p>&greeting; world &secret;</p></doc>
        """
        let d = try single(xml, name: "e.xml")
        #expect(d.text.hasPrefix("hello world"))
        let hostname = (try? String(contentsOfFile: "/etc/hostname", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "\u{0}"
        #expect(hostname.isEmpty || !d.text.contains(hostname))
    }
}
