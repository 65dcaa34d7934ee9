import CXML
import Foundation

/// Extracts structure-aware text from HTML with libxml2's forgiving HTML parser.
///
/// Drops scripts, styles, forms, navigation and page-level header/footer/aside boilerplate
/// (by element, ARIA role, and common class/id names such as `nav`, `menu`, `sidebar`, `toc`);
/// keeps the title, h1-h6 as the heading path, paragraphs, lists (`- ` / `1. ` items), tables
/// (cells joined by ` | `, one row per line) and `pre` blocks verbatim.
enum HTMLExtractor {
    struct Result {
        var title: String
        var text: String
        var sections: [Section]
        var charset: String
        var warnings: [String]
    }

    static let skipped: Set<String> = [
        "script", "style", "noscript", "template", "nav", "aside", "form", "button", "select", "option",
        "textarea", "input", "iframe", "object", "embed", "svg", "math", "canvas", "audio", "video", "map",
        "head", "dialog", "menu", "link", "meta",
    ]
    static let pageChrome: Set<String> = ["header", "footer"]
    static let contentContainers: Set<String> = ["article", "main", "section"]
    static let skippedRoles: Set<String> = [
        "navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "toolbar",
    ]
    /// Whole class or id tokens that mark boilerplate.
    static let boilerplateTokens: Set<String> = [
        "nav", "navbar", "navigation", "menu", "mainmenu", "submenu", "menubar", "sidebar", "rightsidebar",
        "leftsidebar", "breadcrumb", "breadcrumbs", "footer", "site-footer", "site-header", "skip-link",
        "toc", "fancy_toc", "table-of-contents", "noindex", "cookie-banner", "searchmenu", "tagline", "logo",
        "site-logo", "skiplink", "share", "social", "pagination", "pager", "advert", "ads",
    ]
    static let blocks: Set<String> = [
        "p", "div", "section", "article", "main", "blockquote", "figure", "figcaption", "address", "dl",
        "dt", "dd", "center", "details", "summary", "fieldset", "legend", "hr", "caption", "body", "html",
        "header", "footer", "table",
    ]

    /// Parses UTF-8 (or a declared charset libxml2 converts) and extracts the text.
    /// - Parameters:
    ///   - data: the raw file bytes.
    ///   - name: used for messages and as the fallback title.
    static func extract(_ data: Data, name: String) throws -> Result {
        _ = LibXML.initialised
        var warnings: [String] = []
        // Decode ourselves (declared charset, else UTF-8 with Windows-1252 fallback) and hand
        // libxml2 UTF-8 with the in-document hint ignored, so both agree on the characters.
        // A byte-order mark wins over the meta tag, and a meta "utf-16" on a page we are reading
        // as bytes means UTF-8 (as browsers do).
        let hasBOM = data.withUnsafeBytes { TextDecoding.byteOrderMark($0.bindMemory(to: UInt8.self)) != nil }
        var declared = hasBOM ? nil : data.withUnsafeBytes { TextDecoding.declaredHTMLCharset($0.bindMemory(to: UInt8.self)) }
        if let label = declared, label.hasPrefix("utf-16") || label.hasPrefix("utf16") { declared = "utf-8" }
        var charset = "utf-8"
        var utf8: Data
        var libxmlEncoding = "UTF-8"
        var convertible = false
        if let declared, !TextDecoding.isUTF8(declared), !TextDecoding.isLatin1Family(declared) {
            convertible = LibXML.supportsEncoding(declared)
            if !convertible { warnings.append("charset \(declared) is not supported; read as UTF-8") }
        }
        if let declared, convertible {
            // Another charset (e.g. shift_jis, koi8-r): let libxml2's iconv convert it.
            utf8 = data
            libxmlEncoding = declared
            charset = declared
        } else {
            let (text, fallback) = TextDecoding.decode(data, declaredCharset: declared)
            if let declared, TextDecoding.isLatin1Family(declared) { charset = "windows-1252" }
            if fallback > 0 {
                charset = "utf-8+windows-1252"
                warnings.append("\(fallback) bytes were not valid UTF-8 and were read as Windows-1252")
            }
            utf8 = Data(text.utf8)
        }

        let collector = LibXML.ErrorCollector()
        guard let context = htmlNewParserCtxt() else {
            throw DocumentError.malformed(path: name, type: .html, reason: "libxml2 could not allocate a parser")
        }
        defer { htmlFreeParserCtxt(context) }
        LibXML.attach(collector, to: context)
        defer { LibXML.detach() }
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_IGNORE_ENC.rawValue | HTML_PARSE_COMPACT.rawValue)
        var document = utf8.withUnsafeBytes { raw in
            htmlCtxtReadMemory(context, raw.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(raw.count),
                               name, libxmlEncoding, libxmlEncoding == "UTF-8" ? options : options & ~Int32(HTML_PARSE_IGNORE_ENC.rawValue))
        }
        if document == nil && libxmlEncoding != "UTF-8" {
            warnings.append("charset \(libxmlEncoding) is not supported; read as UTF-8")
            let (text, _) = TextDecoding.decode(data)
            charset = "utf-8"
            document = Data(text.utf8).withUnsafeBytes { raw in
                htmlCtxtReadMemory(context, raw.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(raw.count),
                                   name, "UTF-8", options)
            }
        }
        guard let document, let root = xmlDocGetRootElement(document) else {
            if let document { xmlFreeDoc(document) }
            throw DocumentError.malformed(path: name, type: .html, reason: collector.messages.first ?? "no document")
        }
        defer { xmlFreeDoc(document) }
        // Recovered HTML errors are not reported: nearly every real page has some (libxml2 2.9
        // flags each HTML5 tag as unknown), and browsers accept them too. They are the reason given
        // when nothing could be extracted.

