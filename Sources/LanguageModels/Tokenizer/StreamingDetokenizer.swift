/// Turns generated token ids into text as they arrive, never splitting a UTF-8 character.
///
/// A token can end in the middle of a multi-byte character (an emoji is often two or three byte
/// tokens); the detokenizer holds such a tail back until the character is complete.
///
/// For example:
/// ```swift
/// var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
/// for id in ids { print(detokenizer.append(id), terminator: "") }
/// print(detokenizer.finish())
/// ```
public struct StreamingDetokenizer: Sendable {
    private let tokenizer: any Tokenizer
    private let renderSpecial: Bool
    private var pending: [UInt8] = []

    /// - Parameter renderSpecial: whether control tokens print their spelling (default: nothing).
    public init(tokenizer: any Tokenizer, renderSpecial: Bool = false) {
        self.tokenizer = tokenizer
        self.renderSpecial = renderSpecial
    }

    /// Adds one token and returns the text that became complete (possibly empty).
    public mutating func append(_ id: Int32) -> String {
        pending.append(contentsOf: tokenizer.pieceBytes(id, renderSpecial: renderSpecial))
        return appendBytes([])
    }

    /// Adds raw bytes and returns the text that became complete.
    public mutating func appendBytes(_ bytes: [UInt8]) -> String {
        pending.append(contentsOf: bytes)
        let cut = Self.completePrefixLength(pending)
        guard cut > 0 else { return "" }
        let text = String(decoding: pending[..<cut], as: UTF8.self)
        pending.removeFirst(cut)
        return text
    }

    /// Returns what is still held back (an incomplete character becomes U+FFFD) and resets.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Length of the longest prefix of `bytes` that does not end inside an unfinished character.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        let count = bytes.count
        var index = count - 1
        // Find the lead byte of the last character (at most 3 continuation bytes back).
        while index >= 0 && index >= count - 4 {
            let byte = bytes[index]
            if byte & 0xC0 != 0x80 {
                let length: Int
                if byte < 0x80 { length = 1 } else if byte >= 0xF0 { length = 4 } else if byte >= 0xE0 { length = 3 } else if byte >= 0xC0 { length = 2 } else { length = 1 }
                return count - index < length ? index : count
            }
            index -= 1
        }
        return count  // only continuation bytes: invalid anyway, let them through as U+FFFD
    }
}
