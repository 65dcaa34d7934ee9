import CXML
import Foundation

/// Extracts text from XML with libxml2 (recovery on, network and external entities off, errors
/// collected instead of printed).
///
/// The title comes from the usual places: TEI `teiHeader/fileDesc/titleStmt/title`, a root
/// `title`/`head` child, DocBook `info/title` (or `articleinfo`/`bookinfo`), `dc:title`, else the
/// first `title` element. Sections: DocBook `section`/`chapter`/`sect1..5`/`appendix`..., TEI `div`
/// (with a `head`), and generally any element with a `title` or `head` child; nested sections make
/// the heading path. Known inline elements, and elements inside mixed content, flow inline; every
/// other element is a block.
enum XMLExtractor {
    struct Result {
        var title: String
        var text: String
        var sections: [Section]
        var warnings: [String]
    }

    static let sectionNames: Set<String> = [
        "section", "chapter", "appendix", "preface", "part", "sect1", "sect2", "sect3", "sect4", "sect5",
        "simplesect", "refsect1", "refsect2", "refsect3", "div", "div1", "div2", "div3", "div4", "div5",
        "div6", "div7", "topic", "glossary", "bibliography", "colophon", "dedication",
    ]
    static let headingNames: Set<String> = ["title", "head"]
    static let infoNames: Set<String> = ["info", "articleinfo", "bookinfo", "chapterinfo", "sectioninfo", "prefaceinfo"]
    /// Metadata containers left out of the body text (their titles are still used).
    static let skipped: Set<String> = [
        "teiHeader", "info", "articleinfo", "bookinfo", "chapterinfo", "sectioninfo", "prefaceinfo",
        "indexterm", "remark", "script", "style", "facsimile",
    ]
    static let inline: Set<String> = [
        "emphasis", "hi", "b", "i", "em", "strong", "u", "code", "literal", "foreignphrase", "foreign",
        "link", "xref", "ulink", "olink", "ref", "ptr", "a", "span", "abbr", "acronym", "name", "persName",
        "placeName", "orgName", "geogName", "roleName", "forename", "surname", "date", "time", "term",
        "gloss", "quote", "q", "citetitle", "filename", "command", "option", "replaceable",
        "userinput", "computeroutput", "varname", "function", "parameter", "classname", "sup", "sub",
        "superscript", "subscript", "num", "measure", "rs", "mentioned", "soCalled", "firstterm",
        "glossterm", "trademark", "phrase", "productname", "orgname", "personname", "firstname",
        "lastname", "keycap", "guilabel", "guimenu", "application", "envar", "systemitem", "tag", "sic",
        "corr", "orig", "reg", "expan", "choice", "add", "del", "unclear", "w", "c", "pc", "seg",
    ]
    static let lines: Set<String> = ["l", "item", "listitem", "li", "row", "tr", "member", "line", "bibl", "label"]
    static let cells: Set<String> = ["entry", "cell", "td", "th"]
    static let breaks: Set<String> = ["lb", "br", "sbr"]
    /// Row groups: no separator of their own, so a table's rows stay one per line.
    static let transparent: Set<String> = ["thead", "tbody", "tfoot"]
    static let verbatim: Set<String> = ["programlisting", "screen", "literallayout", "synopsis", "pre", "eg", "egXML"]

    static func extract(_ data: Data, name: String) throws -> Result {
        _ = LibXML.initialised
        var warnings: [String] = []
        var input = data
        var encoding: String? = nil
        let declared = data.withUnsafeBytes { TextDecoding.declaredXMLEncoding($0.bindMemory(to: UInt8.self)) }
        let hasBOM = data.withUnsafeBytes { TextDecoding.byteOrderMark($0.bindMemory(to: UInt8.self)) != nil }
        if (declared == nil || TextDecoding.isUTF8(declared!)) && !hasBOM {
            // UTF-8, declared or by default: be lenient with Latin-1 bytes like the other loaders
            // (libxml2 would stop at the first invalid byte); the explicit encoding overrides the
            // declaration.
            let (text, fallback) = TextDecoding.decode(data)
            if fallback > 0 {
                warnings.append("\(fallback) bytes were not valid UTF-8 and were read as Windows-1252")
                input = Data(text.utf8)
            }
            encoding = "UTF-8"
        }

        let collector = LibXML.ErrorCollector()
        guard let context = xmlNewParserCtxt() else {
            throw DocumentError.malformed(path: name, type: .xml, reason: "libxml2 could not allocate a parser")
        }
        defer { xmlFreeParserCtxt(context) }
        LibXML.attach(collector, to: context)
        defer { LibXML.detach() }
        // No XML_PARSE_NOENT / DTDLOAD: external entities are never fetched or expanded.
        let options = Int32(XML_PARSE_RECOVER.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
            | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue)
        let document = input.withUnsafeBytes { raw in
            xmlCtxtReadMemory(context, raw.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(raw.count),
                              name, encoding, options)
        }
        guard let document, let root = xmlDocGetRootElement(document) else {
            if let document { xmlFreeDoc(document) }
            throw DocumentError.malformed(path: name, type: .xml, reason: collector.messages.first ?? "no root element")
        }
        defer { xmlFreeDoc(document) }
        if let summary = collector.summary("XML") { warnings.append(summary) }

        let entities = LibXML.EntityBudget(documentBytes: input.count)
        let title = findTitle(root, entities: entities)
        var walker = Walker(capacity: input.count / 2, rootHeading: title.node, entities: entities)
        walker.visit(root, inlineContext: false)
        var (text, sections) = walker.builder.finish()
        if text.isEmpty {
            if let first = collector.messages.first {
                throw DocumentError.malformed(path: name, type: .xml, reason: first)
            }
            sections = []
        }
        if let warning = entities.warning { warnings.append(warning) }
        let finalTitle = title.text.isEmpty ? HTMLExtractor.fallbackTitle(name) : title.text
        return Result(title: finalTitle, text: text, sections: sections, warnings: warnings)
    }

