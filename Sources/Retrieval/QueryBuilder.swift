/// Turns any user text into a safe FTS5 MATCH expression.
///
/// The text is split into words the way FTS5's `unicode61` tokenizer does (letters, digits and marks
/// are word characters; everything else separates), lower-cased, stopwords dropped, duplicates
/// removed, and every word double-quoted, joined by `OR`. Quoting makes FTS5 operators in user text
/// (`AND`, `OR`, `NOT`, `NEAR`, `*`, `^`, `-`, `:`, parentheses, quotes) plain words, so no input can
/// raise an FTS5 syntax error.
///
/// For example:
/// ```swift
/// FTSQueryBuilder.query(for: "Who directed \"Alien\" (1979)?")   // "directed" OR "alien" OR "1979"
/// FTSQueryBuilder.query(for: "?!")                               // nil
/// ```
public struct FTSQueryBuilder: Sendable {
    /// At most this many words are searched (the first ones, after stopword removal).
    public static let maximumTerms = 32

    /// The FTS5 expression for `userText`, or nil when it holds no searchable word.
    public static func query(for userText: String) -> String? {
        let words = keywords(in: userText)
        if words.isEmpty { return nil }
        return words.map(quoted).joined(separator: " OR ")
    }

    /// The words that ``query(for:)`` searches: lower-cased, without stopwords (unless the text has
    /// nothing else, e.g. "The Who"), without duplicates, in order, at most ``maximumTerms``.
    public static func keywords(in userText: String) -> [String] {
        let all = words(in: userText)
        var seen = Set<String>()
        var kept: [String] = []
        for word in all where !QueryStopwords.english.contains(word) && seen.insert(word).inserted {
            kept.append(word)
            if kept.count == maximumTerms { return kept }
        }
        if kept.isEmpty {
            for word in all where seen.insert(word).inserted {
                kept.append(word)
                if kept.count == maximumTerms { break }
            }
        }
        return kept
    }

    /// Splits text into lower-cased words at every character that is not a letter, digit or mark.
    public static func words(in text: String) -> [String] {
        var result: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isWordScalar(scalar) {
                current.append(scalar)
            } else if !current.isEmpty {
                result.append(String(current).lowercased())
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { result.append(String(current).lowercased()) }
        return result
    }

    /// Whether FTS5's `unicode61` treats the scalar as part of a token (letters, numbers, marks, private use).
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return (value >= 0x30 && value <= 0x39) || (value >= 0x41 && value <= 0x5A) || (value >= 0x61 && value <= 0x7A)
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber,
             .nonspacingMark, .spacingMark, .enclosingMark, .privateUse:
            return true
        default:
            return false
        }
    }

    /// `word` as an FTS5 string: double-quoted, inner quotes doubled.
    static func quoted(_ word: String) -> String {
        "\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
