/// Accumulates extracted text as UTF-8 bytes and records heading sections.
///
/// Callers append inline text (white space collapsed), verbatim text (kept as is) and request
/// separators between blocks; a separator is only written when more content follows, and the
/// strongest pending one wins, so the output never has doubled blank lines or trailing space.
struct TextBuilder {
    /// Separators in increasing strength.
    enum Separator: Int, Comparable {
        case none = 0, space, cell, line, paragraph
        static func < (a: Separator, b: Separator) -> Bool { a.rawValue < b.rawValue }
    }

    private(set) var bytes: [UInt8] = []
    private(set) var sections: [Section] = []
    private var pending: Separator = .none
    private var prefix: [UInt8] = []          // e.g. a list marker, written before the next content
    private var levels: [Int] = []
    private(set) var headingPath: [String] = []
    private var sectionStart: Int?
    private var contentEnd = 0

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// True when nothing but white space was written.
    var isEmpty: Bool { bytes.isEmpty }

    /// Requests a separator before the next content.
    mutating func separate(_ separator: Separator) {
        if !prefix.isEmpty && separator > .space { return }   // keep a list marker on its item's line
        if separator > pending { pending = separator }
    }

    /// Sets a marker (such as `"- "`) written right before the next content.
    mutating func setPrefix(_ marker: String) {
        prefix = Array(marker.utf8)
    }

    /// Writes the pending separator and prefix; called before each run of content.
    @inline(__always)
    private mutating func beginContent() {
        if !bytes.isEmpty {
            switch pending {
            case .none: break
            case .space: bytes.append(0x20)
            case .cell: bytes.append(contentsOf: [0x20, 0x7C, 0x20])
            case .line: bytes.append(0x0A)
            case .paragraph: bytes.append(contentsOf: [0x0A, 0x0A])
            }
        }
        pending = .none
        if sectionStart == nil { sectionStart = bytes.count }
        if !prefix.isEmpty {
            bytes.append(contentsOf: prefix)
            prefix.removeAll(keepingCapacity: true)
        }
    }

    /// Appends text with runs of white space (including no-break space) collapsed to one space.
    mutating func appendInline(_ text: UnsafeBufferPointer<UInt8>) {
        var i = 0
        let n = text.count
        var sawSpace = false
        while i < n {
            let b = text[i]
            if b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D || b == 0x0C {
                sawSpace = true; i += 1; continue
            }
            if b == 0xC2 && i + 1 < n && text[i + 1] == 0xA0 {
                sawSpace = true; i += 2; continue
            }
            if b < 0x20 || b == 0x7F { i += 1; continue }     // other control bytes
            if let width = TextBuilder.invisibleWidth(text, i) { i += width; continue }
            if sawSpace { separate(.space); sawSpace = false }
            // Copy the whole word at once.
            var j = i + 1
            while j < n {
                let c = text[j]
                if c <= 0x20 || c == 0x7F || (c == 0xC2 && j + 1 < n && text[j + 1] == 0xA0) { break }
                if c >= 0xC2, TextBuilder.invisibleWidth(text, j) != nil { break }
                j += 1
            }
            beginContent()
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[i..<j]))
            contentEnd = bytes.count
            i = j
        }
        if sawSpace { separate(.space) }
    }

    /// The width of a soft hyphen (U+00AD), zero-width space (U+200B), word joiner (U+2060) or
    /// byte-order mark (U+FEFF) at `i`: invisible characters that would split words for search.
    @inline(__always)
    static func invisibleWidth(_ text: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int? {
        let b = text[i]
        if b == 0xC2 { return i + 1 < text.count && text[i + 1] == 0xAD ? 2 : nil }
        guard i + 2 < text.count else { return nil }
        if b == 0xE2 {
            let (c, d) = (text[i + 1], text[i + 2])
            return (c == 0x80 && d == 0x8B) || (c == 0x81 && d == 0xA0) ? 3 : nil
        }
        if b == 0xEF { return text[i + 1] == 0xBB && text[i + 2] == 0xBF ? 3 : nil }
        return nil
    }

    mutating func appendInline(_ text: String) {
        var copy = text
        copy.withUTF8 { appendInline($0) }
    }

    /// Appends preformatted text: line ends normalised to `\n`, trailing white space and leading or
    /// trailing blank lines removed, everything else kept.
    mutating func appendVerbatim(_ text: String) {
        var lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map { line -> Substring in
                var l = line[...]
                while let last = l.last, last == " " || last == "\t" || last == "\r" { l = l.dropLast() }
                return l
            }
        while let first = lines.first, first.isEmpty { lines.removeFirst() }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        guard !lines.isEmpty else { return }
        beginContent()
        bytes.append(contentsOf: lines.joined(separator: "\n").utf8)
        contentEnd = bytes.count
    }

    /// Starts a section under a heading of the given level (1 = outermost) and writes the heading
    /// text as its own paragraph.
    mutating func heading(_ text: String, level: Int) {
        let title = TextBuilder.collapse(text)
        closeSection()
        while let last = levels.last, last >= level {
            levels.removeLast(); headingPath.removeLast()
        }
        if !title.isEmpty {
            levels.append(level); headingPath.append(title)
        }
        separate(.paragraph)
        if !title.isEmpty {
            appendInline(title)
            separate(.paragraph)
        }
    }

    /// Ends the current section at the last content byte.
    private mutating func closeSection() {
        if let start = sectionStart, contentEnd > start {
            sections.append(Section(headingPath: headingPath, range: start..<contentEnd))
        }
        sectionStart = nil
    }

    /// The text and its sections.
    mutating func finish() -> (text: String, sections: [Section]) {
        closeSection()
        bytes.removeSubrange(contentEnd...)
        return (String(decoding: bytes, as: UTF8.self), sections)
    }

    /// White space collapsed and trimmed.
    static func collapse(_ text: String) -> String {
        var b = TextBuilder()
        b.appendInline(text)
        return b.finish().text
    }
}
