import Foundation

/// BERT's text normalisation and pre-tokenisation, as Hugging Face `tokenizers` implements
/// `BertNormalizer` (clean text, pad CJK ideographs, strip accents, lower-case) and
/// `BertPreTokenizer` (split on white space, isolate punctuation).
enum BertNormalizer {
    /// Normalises `text` and splits it into words (arrays of Unicode scalars).
    static func words(_ text: Substring, lowercase: Bool = true, stripAccents: Bool = true) -> [[Unicode.Scalar]] {
        // 1. clean text + CJK padding, scalar by scalar.
        var cleaned = String.UnicodeScalarView()
        var isASCII = true
        for s in text.unicodeScalars {
            let v = s.value
            if v < 0x80 {
                if v == 0 { continue }
                if v == 0x09 || v == 0x0A || v == 0x0D || v == 0x20 { cleaned.append(" "); continue }
                if v < 0x20 || v == 0x7F { continue }
                cleaned.append(s)
                continue
            }
            isASCII = false
            if v == 0xFFFD || isControl(s) { continue }
            if s.properties.isWhitespace { cleaned.append(" "); continue }
            if isCJK(v) { cleaned.append(" "); cleaned.append(s); cleaned.append(" "); continue }
            cleaned.append(s)
        }
        // 2. strip accents (NFD, drop nonspacing marks), 3. lower-case.
        var normalized: [Unicode.Scalar] = []
        normalized.reserveCapacity(cleaned.count)
        if isASCII {
            for s in cleaned {
                let v = s.value
                normalized.append(lowercase && v >= 0x41 && v <= 0x5A ? Unicode.Scalar(v + 32)! : s)
            }
        } else {
            let source = stripAccents ? String(cleaned).decomposedStringWithCanonicalMapping : String(cleaned)
            for s in source.unicodeScalars {
                if stripAccents && s.properties.generalCategory == .nonspacingMark { continue }
                if lowercase && s.properties.changesWhenLowercased {
                    normalized.append(contentsOf: s.properties.lowercaseMapping.unicodeScalars)
                } else {
                    normalized.append(s)
                }
            }
        }
        // 4. split on white space; punctuation scalars become words of their own.
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for s in normalized {
            if s == " " || (s.value >= 0x80 && s.properties.isWhitespace) {
                if !current.isEmpty { words.append(current); current.removeAll(keepingCapacity: true) }
            } else if isPunctuation(s) {
                if !current.isEmpty { words.append(current); current.removeAll(keepingCapacity: true) }
                words.append([s])
            } else {
                current.append(s)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// `tokenizers`' `is_control`: categories Cc, Cf, Cs, Co, Cn, except tab, newline, carriage return.
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09, 0x0A, 0x0D: return false
        default: break
        }
        switch s.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    /// ASCII punctuation (which includes symbols such as `$`, `+`, `^`) or Unicode category P*.
    static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 {
            return (v >= 33 && v <= 47) || (v >= 58 && v <= 64) || (v >= 91 && v <= 96) || (v >= 123 && v <= 126)
        }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .closePunctuation, .finalPunctuation,
             .initialPunctuation, .otherPunctuation, .openPunctuation:
            return true
        default:
            return false
        }
    }

    /// The CJK Unified Ideographs blocks BERT pads with spaces (not Hangul, Hiragana or Katakana).
    static func isCJK(_ v: UInt32) -> Bool {
        (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x2A6DF).contains(v)
            || (0x2A700...0x2B73F).contains(v) || (0x2B740...0x2B81F).contains(v) || (0x2B820...0x2CEAF).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0x2F800...0x2FA1F).contains(v)
    }
}