    /// The document title and, when it is the root's own heading child, that node (so the walker
    /// does not make the whole document a section).
    static func findTitle(_ root: xmlNodePtr, entities: LibXML.EntityBudget) -> (text: String, node: xmlNodePtr?) {
        // TEI: teiHeader/fileDesc/titleStmt/title
        if let header = LibXML.child(root, named: ["teiHeader"]),
           let fileDesc = LibXML.child(header, named: ["fileDesc"]),
           let stmt = LibXML.child(fileDesc, named: ["titleStmt"]),
           let title = LibXML.child(stmt, named: ["title"]) {
            let t = LibXML.text(title, entities: entities)
            if !t.isEmpty { return (t, nil) }
        }
        if let title = LibXML.child(root, named: headingNames) {
            let t = LibXML.text(title, entities: entities)
            if !t.isEmpty { return (t, title) }
        }
        if let info = LibXML.child(root, named: infoNames), let title = LibXML.child(info, named: ["title"]) {
            let t = LibXML.text(title, entities: entities)
            if !t.isEmpty { return (t, nil) }
        }
        // dc:title anywhere first, then any title element.
        var firstTitle: String?
        var dcTitle: String?
        func search(_ node: xmlNodePtr) {
            var child = node.pointee.children
            while let c = child, dcTitle == nil {
                if c.pointee.type == XML_ELEMENT_NODE {
                    if LibXML.name(c) == "title" {
                        let t = LibXML.text(c, entities: entities)
                        if !t.isEmpty {
                            if LibXML.prefix(c) == "dc" { dcTitle = t } else if firstTitle == nil { firstTitle = t }
                        }
                    }
                    search(c)
                }
                child = c.pointee.next
            }
        }
        search(root)
        return (dcTitle ?? firstTitle ?? "", nil)
    }

    struct Walker {
        var builder: TextBuilder
        let rootHeading: xmlNodePtr?
        var depth = 0            // section nesting

        let entities: LibXML.EntityBudget

        init(capacity: Int, rootHeading: xmlNodePtr?, entities: LibXML.EntityBudget) {
            builder = TextBuilder(capacity: capacity)
            self.entities = entities
            self.rootHeading = rootHeading
        }

        var nesting = 0

        mutating func visitChildren(_ node: xmlNodePtr, skipping heading: xmlNodePtr? = nil) {
            if nesting >= LibXML.maxDepth {
                builder.appendInline(LibXML.rawText(node, entities: entities))
                return
            }
            nesting += 1
            defer { nesting -= 1 }
            let mixed = LibXML.hasNonBlankText(node)
            var child = node.pointee.children
            while let c = child {
                if c != heading { visit(c, inlineContext: mixed) }
                child = c.pointee.next
            }
        }

        mutating func visit(_ node: xmlNodePtr, inlineContext: Bool) {
            switch node.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let bytes = LibXML.content(node) { builder.appendInline(bytes) }
            case XML_ELEMENT_NODE:
                element(node, inlineContext: inlineContext)
            case XML_ENTITY_REF_NODE:
                if let text = entities.expansion(of: node) { builder.appendInline(text) }
            default:
                break
            }
        }

        /// The heading child that makes this element a section, if it is one.
        func sectionHeading(_ node: xmlNodePtr, _ name: String) -> xmlNodePtr? {
            if let heading = LibXML.child(node, named: XMLExtractor.headingNames) { return heading }
            if XMLExtractor.sectionNames.contains(name),
               let info = LibXML.child(node, named: XMLExtractor.infoNames),
               let heading = LibXML.child(info, named: ["title"]) { return heading }
            return nil
        }

        mutating func element(_ node: xmlNodePtr, inlineContext: Bool) {
            let name = LibXML.name(node)
            if XMLExtractor.skipped.contains(name) { return }
            if node == rootHeading { return }
            if XMLExtractor.verbatim.contains(name) || LibXML.attribute(node, "space") == "preserve" {
                builder.separate(.paragraph)
                builder.appendVerbatim(LibXML.rawText(node, entities: entities))
                builder.separate(.paragraph)
                return
            }
            if XMLExtractor.breaks.contains(name) { builder.separate(.line); return }
            if inlineContext || XMLExtractor.inline.contains(name) {
                visitChildren(node)
                return
            }
            if XMLExtractor.transparent.contains(name) {
                visitChildren(node)
                return
            }
            if XMLExtractor.cells.contains(name) {
                builder.separate(.cell); visitChildren(node); builder.separate(.cell)
                return
            }
            if XMLExtractor.lines.contains(name) {
                builder.separate(.line); visitChildren(node); builder.separate(.line)
                return
            }
            let isRoot = node.pointee.parent?.pointee.type == XML_DOCUMENT_NODE
            if !isRoot, let heading = sectionHeading(node, name) {
                let text = LibXML.text(heading, entities: entities)
                if !text.isEmpty {
                    depth += 1
                    builder.heading(text, level: depth)
                    visitChildren(node, skipping: heading)
                    depth -= 1
                    // Text after a nested section belongs to the parent again.
                    builder.heading("", level: depth + 1)
                    return
                }
            }
            builder.separate(.paragraph)
            visitChildren(node)
            builder.separate(.paragraph)
        }
    }
}
