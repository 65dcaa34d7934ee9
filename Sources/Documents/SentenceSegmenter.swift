/// Splits text into sentences, returning **UTF-8 byte ranges** trimmed of surrounding white space.
///
/// Rules: a blank line always ends a sentence; a single newline ends one when the next line is a
/// list item (`- `, `* `, `• `, `1. `) or a table row (` | `); `.`, `!`, `?` and `…` (with any
/// closing quotes or brackets) end one when followed by white space and then an upper-case letter,
/// a digit, a quote or an opening bracket. A period does not end a sentence after a known
/// abbreviation (`Dr.`, `Mr.`, `e.g.`, `vs.`, `Fig. 3`), a single-letter initial (`J. R. R.`), or a
/// dotted initialism (`U.S. Army`); a lower-case next word never starts a sentence (`e.g. the`,
/// `wait... and`); decimals (`3.14`) have no space so never split. The ideographic full stop and
/// full-width `！`/`？` end a sentence even without a following space.
///
/// For example:
/// ```swift
/// let text = "Dr. Smith paid $3.50. Then he left."
/// SentenceSegmenter().sentences(in: text).map { Document.slice(text, $0) }
/// // ["Dr. Smith paid $3.50.", "Then he left."]
/// ```
public struct SentenceSegmenter: Sendable {
    /// Abbreviations after which a period never ends a sentence (lower-case, without the period).
    public var abbreviations: Set<String>
    /// Abbreviations that only continue when a number follows (`No. 5`, `Fig. 2`, `p. 10`).
    public var numberAbbreviations: Set<String>

    public init(abbreviations: Set<String> = SentenceSegmenter.defaultAbbreviations,
                numberAbbreviations: Set<String> = SentenceSegmenter.defaultNumberAbbreviations) {
        self.abbreviations = abbreviations
        self.numberAbbreviations = numberAbbreviations
    }

    public static let defaultAbbreviations: Set<String> = [
        "mr", "mrs", "ms", "dr", "prof", "st", "mt", "ft", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm",
        "rev", "hon", "gov", "sen", "rep", "pres", "supt", "messrs", "mme", "mlle", "e.g", "i.e", "cf",
        "vs", "v", "approx", "ca", "c", "al", "jan", "feb", "apr", "aug", "sep", "sept", "oct", "nov", "dec",
        "dept", "univ", "est", "ave", "blvd", "rd", "jr", "sr", "op", "viz", "resp", "incl",
    ]
    public static let defaultNumberAbbreviations: Set<String> = [
        "no", "nos", "vol", "vols", "p", "pp", "fig", "figs", "art", "sec", "ch", "chap", "eq", "ref", "tab", "para", "nr",
    ]

    /// Sentence ranges (UTF-8 byte offsets) of the whole text.
    public func sentences(in text: String) -> [Range<Int>] {
        var copy = text
        return copy.withUTF8 { sentences(in: $0, range: 0..<$0.count) }
    }

