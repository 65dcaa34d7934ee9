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
    ///
    /// One pass in linear time and memory whatever the input: brackets and parentheses are
    /// matched up front, link texts are read in place (a stack of where each one ends, not a
    /// recursion), and every forward search is either a table lookup or bounded.
    static func inlineText(_ s: Substring) -> String {
        let chars = Array(s)
        let n = chars.count
        let brackets = matchingPairs(chars, open: "[", close: "]")
        let parens = matchingPairs(chars, open: "(", close: ")")
        let ticks = BacktickRuns(chars)
        var out = ""
        out.reserveCapacity(n)
        var linkEnds: [Int] = []   // the closing `]` of each link text being read, innermost last
        var i = 0
        while i < n {
            let limit = linkEnds.last ?? n
            if i == limit {
                // The end of a link's text: skip its destination `(url)` or reference `[ref]`.
                linkEnds.removeLast()
                let outer = linkEnds.last ?? n
                let k = i + 1
                if k < outer, chars[k] == "(" {
                    i = parens[k] >= 0 && parens[k] < outer ? parens[k] + 1 : outer
                } else if k < outer, chars[k] == "[", brackets[k] >= 0, brackets[k] < outer {
                    i = brackets[k] + 1
                } else {
                    i = k
                }
                continue
            }
            let c = chars[i]
            switch c {
            case "\\":
                if i + 1 < limit, chars[i + 1].isPunctuation || chars[i + 1].isSymbol { out.append(chars[i + 1]); i += 2 } else { out.append(c); i += 1 }
            case "`":
                var run = 0
                while i + run < limit, chars[i + run] == "`" { run += 1 }
                if let close = ticks.nextRun(ofLength: run, from: i + run), close + run <= limit {
                    out += String(chars[(i + run)..<close]).trimmingCharacters(in: .whitespaces)
                    i = close + run
                } else {
                    out += String(repeating: "`", count: run); i += run
                }
            case "!" where i + 1 < limit && chars[i + 1] == "[":
                i += 1   // the image's alt text is read as a link text below
            case "[":
                // [text](url), [text][ref] or [text]: the text is read in place.
                if brackets[i] > i, brackets[i] < limit { linkEnds.append(brackets[i]) } else { out.append(c) }
                i += 1
            case "<":
                // Autolinks keep the address; simple tags are dropped (a tag is under 200 characters).
                if let end = chars[i..<min(limit, i + 200)].firstIndex(of: ">") {
                    let inner = String(chars[(i + 1)..<end])
                    if inner.contains("://") || inner.contains("@") { out += inner; i = end + 1; continue }
                    if let f = inner.first, f.isLetter || f == "/" || f == "!" { i = end + 1; continue }
                }
                out.append(c); i += 1
            case "*", "_", "~":
                // Emphasis markers: drop runs that touch a word on one side only (keeps snake_case, 2*3).
                var run = 0
                while i + run < limit, chars[i + run] == c { run += 1 }
                let before: Character? = i > 0 ? chars[i - 1] : nil
                let after: Character? = i + run < limit ? chars[i + run] : nil
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

    /// For each `open` character the index of its matching `close` (nesting counted), else -1.
    static func matchingPairs(_ chars: [Character], open: Character, close: Character) -> [Int] {
        var match = [Int](repeating: -1, count: chars.count)
        var stack: [Int] = []
        for (i, c) in chars.enumerated() {
            if c == open { stack.append(i) } else if c == close, let o = stack.popLast() { match[o] = i }
        }
        return match
    }

    /// The maximal runs of backticks of a line by length, so the closing run of a code span is a
    /// binary search rather than a scan.
    struct BacktickRuns {
        private var starts: [Int: [Int]] = [:]

        init(_ chars: [Character]) {
            var i = 0
            while i < chars.count {
                guard chars[i] == "`" else { i += 1; continue }
                var j = i
                while j < chars.count, chars[j] == "`" { j += 1 }
                starts[j - i, default: []].append(i)
                i = j
            }
        }

        /// The start of the first run of exactly `length` backticks at or after `position`.
        func nextRun(ofLength length: Int, from position: Int) -> Int? {
            guard let list = starts[length] else { return nil }
            var lo = 0, hi = list.count
            while lo < hi { let mid = (lo + hi) / 2; if list[mid] < position { lo = mid + 1 } else { hi = mid } }
            return lo < list.count ? list[lo] : nil
        }
    }
}
