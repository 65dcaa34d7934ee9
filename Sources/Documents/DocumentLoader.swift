import Foundation

/// Reads a file, rejects what is not a document (binary, empty, too large), detects its type from
/// content and extension, and extracts documents.
///
/// For example:
/// ```swift
/// let source = try DocumentLoader.load(URL(fileURLWithPath: "docs/index.html"))
/// for document in source.documents { print(document.title, document.sections.count) }
/// ```
public enum DocumentLoader {
    /// The default largest file read: 50 MiB.
    public static let defaultMaxFileSize = 50 << 20

    static let htmlExtensions: Set<String> = ["html", "htm", "xhtml", "shtml"]
    static let xmlExtensions: Set<String> = ["xml", "tei", "dbk", "docbook", "xsd", "rss", "atom", "opf", "svg", "xsl", "xslt"]
    static let markdownExtensions: Set<String> = ["md", "markdown", "mdown", "mkd", "mkdn", "mdx"]
    static let jsonlExtensions: Set<String> = ["jsonl", "ndjson"]
    static let textExtensions: Set<String> = ["txt", "text", "rst", "log", "csv", "tsv"]

    /// Loads one file.
    /// - Parameters:
    ///   - url: a file URL.
    ///   - maxFileSize: files larger than this many bytes are refused.
    /// - Returns: the detected type, the documents (many for a JSONL corpus) and warnings.
    /// - Throws: ``DocumentError`` (missing, unreadable, too large, binary, empty, malformed, no text).
    public static func load(_ url: URL, maxFileSize: Int = defaultMaxFileSize) throws -> LoadedSource {
        let path = url.path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DocumentError.missing(path: path)
        }
        if isDirectory.boolValue { throw DocumentError.unreadable(path: path, reason: "is a directory") }
        // Follow a symbolic link; refuse FIFOs, sockets and devices (reading a FIFO would block).
        let target = url.resolvingSymlinksInPath().path
        let attributes = (try? FileManager.default.attributesOfItem(atPath: target)) ?? [:]
        if let type = attributes[.type] as? FileAttributeType, type != .typeRegular {
            throw DocumentError.unreadable(path: path, reason: "not a regular file")
        }
        if let size = (attributes[.size] as? NSNumber)?.intValue, size > maxFileSize {
            throw DocumentError.tooLarge(path: path, size: size, limit: maxFileSize)
        }
        let data: Data
        do {
            data = try Data(contentsOf: url, options: [.mappedIfSafe])
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? (FileManager.default.isReadableFile(atPath: path)
                ? "I/O error" : "permission denied")
            throw DocumentError.unreadable(path: path, reason: reason)
        }
        if data.count > maxFileSize { throw DocumentError.tooLarge(path: path, size: data.count, limit: maxFileSize) }
        return try load(data: data, name: path)
    }

    /// Loads bytes already in memory; `name` is the path used in documents and messages (its
    /// extension helps type detection).
    /// - Throws: ``DocumentError`` (binary, empty, malformed, no text).
    public static func load(data: Data, name: String) throws -> LoadedSource {
        let (blank, binary) = data.withUnsafeBytes { raw -> (Bool, Bool) in
            let bytes = raw.bindMemory(to: UInt8.self)
            return (TextDecoding.isBlank(bytes), TextDecoding.looksBinary(bytes))
        }
        if blank { throw DocumentError.empty(path: name) }
        if binary { throw DocumentError.binary(path: name) }
        let type = detectType(data: data, name: name)
        var metadata: [String: String] = [:]
        switch type {
        case .jsonl:
            return JSONLLoader.load(data, name: name)
        case .html:
            let result = try HTMLExtractor.extract(data, name: name)
            guard !result.text.isEmpty else { throw DocumentError.noText(path: name) }
            metadata["charset"] = result.charset
            return LoadedSource(type: .html, documents: [
                Document(name: name, title: result.title, type: .html, text: result.text, sections: result.sections, metadata: metadata),
            ], warnings: result.warnings)
        case .xml:
            let result = try XMLExtractor.extract(data, name: name)
            guard !result.text.isEmpty else { throw DocumentError.noText(path: name) }
            return LoadedSource(type: .xml, documents: [
                Document(name: name, title: result.title, type: .xml, text: result.text, sections: result.sections),
            ], warnings: result.warnings)
        case .markdown, .text:
            var (source, fallback) = TextDecoding.decode(data)
            var warnings: [String] = []
            // Stray NUL bytes are dropped: they are not text, and C-string consumers would cut at them.
            let nuls = source.unicodeScalars.reduce(0) { $0 + ($1 == "\0" ? 1 : 0) }
            if nuls > 0 {
                source.removeAll { $0 == "\0" }
                warnings.append("\(nuls) NUL byte\(nuls == 1 ? " was" : "s were") dropped")
            }
            metadata["charset"] = "utf-8"
            if fallback > 0 {
                warnings.append("\(fallback) bytes were not valid UTF-8 and were read as Windows-1252")
                metadata["charset"] = "utf-8+windows-1252"
            }
            let document: Document
            if type == .markdown {
                let r = MarkdownExtractor.extract(source, name: name)
                document = Document(name: name, title: r.title, type: .markdown, text: r.text, sections: r.sections, metadata: metadata)
            } else {
                let r = TextExtractor.extract(source, name: name)
                document = Document(name: name, title: r.title, type: .text, text: r.text, sections: r.sections, metadata: metadata)
            }
            guard !document.text.isEmpty else { throw DocumentError.noText(path: name) }
            return LoadedSource(type: type, documents: [document], warnings: warnings)
        }
    }

    /// Detects the type from the content, using the extension to settle ambiguous cases:
    /// markup is HTML or XML by its prolog/doctype/root (then extension), a first line holding a JSON
    /// object means JSONL, Markdown is recognised by extension or by headings/fences in an
    /// extension-less file, anything else is text.
    public static func detectType(data: Data, name: String) -> DocumentType {
        let ext = URL(fileURLWithPath: name).pathExtension.lowercased()
        return data.withUnsafeBytes { raw -> DocumentType in
            let all = raw.bindMemory(to: UInt8.self)
            let head = String(decoding: UnsafeBufferPointer(rebasing: all[0..<min(all.count, 4096)]), as: UTF8.self)
            var start = head[...]
            if start.hasPrefix("\u{FEFF}") { start = start.dropFirst() }
            start = start.drop(while: { $0.isWhitespace })
            let lower = start.prefix(1024).lowercased()
            if lower.hasPrefix("<") {
                if lower.hasPrefix("<!doctype html") || lower.hasPrefix("<html") { return .html }
                if htmlExtensions.contains(ext) { return .html }
                if lower.hasPrefix("<?xml") || lower.hasPrefix("<!doctype") || xmlExtensions.contains(ext) {
                    return lower.contains("<html") ? .html : .xml
                }
                if markdownExtensions.contains(ext) { return .markdown }
                // Extension-less or unknown: HTML if common HTML tags appear, else XML.
                for tag in ["<head", "<body", "<div", "<p>", "<p ", "<table", "<title>", "<h1", "<ul", "<span", "<a "] where lower.contains(tag) {
                    return .html
                }
                return textExtensions.contains(ext) ? .text : .xml
            }
            if jsonlExtensions.contains(ext) { return .jsonl }
            if htmlExtensions.contains(ext) { return .html }
            if markdownExtensions.contains(ext) { return .markdown }
            if xmlExtensions.contains(ext) { return .xml }   // will be reported malformed if it is not XML
            if (ext.isEmpty || ext == "json"), JSONLLoader.looksLikeJSONL(all) { return .jsonl }
            if textExtensions.contains(ext) { return .text }
            return looksLikeMarkdown(start) ? .markdown : .text
        }
    }

    /// Markdown signals in an extension-less file: an ATX heading, a code fence, or a setext underline.
    static func looksLikeMarkdown(_ head: Substring) -> Bool {
        let lines = head.split(separator: "\n", maxSplits: 60, omittingEmptySubsequences: false).prefix(60)
        var signals = 0
        var previousNonEmpty = false
        for line in lines {
            let t = line.trimmingCharacters(in: .whitespaces)
            if MarkdownExtractor.atxHeading(t) != nil, t.hasPrefix("# ") || t.hasPrefix("## ") || t.hasPrefix("### ") { signals += 2 }
            if t.hasPrefix("```") { signals += 2 }
            if previousNonEmpty, t.count >= 3, t.allSatisfy({ $0 == "=" }) { signals += 2 }
            if t.contains("](") { signals += 1 }
            previousNonEmpty = !t.isEmpty
        }
        return signals >= 2
    }
}
