import Foundation

/// A text split into normalised words, the way titles and chunk texts are compared for links:
/// letters, numbers and marks make words (FTS5 `unicode61`'s set), everything else separates; words
/// are lower-cased and diacritics folded ("Zürich's" → "zurich", "s").
///
/// The words are kept as bytes with a 64-bit FNV-1a hash each, so that matching a 500-character
/// chunk against 20k titles creates no strings: ASCII is lower-cased byte by byte; a word with any
/// other scalar is folded with Foundation (`folding(options: [.caseInsensitive, .diacriticInsensitive])`).
/// Folding is per word because Foundation's folding depends on context (a combining mark after an
/// emoji survives); ``reference(_:)`` is the plain twin that tests compare against.
///
/// For example:
/// ```swift
/// NormalizedWords("Zürich's AC/DC").strings   // ["zurich", "s", "ac", "dc"]
/// ```
struct NormalizedWords: Sendable {
    /// The normalised UTF-8 bytes of every word, back to back.
    private(set) var bytes: [UInt8] = []
    /// End offset in ``bytes`` of each word (its start is the previous word's end).
    private(set) var ends: [Int] = []
    /// ``hash(_:)`` of each word.
    private(set) var hashes: [UInt64] = []

    var count: Int { ends.count }

    init(_ text: String) {
        var text = text
        (bytes, ends, hashes) = text.withUTF8 { Self.split($0) }
    }

    /// The scanning loop, on the text's UTF-8 (a function of its own so that the arrays are plain
    /// locals: appends then need no uniqueness check per byte).
    private static func split(_ utf8: UnsafeBufferPointer<UInt8>) -> ([UInt8], [Int], [UInt64]) {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        var hashes: [UInt64] = []
        bytes.reserveCapacity(utf8.count)
        ends.reserveCapacity(utf8.count / 5)
        hashes.reserveCapacity(utf8.count / 5)
        let asciiMap = Self.asciiMap
        var hash = Self.hashOffset
        var wordStart = 0
        var isASCII = true
        var index = 0
        let count = utf8.count
        while index < count {
            let byte = utf8[index]
            var isWordByte = false
            var length = 1
            if byte < 0x80 {
                let mapped = asciiMap[Int(byte)]
                if mapped != 0 {
                    bytes.append(mapped)
                    hash = (hash ^ UInt64(mapped)) &* Self.hashPrime
                    isWordByte = true
                }
            } else {
                // A multi-byte scalar (the string is valid UTF-8): decode it to classify it.
                length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                var value = UInt32(byte) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                for offset in 1..<length where index + offset < count {
                    value = value << 6 | (UInt32(utf8[index + offset]) & 0x3F)
                }
                if let scalar = Unicode.Scalar(value), Self.isWordScalar(scalar) {
                    isASCII = false
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[index..<min(index + length, count)]))
                    isWordByte = true
                }
            }
            index += length
            if isWordByte && index < count { continue }
            // The end of a word (a separator, or the end of the text).
            if bytes.count > wordStart {
                if isASCII {
                    ends.append(bytes.count)
                    hashes.append(hash)
                } else {
                    Self.foldWord(from: wordStart, &bytes, &ends, &hashes)
                }
            }
            hash = Self.hashOffset
            wordStart = bytes.count
            isASCII = true
        }
        return (bytes, ends, hashes)
    }

    /// ASCII byte → its lower-case word byte, or 0 for a separator.
    private static let asciiMap: [UInt8] = (0..<128).map { byte -> UInt8 in
        switch UInt8(byte) {
        case 0x30...0x39, 0x61...0x7A: return UInt8(byte)
        case 0x41...0x5A: return UInt8(byte) + 0x20
        default: return 0
        }
    }

    /// Replaces the word at `start...` (with some non-ASCII scalar) by its folded form, which may be
    /// empty (a lone mark) or, rarely, several words.
    private static func foldWord(from start: Int, _ bytes: inout [UInt8], _ ends: inout [Int], _ hashes: inout [UInt64]) {
        let word = String(decoding: bytes[start...], as: UTF8.self)
        bytes.removeSubrange(start...)
        var pieceHash = hashOffset
        var pieceStart = bytes.count
        for scalar in fold(word).unicodeScalars {
            if isWordScalar(scalar) {
                for byte in String(scalar).utf8 {
                    bytes.append(byte)
                    pieceHash = (pieceHash ^ UInt64(byte)) &* hashPrime
                }
            } else if bytes.count > pieceStart {
                ends.append(bytes.count)
                hashes.append(pieceHash)
                pieceHash = hashOffset
                pieceStart = bytes.count
            }
        }
        if bytes.count > pieceStart {
            ends.append(bytes.count)
            hashes.append(pieceHash)
        }
    }

    /// The words as strings.
    var strings: [String] {
        (0..<count).map { word(at: $0) }
    }

    /// Word `index` as a string.
    func word(at index: Int) -> String {
        String(decoding: bytes[(index == 0 ? 0 : ends[index - 1])..<ends[index]], as: UTF8.self)
    }

    /// Whether the words from `start` on are exactly `key`'s words (normalised words joined by spaces).
    func matches(_ key: [UInt8], at start: Int) -> Bool {
        var index = start
        var position = index == 0 ? 0 : ends[index - 1]
        var keyPosition = 0
        while keyPosition < key.count {
            guard index < count else { return false }
            let end = ends[index]
            while position < end {
                guard keyPosition < key.count, key[keyPosition] == bytes[position] else { return false }
                position += 1
                keyPosition += 1
            }
            if keyPosition == key.count { return true }
            guard key[keyPosition] == 0x20 else { return false }  // the text word is shorter
            keyPosition += 1
            index += 1
        }
        return false
    }

    // MARK: - Characters and hashes

    /// Whether the scalar belongs to a word (letters, numbers, marks, private use: FTS5 `unicode61`'s set).
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

    static let hashOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let hashPrime: UInt64 = 0x0000_0100_0000_01b3

    /// 64-bit FNV-1a of a normalised word's UTF-8 bytes (what ``hashes`` holds).
    static func hash(_ word: some StringProtocol) -> UInt64 {
        var hash = hashOffset
        for byte in word.utf8 { hash = (hash ^ UInt64(byte)) &* hashPrime }
        return hash
    }

    // MARK: - Reference

    /// The plain twin of ``strings`` (no bytes, no ASCII path, no hand-decoded UTF-8): split the
    /// scalars at non-word scalars, fold each run, split again.
    static func reference(_ text: String) -> [String] {
        func split(_ text: String) -> [String] {
            text.unicodeScalars.split(whereSeparator: { !isWordScalar($0) }).map { String(String.UnicodeScalarView($0)) }
        }
        return split(text).flatMap { split(fold($0)) }
    }

    /// Lower-cases and drops diacritics. Foundation keeps a combining mark that starts the string
    /// (it has no base), so the text is folded after a space, which is then dropped: a mark is
    /// dropped wherever it is.
    static func fold(_ text: String) -> String {
        let folded = (" " + text).folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        return String(String.UnicodeScalarView(folded.unicodeScalars.dropFirst()))  // a scalar, not a grapheme
    }
}
