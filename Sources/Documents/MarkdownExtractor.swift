import Foundation

/// Extracts text from Markdown: ATX (`## x`) and setext (underlined) headings become sections;
/// emphasis, link and image syntax is stripped to its text; fenced and indented code is kept
/// verbatim; list items stay one per line (`- `); table delimiter rows and YAML front matter are
/// dropped (a front-matter `title:` is used as the title).
enum MarkdownExtractor {
    struct Result {
        var title: String
        var text: String
        var sections: [Section]
    }

    static func extract(_ source: String, name: String) -> Result {
        var lines = source.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        var builder = TextBuilder(capacity: source.utf8.count)
        var title: String?
        var firstHeading: String?

        // YAML front matter.
        if lines.first?.trimmingCharacters(in: .whitespaces) == "---",
           let end = lines.dropFirst().prefix(200).firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" || $0 == "..." }),
           lines[1..<end].contains(where: { $0.contains(":") }) {
            for line in lines[1..<end] where line.lowercased().hasPrefix("title:") {
                let value = line.dropFirst(6).trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
                if !value.isEmpty { title = value }
            }
            lines.removeSubrange(0...end)
        }

        var i = 0
        var inParagraph = false
        while i < lines.count {
            let line = lines[i]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            // Fenced code.
            if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                let fence = String(trimmed.prefix(3))
                var code: [Substring] = []
                i += 1
                while i < lines.count, !lines[i].trimmingCharacters(in: .whitespaces).hasPrefix(fence) {
                    code.append(lines[i]); i += 1
                }
                i += 1
                builder.separate(.paragraph)
                builder.appendVerbatim(code.joined(separator: "\n"))
                builder.separate(.paragraph)
                inParagraph = false
                continue
            }
            if trimmed.isEmpty {
                builder.separate(.paragraph); inParagraph = false; i += 1; continue
            }
            // HTML comments, also over several lines.
            if trimmed.hasPrefix("<!--") {
                while i < lines.count, !lines[i].contains("-->") { i += 1 }
                i += 1
                continue
            }
            // Indented code (only when not continuing a paragraph).
            if !inParagraph, line.hasPrefix("    ") || line.hasPrefix("\t") {
                var code: [Substring] = []
                while i < lines.count, lines[i].hasPrefix("    ") || lines[i].hasPrefix("\t") || lines[i].trimmingCharacters(in: .whitespaces).isEmpty {
                    code.append(lines[i].hasPrefix("\t") ? lines[i].dropFirst() : lines[i].dropFirst(min(4, lines[i].count)))
                    i += 1
                }
                builder.separate(.paragraph)
                builder.appendVerbatim(code.joined(separator: "\n"))
                builder.separate(.paragraph)
                continue
            }
            // ATX heading.
            if let (level, text) = atxHeading(trimmed) {
                let heading = inlineText(text)
                if level == 1 && firstHeading == nil { firstHeading = heading }
                builder.heading(heading, level: level)
                inParagraph = false; i += 1; continue
            }
            // Setext heading: this line underlined by === or --- on the next.
            if i + 1 < lines.count, !isListItem(trimmed), !trimmed.hasPrefix(">"),
               let level = setextLevel(lines[i + 1]), !inParagraph {
                let heading = inlineText(Substring(trimmed))
                if level == 1 && firstHeading == nil { firstHeading = heading }
                builder.heading(heading, level: level)
                inParagraph = false; i += 2; continue
            }
            // Thematic break.
            if isThematicBreak(trimmed) { builder.separate(.paragraph); inParagraph = false; i += 1; continue }
            // Link reference definition.
            if trimmed.hasPrefix("["), trimmed.contains("]:") , !trimmed.contains("](") { i += 1; continue }
            // Table rows.
            if trimmed.hasPrefix("|") || (trimmed.contains(" | ") && trimmed.filter({ $0 == "|" }).count >= 2) {
                if isTableDelimiter(trimmed) { i += 1; continue }
                var cells = trimmed.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
                if cells.first == "" { cells.removeFirst() }
                if cells.last == "" { cells.removeLast() }
                builder.separate(.line)
                builder.appendInline(cells.map { inlineText(Substring($0)) }.joined(separator: " | "))
                builder.separate(.line)
                inParagraph = false; i += 1; continue
            }
            // Block quotes: strip the markers.
            var content = Substring(trimmed)
            while content.hasPrefix(">") { content = content.dropFirst().drop(while: { $0 == " " }) }
            // List items.
            if let (marker, rest) = listItem(content) {
                builder.separate(.line)
                builder.setPrefix(marker)
                builder.appendInline(inlineText(rest))
                inParagraph = true; i += 1; continue
            }
            // Paragraph text (soft line breaks become spaces; two trailing spaces a line break).
            if inParagraph { builder.separate(line.hasSuffix("  ") ? .line : .space) }
            builder.appendInline(inlineText(content))
            inParagraph = true
            i += 1
        }
        let (text, sections) = builder.finish()
        let finalTitle = title ?? firstHeading ?? sections.first?.headingPath.first ?? HTMLExtractor.fallbackTitle(name)
        return Result(title: finalTitle, text: text, sections: text.isEmpty ? [] : sections)
    }

    static func atxHeading(_ line: String) -> (Int, Substring)? {
        var level = 0
        var rest = Substring(line)
        while rest.first == "#" { level += 1; rest = rest.dropFirst() }
        guard (1...6).contains(level), rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        var text = rest.trimmingCharacters(in: .whitespaces)[...]
        // Closing hashes.
        if let lastNonHash = text.lastIndex(where: { $0 != "#" }) {
            if text[lastNonHash] == " " { text = text[...lastNonHash] }
        } else {
            text = ""
        }
        return (level, Substring(text.trimmingCharacters(in: .whitespaces)))
    }

    static func setextLevel(_ line: Substring) -> Int? {
        let t = line.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty else { return nil }
        if t.allSatisfy({ $0 == "=" }) { return 1 }
        if t.count >= 2, t.allSatisfy({ $0 == "-" }) { return 2 }
        return nil
    }

    static func isThematicBreak(_ t: String) -> Bool {
        let s = t.filter { $0 != " " }
        guard s.count >= 3, let c = s.first, "-*_".contains(c) else { return false }
        return s.allSatisfy { $0 == c }
    }

    static func isTableDelimiter(_ t: String) -> Bool {
        t.contains("-") && t.allSatisfy { "|-: \t".contains($0) }
    }

    static func isListItem(_ t: String) -> Bool { listItem(Substring(t)) != nil }

    /// `- x`, `* x`, `+ x`, `1. x`, `1) x` → (normalised marker, rest).
    static func listItem(_ t: Substring) -> (String, Substring)? {
        if let first = t.first, "-*+".contains(first), t.dropFirst().first == " " {
            return ("- ", t.dropFirst(2))
        }
        let digits = t.prefix(while: { $0.isASCII && $0.isNumber })
        if !digits.isEmpty, digits.count <= 9 {
            let after = t.dropFirst(digits.count)
            if let d = after.first, d == "." || d == ")", after.dropFirst().first == " " {
                return ("\(digits). ", after.dropFirst(2))
            }
        }
        return nil
    }

    /// Strips inline syntax: images and links keep their text, code spans their content,
    /// emphasis markers and simple HTML tags are removed, backslash escapes resolved.
    static func inlineText(_ s: Substring) -> String {
        let chars = Array(s)
        var out = ""
        out.reserveCapacity(chars.count)
        var i = 0
        let n = chars.count
        while i < n {
            let c = chars[i]
            switch c {
            case "\\":
                if i + 1 < n, chars[i + 1].isPunctuation || chars[i + 1].isSymbol { out.append(chars[i + 1]); i += 2 } else { out.append(c); i += 1 }
            case "`":
                var ticks = 0
                while i + ticks < n, chars[i + ticks] == "`" { ticks += 1 }
                var j = i + ticks
                var found = -1
                while j < n {
                    if chars[j] == "`" {
                        var run = 0
                        while j + run < n, chars[j + run] == "`" { run += 1 }
                        if run == ticks { found = j; break }
                        j += run
                    } else { j += 1 }
                }
                if found >= 0 {
                    out += String(chars[(i + ticks)..<found]).trimmingCharacters(in: .whitespaces)
                    i = found + ticks
                } else {
                    out += String(repeating: "`", count: ticks); i += ticks
                }
            case "!" where i + 1 < n && chars[i + 1] == "[":
                i += 1   // the image's alt text is handled as a link text below
            case "[":
                // [text](url) or [text][ref] or [text]
                var depth = 0
                var j = i
                var close = -1
                while j < n {
                    if chars[j] == "[" { depth += 1 } else if chars[j] == "]" { depth -= 1; if depth == 0 { close = j; break } }
                    j += 1
                }
                if close > i {
                    out += inlineText(Substring(String(chars[(i + 1)..<close])))
                    var k = close + 1
                    if k < n, chars[k] == "(" {
                        var paren = 0
                        while k < n { if chars[k] == "(" { paren += 1 } else if chars[k] == ")" { paren -= 1; if paren == 0 { break } }; k += 1 }
                        i = min(k + 1, n)
                    } else if k < n, chars[k] == "[" {
                        while k < n, chars[k] != "]" { k += 1 }
                        i = min(k + 1, n)
                    } else {
                        i = close + 1
                    }
                } else { out.append(c); i += 1 }
            case "<":
                // Autolinks keep the address; simple tags are dropped.
                if let end = chars[i...].firstIndex(of: ">"), end - i < 200 {
                    let inner = String(chars[(i + 1)..<end])
                    if inner.contains("://") || inner.contains("@") { out += inner; i = end + 1; continue }
                    if let f = inner.first, f.isLetter || f == "/" || f == "!" { i = end + 1; continue }
                }
                out.append(c); i += 1
            case "*", "_", "~":
                // Emphasis markers: drop runs that touch a word on one side only (keeps snake_case, 2*3).
                var run = 0
                while i + run < n, chars[i + run] == c { run += 1 }
                let before: Character? = i > 0 ? chars[i - 1] : nil
                let after: Character? = i + run < n ? chars[i + run] : nil
                let wordBefore = before.map { $0.isLetter || $0.isNumber } ?? false
                let wordAfter = after.map { $0.isLetter || $0.isNumber } ?? false
                if c == "~" && run < 2 { out.append(c); i += 1; continue }
                if wordBefore && wordAfter && c != "*" { out += String(repeating: c, count: run) }
                else if wordBefore && wordAfter && c == "*" && run == 1 && (before!.isNumber || after!.isNumber) { out.append(c) }
                i += run
            default:
                out.append(c); i += 1
            }
        }
        return out
    }
}
