/// Cuts special-token spellings out of text before tokenization, the way llama.cpp does: each
/// special in turn, longest spelling first, splits every remaining text fragment. Control tokens
/// are cut only when asked (`parseSpecial`); user-defined tokens always are.
struct SpecialTokenSplitter: Sendable {
    struct SpecialToken: Sendable {
        let id: Int32
        let bytes: [UInt8]
        let isControl: Bool
    }

    /// A piece of the text: bytes to tokenize, or a special token already found.
    enum Fragment {
        case text(Range<Int>)
        case token(Int32)
    }

    /// Specials, longest spelling first.
    let specials: [SpecialToken]
    /// Which first bytes start some special spelling (a quick filter before searching).
    private let firstBytes: [Bool]

    init(tokens: [String], types: [TokenType]) {
        var specials: [SpecialToken] = []
        var firstBytes = [Bool](repeating: false, count: 256)
        for (id, type) in types.enumerated() where type == .control || type == .userDefined || type == .unknown {
            let bytes = Array(tokens[id].utf8)
            guard !bytes.isEmpty else { continue }
            specials.append(SpecialToken(id: Int32(id), bytes: bytes, isControl: type != .userDefined))
            firstBytes[Int(bytes[0])] = true
        }
        specials.sort { $0.bytes.count != $1.bytes.count ? $0.bytes.count > $1.bytes.count : $0.id < $1.id }
        self.specials = specials
        self.firstBytes = firstBytes
    }

    /// Splits `bytes` into `fragments` (cleared first); `scratch` is working space.
    func split(
        _ bytes: UnsafeBufferPointer<UInt8>, parseSpecial: Bool, into fragments: inout [Fragment],
        scratch: inout [Fragment]
    ) {
        fragments.removeAll(keepingCapacity: true)
        guard !bytes.isEmpty else { return }
        fragments.append(.text(0..<bytes.count))
        guard !specials.isEmpty else { return }
        var present = [Bool](repeating: false, count: 256)
        var any = false
        for byte in bytes where firstBytes[Int(byte)] {
            present[Int(byte)] = true
            any = true
        }
        guard any else { return }
        for special in specials where (parseSpecial || !special.isControl) && present[Int(special.bytes[0])] {
            scratch.removeAll(keepingCapacity: true)
            let pattern = special.bytes
            for fragment in fragments {
                guard case .text(let range) = fragment else {
                    scratch.append(fragment)
                    continue
                }
                var start = range.lowerBound
                var index = range.lowerBound
                let last = range.upperBound - pattern.count
                while index <= last {
                    if bytes[index] == pattern[0] && Self.matches(bytes, at: index, pattern) {
                        if start < index { scratch.append(.text(start..<index)) }
                        scratch.append(.token(special.id))
                        index += pattern.count
                        start = index
                    } else {
                        index += 1
                    }
                }
                if start < range.upperBound { scratch.append(.text(start..<range.upperBound)) }
            }
            swap(&fragments, &scratch)
        }
    }

    @inline(__always)
    private static func matches(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, _ pattern: [UInt8]) -> Bool {
        for offset in 1..<pattern.count where bytes[index + offset] != pattern[offset] { return false }
        return true
    }
}