        let entities = LibXML.EntityBudget(documentBytes: utf8.count)
        var walker = Walker(capacity: utf8.count / 2, entities: entities)
        walker.visit(root)
        var (text, sections) = walker.builder.finish()
        var title = findTitle(root, entities: entities) ?? walker.firstHeading ?? ""
        if title.isEmpty { title = fallbackTitle(name) }
        if let warning = entities.warning { warnings.append(warning) }
        if text.isEmpty {
            if let first = collector.messages.first {
                throw DocumentError.malformed(path: name, type: .html, reason: first)
            }
            sections = []
        }
        return Result(title: title, text: text, sections: sections, charset: charset, warnings: warnings)
    }

    /// The text of the first `<title>` element.
    static func findTitle(_ node: xmlNodePtr, entities: LibXML.EntityBudget) -> String? {
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE {
                let n = LibXML.name(c)
                if n == "title" {
                    let t = LibXML.text(c, entities: entities)
                    if !t.isEmpty { return t }
                } else if n == "head" || n == "html" {
                    if let t = findTitle(c, entities: entities) { return t }
                }
            }
            child = c.pointee.next
        }
        return nil
    }

    static func fallbackTitle(_ name: String) -> String {
        URL(fileURLWithPath: name).deletingPathExtension().lastPathComponent
    }

    /// Depth-first walk writing into a ``TextBuilder``.
    struct Walker {
        var builder: TextBuilder
        var firstHeading: String?
        var lists: [(ordered: Bool, next: Int)] = []
        var contentDepth = 0     // inside article/main/section

        let entities: LibXML.EntityBudget

        init(capacity: Int, entities: LibXML.EntityBudget) {
            builder = TextBuilder(capacity: capacity)
            self.entities = entities
        }

        var depth = 0

        mutating func visitChildren(_ node: xmlNodePtr) {
            if depth >= LibXML.maxDepth {
                // Pathologically deep markup: keep its text, stop recursing.
                builder.appendInline(LibXML.rawText(node, entities: entities))
                return
            }
            depth += 1
            defer { depth -= 1 }
            var child = node.pointee.children
            while let c = child {
                visit(c)
                child = c.pointee.next
            }
        }

        mutating func visit(_ node: xmlNodePtr) {
            switch node.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let bytes = LibXML.content(node) { builder.appendInline(bytes) }
            case XML_ELEMENT_NODE:
                element(node)
            case XML_ENTITY_REF_NODE:
                if let text = entities.expansion(of: node) { builder.appendInline(text) }
            default:
                break
            }
        }

        /// Element names are interned by libxml2's dictionary, so a pointer-keyed cache saves a
        /// String allocation per element.
        var names: [UnsafePointer<xmlChar>: String] = [:]

        mutating func name(_ node: xmlNodePtr) -> String {
            guard let pointer = node.pointee.name else { return "" }
            if let cached = names[pointer] { return cached }
            let name = String(cString: pointer)
            if names.count < 4096 { names[pointer] = name }
            return name
        }

        func isBoilerplate(_ node: xmlNodePtr, _ name: String) -> Bool {
            if HTMLExtractor.skipped.contains(name) { return true }
            if HTMLExtractor.pageChrome.contains(name) && contentDepth == 0 { return true }
            // One pass over the attributes, comparing names as C strings.
            var attribute = node.pointee.properties
            while let a = attribute {
                attribute = a.pointee.next
                guard let n = a.pointee.name else { continue }
                let key = UnsafeRawPointer(n).assumingMemoryBound(to: CChar.self)
                if strcmp(key, "hidden") == 0 { return true }
                let isClass = strcmp(key, "class") == 0
                guard isClass || strcmp(key, "id") == 0 || strcmp(key, "role") == 0
                        || strcmp(key, "aria-hidden") == 0 || strcmp(key, "style") == 0 else { continue }
                let value = LibXML.attribute(node, String(cString: key))?.lowercased() ?? ""
                if isClass {
                    for token in value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" })
                    where HTMLExtractor.boilerplateTokens.contains(String(token)) { return true }
                } else if strcmp(key, "id") == 0 {
                    if HTMLExtractor.boilerplateTokens.contains(value) { return true }
                } else if strcmp(key, "role") == 0 {
                    if HTMLExtractor.skippedRoles.contains(value) { return true }
                } else if strcmp(key, "aria-hidden") == 0 {
                    if value == "true" { return true }
                } else if value.replacingOccurrences(of: " ", with: "").contains("display:none") {
                    return true
                }
            }
            return false
        }

        mutating func element(_ node: xmlNodePtr) {
            let name = name(node)
            if isBoilerplate(node, name) { return }
            switch name {
            case "h1", "h2", "h3", "h4", "h5", "h6":
                let level = Int(name.utf8.last! - 0x30)
                let text = LibXML.text(node, entities: entities)
                if firstHeading == nil && !text.isEmpty && level == 1 { firstHeading = text }
                if text.isEmpty { return }
                builder.heading(text, level: level)
            case "pre", "listing", "xmp", "plaintext":
                builder.separate(.paragraph)
                builder.appendVerbatim(LibXML.rawText(node, entities: entities))
                builder.separate(.paragraph)
            case "br":
                builder.separate(.line)
            case "ul", "ol", "dir":
                lists.append((ordered: name == "ol", next: Int(LibXML.attribute(node, "start") ?? "") ?? 1))
                builder.separate(lists.count == 1 ? .paragraph : .line)
                visitChildren(node)
                lists.removeLast()
                builder.separate(lists.isEmpty ? .paragraph : .line)
            case "li":
                builder.separate(.line)
                if var list = lists.popLast() {
                    builder.setPrefix(list.ordered ? "\(list.next). " : "- ")
                    list.next += 1
                    lists.append(list)
                } else {
                    builder.setPrefix("- ")
                }
                visitChildren(node)
                builder.separate(.line)
            case "tr":
                builder.separate(.line)
                visitChildren(node)
                builder.separate(.line)
            case "td", "th":
                builder.separate(.cell)
                visitChildren(node)
                builder.separate(.cell)
            case "img":
                break
            default:
                let isBlock = HTMLExtractor.blocks.contains(name)
                let isContent = HTMLExtractor.contentContainers.contains(name)
                if isContent { contentDepth += 1 }
                if isBlock { builder.separate(.paragraph) }
                visitChildren(node)
                if isBlock { builder.separate(.paragraph) }
                if isContent { contentDepth -= 1 }
            }
        }
    }
}
