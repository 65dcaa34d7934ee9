import Foundation

/// The kind of source a document was extracted from. Detected from content first, extension second.
public enum DocumentType: String, Sendable, Codable, CaseIterable {
    case html, xml, markdown, text, jsonl
}

/// A run of a document's text under one heading path.
///
/// Sections of a document are in text order, never overlap, and never contain the blank-line
/// separators between them. Offsets are **UTF-8 byte offsets** into ``Document/text``
/// (use ``Document/slice(_:)`` to read them back).
public struct Section: Sendable, Equatable, Hashable {
    /// Headings from the outermost to the innermost, e.g. `["Installation", "On Linux"]`;
    /// empty for text before the first heading.
    public var headingPath: [String]
    /// UTF-8 byte offsets into ``Document/text``.
    public var range: Range<Int>

    public init(headingPath: [String], range: Range<Int>) {
        self.headingPath = headingPath
        self.range = range
    }
}

/// One extracted document: structure-aware plain text plus its sections.
///
/// For example, an HTML page with `<h1>Install</h1><p>Run make.</p>` yields the text
/// `"Install\n\nRun make."` and one section `["Install"]` covering all of it.
public struct Document: Sendable {
    /// The file path, or the passage id for a JSONL corpus.
    public var name: String
    /// The document title (HTML `<title>`, first heading, XML title element, JSONL title, or file name).
    public var title: String
    public var type: DocumentType
    /// Extracted text: blocks separated by a blank line, list items and table rows by a newline.
    public var text: String
    /// Heading sections in order; offsets are UTF-8 byte offsets into `text`.
    public var sections: [Section]
    /// Free-form facts about the source, e.g. `"charset"`, `"source"` (the JSONL file), `"line"`.
    public var metadata: [String: String]

    public init(name: String, title: String, type: DocumentType, text: String,
                sections: [Section], metadata: [String: String] = [:]) {
        self.name = name
        self.title = title
        self.type = type
        self.text = text
        self.sections = sections
        self.metadata = metadata
    }

    /// The text between two UTF-8 byte offsets of ``text`` (clamped to the text).
    ///
    /// For example, `document.slice(section.range)` is the section's text.
    public func slice(_ range: Range<Int>) -> String {
        Document.slice(text, range)
    }

    /// The text between two UTF-8 byte offsets of `text` (clamped). Offsets produced by this
    /// module always fall on character boundaries.
    public static func slice(_ text: String, _ range: Range<Int>) -> String {
        let utf8 = text.utf8
        let lower = max(0, min(range.lowerBound, utf8.count))
        let upper = max(lower, min(range.upperBound, utf8.count))
        let start = utf8.index(utf8.startIndex, offsetBy: lower)
        let end = utf8.index(start, offsetBy: upper - lower)
        return String(decoding: utf8[start..<end], as: UTF8.self)
    }
}

/// The documents found in one source file (a JSONL corpus yields many).
public struct LoadedSource: Sendable {
    public var type: DocumentType
    public var documents: [Document]
    /// Problems that did not stop the load: skipped JSONL lines (with line numbers),
    /// recovered HTML/XML errors, charset fallbacks.
    public var warnings: [String]

    public init(type: DocumentType, documents: [Document], warnings: [String] = []) {
        self.type = type
        self.documents = documents
        self.warnings = warnings
    }
}
