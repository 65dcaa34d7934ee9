import CXML
import Foundation

/// Thin helpers over libxml2: one-time initialisation, an error collector that replaces libxml2's
/// printing to stderr, and node accessors.
enum LibXML {
    /// `xmlInitParser` must run once before parsing from several threads.
    static let initialised: Bool = {
        xmlInitParser()
        return true
    }()

    /// Collects parser messages instead of letting libxml2 print them.
    final class ErrorCollector {
        private(set) var messages: [String] = []
        private(set) var count = 0
        private(set) var fatalCount = 0

        func add(_ error: xmlError) {
            count += 1
            if error.level == XML_ERR_FATAL { fatalCount += 1 }
            guard messages.count < 5 else { return }
            var message = error.message.map { String(cString: $0) } ?? "unknown error"
            while message.last == "\n" || message.last == " " { message.removeLast() }
            messages.append("line \(error.line): \(message)")
        }

        /// One line: "3 errors recovered; first: line 4: ..."
        func summary(_ what: String) -> String? {
            guard count > 0 else { return nil }
            let first = messages.first.map { "; first: \($0)" } ?? ""
            return "\(count) \(what) error\(count == 1 ? "" : "s") recovered\(first)"
        }
    }

    /// Routes errors of a parser context to its collector (stored in `_private`).
    static let collect: xmlStructuredErrorFunc = { userData, error in
        guard let userData, let error else { return }
        let context = userData.assumingMemoryBound(to: xmlParserCtxt.self)
        guard let box = context.pointee._private else { return }
        Unmanaged<ErrorCollector>.fromOpaque(box).takeUnretainedValue().add(error.pointee)
    }

    /// Drops errors raised outside a parser context (e.g. encoding errors) on this thread.
    static let ignore: xmlStructuredErrorFunc = { _, _ in }

    /// Installs the collector on a parser context. The XML parser reports through the context's
    /// SAX `serror`; the HTML parser's SAX handler is not a SAX2 one, so its errors go to the
    /// (per-thread) global structured handler, which we point at the same context. Call
    /// ``detach()`` when parsing is done.
    static func attach(_ collector: ErrorCollector, to context: xmlParserCtxtPtr) {
        context.pointee._private = Unmanaged.passUnretained(collector).toOpaque()
        context.pointee.sax.pointee.serror = collect
        xmlSetStructuredErrorFunc(UnsafeMutableRawPointer(context), collect)
    }

    /// Drops this thread's global handler's reference to a parser context (errors raised later,
    /// outside any parse, are ignored rather than printed).
    static func detach() {
        xmlSetStructuredErrorFunc(nil, ignore)
    }

    /// Whether libxml2 (directly or through iconv) can convert from the named charset.
    static func supportsEncoding(_ name: String) -> Bool {
        _ = initialised
        guard let handler = xmlFindCharEncodingHandler(name) else { return false }
        xmlCharEncCloseFunc(handler)
        return true
    }

    // MARK: Nodes

