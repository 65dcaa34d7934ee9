/// GPT-2's reversible byte-to-character mapping used by byte-level BPE vocabularies.
///
/// Byte-level BPE stores every token as text in which each byte of the original UTF-8 is one
/// printable character: bytes `!`...`~`, `¡`...`¬` and `®`...`ÿ` stand for themselves, the other
/// 68 bytes (controls, space, 0x7F-0xA0, 0xAD) become U+0100 onwards in byte order. So a space is
/// `Ġ` (U+0120) and a newline `Ċ` (U+010A).
enum ByteLevelEncoding {
    /// The character (Unicode scalar value) standing for each byte.
    static let scalarForByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            let printable = (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte)
            if printable {
                table[byte] = UInt32(byte)
            } else {
                table[byte] = next
                next += 1
            }
        }
        return table
    }()

    /// Inverse of `scalarForByte`: index by scalar value (< 324), -1 where no byte maps there.
    static let byteForScalar: [Int16] = {
        var table = [Int16](repeating: -1, count: 324)
        for (byte, scalar) in scalarForByte.enumerated() { table[Int(scalar)] = Int16(byte) }
        return table
    }()

    /// The vocabulary spelling of one byte (e.g. `Ġ` for 0x20).
    static func text(forByte byte: UInt8) -> String {
        String(Character(Unicode.Scalar(scalarForByte[Int(byte)])!))
    }

    /// Decodes a vocabulary spelling back to the bytes it stands for. Characters outside the
    /// mapping (which a well-formed byte-level vocabulary never holds) are kept as their UTF-8.
    static func decode(_ text: String, into bytes: inout [UInt8]) {
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 324, byteForScalar[Int(value)] >= 0 {
                bytes.append(UInt8(byteForScalar[Int(value)]))
            } else {
                bytes.append(contentsOf: Array(String(scalar).utf8))
            }
        }
    }

    /// Encodes raw bytes in the vocabulary spelling.
    static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(Unicode.Scalar(scalarForByte[Int(byte)])!) }
        return String(scalars)
    }
}
