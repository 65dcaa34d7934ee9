/// A gitignore-flavoured glob: `*` and `?` stay within one path component, `**` spans any
/// number of components, `[abc]`/`[a-z]`/`[!a]` are classes, `{a,b}` alternatives. A pattern
/// without `/` matches the file name alone; one with `/` matches the path relative to the walked
/// root. A leading `!` makes it an exclusion.
///
/// For example, `Glob("docs/**/*.md")` matches `docs/a/b.md`; `Glob("!*.gz").isExclusion` is true.
public struct Glob: Sendable, Hashable {
    /// The pattern as given, including any leading `!`.
    public let pattern: String
    /// Whether the pattern starts with `!` (an exclusion).
    public let isExclusion: Bool
    let alternatives: [[UInt8]]
    let matchesPath: Bool

    /// Parses a pattern; every string is a valid pattern (an unclosed `[` matches itself).
    public init(_ pattern: String) {
        self.pattern = pattern
        var p = Substring(pattern)
        isExclusion = p.hasPrefix("!")
        if isExclusion { p = p.dropFirst() }
        if p.hasPrefix("/") { p = p.dropFirst() }
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }   // "build/" names a folder like "build"
        matchesPath = p.contains("/")
        alternatives = Glob.expandBraces(String(p)).map { Array($0.utf8) }
    }

    /// Whether the glob matches a file or folder, given its path relative to the walked root.
    public func matches(relativePath: String) -> Bool {
        let subject: Substring
        if matchesPath {
            subject = Substring(relativePath)
        } else {
            subject = relativePath.split(separator: "/").last ?? Substring(relativePath)
        }
        let text = Array(subject.utf8)
        return alternatives.contains { Glob.match($0[...], text[...]) }
    }

    /// `a{b,c}d` → `abd`, `acd` (nested braces expand recursively).
    static func expandBraces(_ s: String) -> [String] {
        let chars = Array(s)
        guard let open = chars.firstIndex(of: "{") else { return [s] }
        var depth = 0
        var close = -1
        var commas: [Int] = []
        for i in open..<chars.count {
            if chars[i] == "{" { depth += 1 }
            else if chars[i] == "}" { depth -= 1; if depth == 0 { close = i; break } }
            else if chars[i] == ",", depth == 1 { commas.append(i) }
        }
        guard close > open else { return [s] }
        let prefix = String(chars[..<open])
        let suffix = String(chars[(close + 1)...])
        var bounds = [open] + commas + [close]
        var result: [String] = []
        for k in 0..<(bounds.count - 1) {
            let option = String(chars[(bounds[k] + 1)..<bounds[k + 1]])
            result += expandBraces(prefix + option + suffix)
        }
        bounds.removeAll()
        return result
    }

    static func match(_ p: ArraySlice<UInt8>, _ t: ArraySlice<UInt8>) -> Bool {
        var p = p
        var t = t
        while let c = p.first {
            switch c {
            case UInt8(ascii: "*"):
                if p.dropFirst().first == UInt8(ascii: "*") {
                    // `**`: any number of components; `**/` may match nothing.
                    var rest = p.dropFirst(2)
                    if rest.first == UInt8(ascii: "/") {
                        rest = rest.dropFirst()
                        if match(rest, t) { return true }
                        var i = t.startIndex
                        while i < t.endIndex {
                            if t[i] == UInt8(ascii: "/"), match(rest, t[(i + 1)...]) { return true }
                            i += 1
                        }
                        return false
                    }
                    var i = t.startIndex
                    while i <= t.endIndex {
                        if match(rest, t[i...]) { return true }
                        i += 1
                    }
                    return false
                }
                let rest = p.dropFirst()
                var i = t.startIndex
                while true {
                    if match(rest, t[i...]) { return true }
                    if i == t.endIndex || t[i] == UInt8(ascii: "/") { return false }
                    i += 1
                }
            case UInt8(ascii: "?"):
                guard let x = t.first, x != UInt8(ascii: "/") else { return false }
                p = p.dropFirst(); t = t.dropFirst()
            case UInt8(ascii: "["):
                guard let x = t.first, let end = p.dropFirst(2).firstIndex(of: UInt8(ascii: "]")) else {
                    if t.first == c { p = p.dropFirst(); t = t.dropFirst(); continue }
                    return false
                }
                var set = p[(p.startIndex + 1)..<end]
                var negate = false
                if set.first == UInt8(ascii: "!") || set.first == UInt8(ascii: "^") { negate = true; set = set.dropFirst() }
                var found = false
                var k = set.startIndex
                while k < set.endIndex {
                    if k + 2 < set.endIndex, set[k + 1] == UInt8(ascii: "-") {
                        if x >= set[k] && x <= set[k + 2] { found = true }
                        k += 3
                    } else {
                        if x == set[k] { found = true }
                        k += 1
                    }
                }
                if found == negate { return false }
                p = p[(end + 1)...]; t = t.dropFirst()
            case UInt8(ascii: "\\") where p.count > 1:
                let literal = p[p.startIndex + 1]
                guard t.first == literal else { return false }
                p = p.dropFirst(2); t = t.dropFirst()
            default:
                guard t.first == c else { return false }
                p = p.dropFirst(); t = t.dropFirst()
            }
        }
        return t.isEmpty
    }
}