    /// Sentence ranges within `range` of UTF-8 bytes (offsets relative to the buffer start).
    func sentences(in bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        let hi = range.upperBound
        var start = -1          // start of the current sentence, -1 when between sentences
        var lastContent = -1    // end (exclusive) of the last non-space byte
        func close() {
            if start >= 0 && lastContent > start { result.append(start..<lastContent) }
            start = -1
        }
        var i = range.lowerBound
        while i < hi {
            let b = bytes[i]
            if b == 0x0A {
                // Blank line (only spaces between two newlines)?
                var j = i + 1
                while j < hi, bytes[j] == 0x20 || bytes[j] == 0x09 || bytes[j] == 0x0D { j += 1 }
                if j >= hi || bytes[j] == 0x0A || startsStructuredLine(bytes, at: j, hi: hi) || lineHasCells(bytes, before: i, from: start) {
                    close()
                }
                i += 1
                continue
            }
            if isSpace(b) { i += 1; continue }
            if start < 0 { start = i }
            if let width = fullWidthTerminator(bytes, i, hi) {
                // 。！？ end a sentence with or without following space (CJK text has none).
                var j = i + width
                while j < hi, let w = fullWidthTerminator(bytes, j, hi) { j += w }
                lastContent = j
                close()
                i = j
                continue
            }
            if b == UInt8(ascii: ".") || b == UInt8(ascii: "!") || b == UInt8(ascii: "?") || isEllipsis(bytes, i, hi) {
                // The run of terminators and closers.
                var j = i
                var periods = 0
                var ellipsis = false
                while j < hi {
                    let c = bytes[j]
                    if c == UInt8(ascii: ".") { periods += 1; j += 1 }
                    else if c == UInt8(ascii: "!") || c == UInt8(ascii: "?") { j += 1 }
                    else if isEllipsis(bytes, j, hi) { ellipsis = true; j += 3 }
                    else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") || c == UInt8(ascii: ")") || c == UInt8(ascii: "]") { j += 1 }
                    else if c == 0xE2, j + 2 < hi, bytes[j + 1] == 0x80, bytes[j + 2] == 0x99 || bytes[j + 2] == 0x9D { j += 3 }  // ’ ”
                    else { break }
                }
                lastContent = j
                if j >= hi || isSpace(bytes[j]) {
                    if breaksAfter(bytes, terminatorAt: i, runEnd: j, hi: hi, singlePeriod: periods == 1 && !ellipsis && j - i <= 3) {
                        close()
                    }
                }
                i = j
                continue
            }
            i += 1
            lastContent = i
            // Consume a multi-byte scalar whole so lastContent stays on a boundary.
            while i < hi, bytes[i] & 0xC0 == 0x80 { i += 1; lastContent = i }
        }
        close()
        return result
    }

    @inline(__always) func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D || b == 0x0C }

    @inline(__always) func isEllipsis(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int, _ hi: Int) -> Bool {
        bytes[i] == 0xE2 && i + 2 < hi && bytes[i + 1] == 0x80 && bytes[i + 2] == 0xA6
    }

    /// The byte width of an ideographic full stop or full-width `!`/`?` at `i`, if one is there.
    @inline(__always) func fullWidthTerminator(_ bytes: UnsafeBufferPointer<UInt8>, _ i: Int, _ hi: Int) -> Int? {
        guard i + 2 < hi else { return nil }
        let (a, b, c) = (bytes[i], bytes[i + 1], bytes[i + 2])
        if a == 0xE3 && b == 0x80 && c == 0x82 { return 3 }                       // 。
        if a == 0xEF && b == 0xBC && (c == 0x81 || c == 0x9F) { return 3 }        // ！ ？
        return nil
    }

    /// A list item or table row starts at `j`.
    func startsStructuredLine(_ bytes: UnsafeBufferPointer<UInt8>, at j: Int, hi: Int) -> Bool {
        let c = bytes[j]
        if (c == UInt8(ascii: "-") || c == UInt8(ascii: "*") || c == UInt8(ascii: "+") || c == UInt8(ascii: "|")),
           j + 1 < hi, bytes[j + 1] == 0x20 { return true }
        if c == 0xE2, j + 3 < hi, bytes[j + 1] == 0x80, bytes[j + 2] == 0xA2 { return true }   // •
        var k = j
        while k < hi, k - j < 9, bytes[k] >= 0x30 && bytes[k] <= 0x39 { k += 1 }
        if k > j, k + 1 < hi, bytes[k] == UInt8(ascii: ".") || bytes[k] == UInt8(ascii: ")"), bytes[k + 1] == 0x20 { return true }
        return false
    }

    /// The line ending at `end` is a table row (holds " | ").
    func lineHasCells(_ bytes: UnsafeBufferPointer<UInt8>, before end: Int, from start: Int) -> Bool {
        guard start >= 0 else { return false }
        var k = end - 1
        while k - 2 >= start, bytes[k] != 0x0A {
            if bytes[k] == 0x20, bytes[k - 1] == UInt8(ascii: "|"), bytes[k - 2] == 0x20 { return true }
            k -= 1
        }
        return false
    }

    /// Whether the terminator run `i..<runEnd` ends a sentence, given what follows.
    func breaksAfter(_ bytes: UnsafeBufferPointer<UInt8>, terminatorAt i: Int, runEnd: Int, hi: Int, singlePeriod: Bool) -> Bool {
        var k = runEnd
        while k < hi, isSpace(bytes[k]) {
            if bytes[k] == 0x0A, k + 1 < hi, bytes[k + 1] == 0x0A { return true }
            k += 1
        }
        if k >= hi { return true }
        let next = bytes[k]
        if next >= UInt8(ascii: "a") && next <= UInt8(ascii: "z") { return false }
        let nextIsDigit = next >= 0x30 && next <= 0x39
        let nextStarts = (next >= UInt8(ascii: "A") && next <= UInt8(ascii: "Z")) || nextIsDigit || next >= 0x80
            || next == UInt8(ascii: "\"") || next == UInt8(ascii: "'") || next == UInt8(ascii: "(") || next == UInt8(ascii: "[")
            || next == UInt8(ascii: "-") || next == UInt8(ascii: "*")
        if !nextStarts { return false }
        guard singlePeriod, bytes[i] == UInt8(ascii: ".") else { return true }
        // The word before the period.
        var w = i
        while w > 0, !isSpace(bytes[w - 1]), bytes[w - 1] != UInt8(ascii: "("), bytes[w - 1] != UInt8(ascii: "\""),
              bytes[w - 1] != UInt8(ascii: "["), i - w < 24 { w -= 1 }
        let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[w..<i]), as: UTF8.self)
        if word.isEmpty { return true }
        // A single upper-case letter is an initial ("James P. Comer"), whatever the lists say.
        let letters = word.unicodeScalars
        if letters.count == 1, let s = letters.first, s.properties.isUppercase { return false }
        let lower = word.lowercased()
        if abbreviations.contains(lower) { return false }
        if numberAbbreviations.contains(lower) { return !nextIsDigit }
        // Dotted initialisms ("U.S", "e.g", "Ph.D").
        if word.contains("."), word.split(separator: ".").allSatisfy({ $0.count <= 2 && $0.allSatisfy(\.isLetter) }) { return false }
        return true
    }
}
