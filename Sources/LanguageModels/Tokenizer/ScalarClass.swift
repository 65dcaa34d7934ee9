/// The character classes the pre-tokenizer regexes ask about (`\p{L}`, `\p{N}`, `\s`), as bit flags.
///
/// Letters are general categories Lu, Ll, Lt, Lm, Lo; numbers Nd, Nl, No; whitespace is the Unicode
/// `White_Space` property, as in llama.cpp's tables. Every scalar also carries `inText`, so a zero
/// value can stand for "past the end of the fragment".
struct ScalarClass: OptionSet, Sendable {
    let rawValue: UInt8
    static let letter = ScalarClass(rawValue: 1)
    static let number = ScalarClass(rawValue: 2)
    static let whitespace = ScalarClass(rawValue: 4)
    static let inText = ScalarClass(rawValue: 8)

    /// `[^\s\p{L}\p{N}]`: a character of the text that is neither whitespace, letter nor number.
    var isOther: Bool { rawValue & 7 == 0 && rawValue != 0 }

    /// Classifies one scalar value (a table lookup for ASCII, Unicode properties otherwise).
    @inline(__always)
    static func of(_ value: UInt32) -> ScalarClass {
        if value < 0x80 { return ScalarClass(rawValue: ascii[Int(value)]) }
        return ScalarClass(rawValue: compute(value))
    }

    private static let ascii: [UInt8] = (0..<0x80).map { compute(UInt32($0)) }

    private static func compute(_ value: UInt32) -> UInt8 {
        guard let scalar = Unicode.Scalar(value) else { return inText.rawValue }  // surrogates
        var flags = inText.rawValue
        let properties = scalar.properties
        if properties.isWhitespace { flags |= whitespace.rawValue }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            flags |= letter.rawValue
        case .decimalNumber, .letterNumber, .otherNumber:
            flags |= number.rawValue
        default:
            break
        }
        return flags
    }
}

/// Text decoded once into Unicode scalars with their classes and UTF-8 byte offsets, so the
/// pre-tokenizers can scan it by index and hand out byte ranges.
struct ScalarText {
    /// Scalar values.
    var values: [UInt32] = []
    /// Class of each scalar.
    var classes: [ScalarClass] = []
    /// Byte offset of each scalar in the UTF-8 buffer, plus one final entry: the end offset.
    var byteOffsets: [Int32] = []

    /// Decodes `bytes[range]` (valid UTF-8, as Swift strings always are).
    mutating func load(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>) {
        values.removeAll(keepingCapacity: true)
        classes.removeAll(keepingCapacity: true)
        byteOffsets.removeAll(keepingCapacity: true)
        var index = range.lowerBound
        while index < range.upperBound {
            let lead = bytes[index]
            var value: UInt32
            var length: Int
            if lead < 0x80 {
                value = UInt32(lead); length = 1
            } else if lead < 0xE0 {
                value = UInt32(lead & 0x1F); length = 2
            } else if lead < 0xF0 {
                value = UInt32(lead & 0x0F); length = 3
            } else {
                value = UInt32(lead & 0x07); length = 4
            }
            if index + length > range.upperBound { length = range.upperBound - index }
            for offset in 1..<max(length, 1) {
                value = (value << 6) | UInt32(bytes[index + offset] & 0x3F)
            }
            values.append(value)
            classes.append(ScalarClass.of(value))
            byteOffsets.append(Int32(index))
            index += length
        }
        byteOffsets.append(Int32(range.upperBound))
    }
}