    /// The local name of an element (no prefix), as libxml2 stores it.
    @inline(__always)
    static func name(_ node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0) } ?? ""
    }

    /// The namespace prefix of an element, if any.
    static func prefix(_ node: xmlNodePtr) -> String? {
        node.pointee.ns?.pointee.prefix.map { String(cString: $0) }
    }

    /// The value of an attribute (first text child), without allocating through libxml2.
    static func attribute(_ node: xmlNodePtr, _ name: String) -> String? {
        var attr = node.pointee.properties
        while let a = attr {
            if let n = a.pointee.name, String(cString: n) == name {
                var value = ""
                var child = a.pointee.children
                while let c = child {
                    if let content = c.pointee.content { value += String(cString: content) }
                    child = c.pointee.next
                }
                return value
            }
            attr = a.pointee.next
        }
        return nil
    }

    /// Element children of a node.
    static func elements(_ node: xmlNodePtr) -> [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE { result.append(c) }
            child = c.pointee.next
        }
        return result
    }

    /// The first element child with one of the given local names.
    static func child(_ node: xmlNodePtr, named names: Set<String>) -> xmlNodePtr? {
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE, names.contains(name(c)) { return c }
            child = c.pointee.next
        }
        return nil
    }

    /// All descendant text of a node, raw (no collapsing); entity references are expanded within
    /// `entities`' budget.
    static func rawText(_ node: xmlNodePtr, entities: EntityBudget) -> String {
        var out: [UInt8] = []
        appendRawText(node, entities: entities, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Iterative (no recursion), so absurdly deep trees cannot exhaust the stack.
    private static func appendRawText(_ root: xmlNodePtr, entities: EntityBudget, to out: inout [UInt8]) {
        var node: xmlNodePtr? = root
        while let current = node {
            var descend = false
            switch current.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content {
                    out.append(contentsOf: UnsafeBufferPointer(start: content, count: strlen(content)))
                }
            case XML_ENTITY_REF_NODE:
                if let text = entities.expansion(of: current) { out.append(contentsOf: text) }
            case XML_ELEMENT_NODE, XML_DOCUMENT_NODE, XML_HTML_DOCUMENT_NODE:
                descend = current.pointee.children != nil
            default:
                break
            }
            if descend { node = current.pointee.children; continue }
            // Next sibling, or the next sibling of the nearest ancestor below root.
            var up: xmlNodePtr? = current
            node = nil
            while let u = up, u != root {
                if let next = u.pointee.next { node = next; break }
                up = u.pointee.parent
            }
        }
    }

    /// How deep the walkers recurse before flattening a subtree to its raw text.
    static let maxDepth = 256

    /// Descendant text with white space collapsed and trimmed.
    static func text(_ node: xmlNodePtr, entities: EntityBudget) -> String {
        TextBuilder.collapse(rawText(node, entities: entities))
    }

    /// Whether any direct text child holds something other than white space (mixed content).
    static func hasNonBlankText(_ node: xmlNodePtr) -> Bool {
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_TEXT_NODE || c.pointee.type == XML_CDATA_SECTION_NODE, var p = c.pointee.content {
                while p.pointee != 0 {
                    let b = p.pointee
                    if !(b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D) { return true }
                    p += 1
                }
            }
            child = c.pointee.next
        }
        return false
    }

    /// The replacement text of an internal entity reference (`&name;` declared in the internal
    /// subset); external entities are never loaded, so they give nothing.
    static func internalEntityText(_ node: xmlNodePtr) -> UnsafeBufferPointer<UInt8>? {
        guard let child = node.pointee.children, child.pointee.type == XML_ENTITY_DECL else { return nil }
        let entity = UnsafeMutableRawPointer(child).assumingMemoryBound(to: xmlEntity.self)
        guard entity.pointee.etype == XML_INTERNAL_GENERAL_ENTITY, let content = entity.pointee.content else { return nil }
        return UnsafeBufferPointer(start: content, count: strlen(content))
    }

    /// How many bytes a document's entity references may expand to, in all.
    ///
    /// libxml2 (2.9, as on Debian 12) stops entity loops but not amplification: one 100 KB entity
    /// referenced a thousand times in a 100 KB file is 100 MB of text. Expansions stop at the larger
    /// of 1 MiB and the document's own size; the extractor then warns, naming the file.
    final class EntityBudget {
        let limit: Int
        private(set) var used = 0
        private(set) var exceeded = false

        init(documentBytes: Int) { limit = max(1 << 20, documentBytes) }

        /// The replacement text of an entity reference while the budget lasts, else nil.
        func expansion(of node: xmlNodePtr) -> UnsafeBufferPointer<UInt8>? {
            guard !exceeded, let text = internalEntityText(node) else { return nil }
            guard used + text.count <= limit else { exceeded = true; return nil }
            used += text.count
            return text
        }

        /// The warning for a document whose expansions were cut, if they were.
        var warning: String? {
            exceeded ? "entity references expand to more than \(limit) bytes (an entity-expansion bomb?): the expansions past that were left out" : nil
        }
    }

    /// The content bytes of a text node.
    @inline(__always)
    static func content(_ node: xmlNodePtr) -> UnsafeBufferPointer<UInt8>? {
        guard let content = node.pointee.content else { return nil }
        return UnsafeBufferPointer(start: content, count: strlen(content))
    }
}
