/// SentencePiece-style BPE tokenizer (GGUF `tokenizer.ggml.model = "llama"`), as Llama 2 and
/// Mistral 7B files use: spaces become `▁`, a space is prefixed to text (`add_space_prefix`), the
/// adjacent pair whose merged piece has the highest score merges first, and pieces missing from the
/// vocabulary fall back to byte tokens `<0xNN>`. Follows llama.cpp's SPM tokenizer.
///
/// For example:
/// ```swift
/// let tokenizer = try SentencePieceTokenizer(gguf: file)   // a Mistral-7B GGUF
/// tokenizer.encode("Hello", parseSpecial: false, addSpecial: true)   // [1, 22557]
/// ```
public struct SentencePieceTokenizer: Tokenizer {
    public let tokens: [String]
    public let scores: [Float]
    public let tokenTypes: [TokenType]
    public let bosTokenID: Int32?
    public let eosTokenID: Int32?
    public let unknownTokenID: Int32?
    public let addBOS: Bool
    public let addEOS: Bool
    /// Whether text fragments start with an added space (`tokenizer.ggml.add_space_prefix`).
    public let addSpacePrefix: Bool
    public let endOfGenerationIDs: Set<Int32>

    let spellings: SpellingTable
    let splitter: SpecialTokenSplitter
    /// Token of each byte value (`<0xNN>`), -1 where the vocabulary has none.
    let byteTokens: [Int32]

    public var vocabularySize: Int { tokens.count }

    /// Builds a tokenizer from plain vocabulary values.
    ///
    /// - Throws: `TokenizerError.inconsistentMetadata` when the arrays disagree in length.
    public init(
        tokens: [String], scores: [Float], tokenTypes: [TokenType] = [], bosTokenID: Int32? = nil,
        eosTokenID: Int32? = nil, unknownTokenID: Int32? = nil, endOfTurnTokenIDs: [Int32] = [],
        addBOS: Bool = true, addEOS: Bool = false, addSpacePrefix: Bool = true
    ) throws {
        let types = tokenTypes.isEmpty ? [TokenType](repeating: .normal, count: tokens.count) : tokenTypes
        guard types.count == tokens.count, scores.count == tokens.count else {
            throw TokenizerError.inconsistentMetadata(
                "\(tokens.count) tokens, \(scores.count) scores, \(types.count) token types")
        }
        for id in [bosTokenID, eosTokenID, unknownTokenID].compactMap({ $0 }) + endOfTurnTokenIDs
        where id < 0 || Int(id) >= tokens.count {
            throw TokenizerError.tokenOutOfRange(id: id, vocabularySize: tokens.count)
        }
        self.tokens = tokens
        self.scores = scores
        self.tokenTypes = types
        self.bosTokenID = bosTokenID
        self.eosTokenID = eosTokenID
        self.unknownTokenID = unknownTokenID
        self.addBOS = addBOS && bosTokenID != nil
        self.addEOS = addEOS && eosTokenID != nil
        self.addSpacePrefix = addSpacePrefix
        self.spellings = SpellingTable(spellings: tokens)
        self.splitter = SpecialTokenSplitter(tokens: tokens, types: types)
        var byteTokens = [Int32](repeating: -1, count: 256)
        for byte in 0..<256 {
            let hex = String(byte, radix: 16, uppercase: true)
            byteTokens[byte] = spellings.find("<0x" + (hex.count == 1 ? "0" : "") + hex + ">") ?? -1
        }
        self.byteTokens = byteTokens
        self.endOfGenerationIDs = endOfGenerationTokens(
            tokens: tokens, types: types, eos: eosTokenID, extra: endOfTurnTokenIDs)
    }

    public func specialTokenID(_ spelling: String) -> Int32? { spellings.find(spelling) }

    // MARK: Encoding

    public func encode(_ text: String, parseSpecial: Bool, addSpecial: Bool) -> [Int32] {
        var output: [Int32] = []
        if addSpecial && addBOS, let bos = bosTokenID { output.append(bos) }
        var previousWasSpecial = true
        encodeText(text, parseSpecial: parseSpecial, previousWasSpecial: &previousWasSpecial, into: &output)
        if addSpecial && addEOS, let eos = eosTokenID { output.append(eos) }
        return output
    }

    public func encode(_ segments: [PromptSegment], addSpecial: Bool) throws -> [Int32] {
        var output: [Int32] = []
        if addSpecial && addBOS, let bos = bosTokenID { output.append(bos) }
        var previousWasSpecial = true
        var pending = ""
        func flush() {
            encodeText(pending, parseSpecial: false, previousWasSpecial: &previousWasSpecial, into: &output)
            pending = ""
        }
        for segment in segments {
            switch segment {
            case .text(let text):
                pending += text
            case .special(let spelling):
                guard let id = specialTokenID(spelling) else { throw TokenizerError.unknownSpecialToken(spelling) }
                flush()
                output.append(id)
                previousWasSpecial = true
            case .marker(let spelling):
                if let id = specialTokenID(spelling), tokenTypes[Int(id)] != .normal {
                    flush()
                    output.append(id)
                    previousWasSpecial = true
                } else {
                    pending += spelling
                }
            }
        }
        flush()
        if addSpecial && addEOS, let eos = eosTokenID { output.append(eos) }
        return output
    }

    private func encodeText(
        _ text: String, parseSpecial: Bool, previousWasSpecial: inout Bool, into output: inout [Int32]
    ) {
        guard !text.isEmpty else { return }
        let bytes = Array(text.utf8)
        var fragments: [SpecialTokenSplitter.Fragment] = []
        var scratch: [SpecialTokenSplitter.Fragment] = []
        bytes.withUnsafeBufferPointer { buffer in
            splitter.split(buffer, parseSpecial: parseSpecial, into: &fragments, scratch: &scratch)
        }
        for fragment in fragments {
            switch fragment {
            case .token(let id):
                output.append(id)
                previousWasSpecial = true
            case .text(let range):
                // llama.cpp: a space is prefixed to the first fragment and to fragments after a special.
                var piece: [UInt8] = addSpacePrefix && previousWasSpecial ? [0x20] : []
                piece.append(contentsOf: bytes[range])
                encodePiece(Self.escapeSpaces(piece), into: &output)
                previousWasSpecial = false
            }
        }
    }

    /// Replaces every space with `▁` (U+2581, E2 96 81).
    static func escapeSpaces(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        for byte in bytes {
            if byte == 0x20 { out.append(contentsOf: [0xE2, 0x96, 0x81]) } else { out.append(byte) }
        }
        return out
    }

    private struct Symbol {
        var start: Int
        var length: Int
        var previous: Int
        var next: Int
    }

    private struct Bigram: Comparable {
        var score: Float
        var left: Int
        var right: Int
        var size: Int
        // Higher score first, then leftmost.
        static func < (a: Bigram, b: Bigram) -> Bool { a.score != b.score ? a.score > b.score : a.left < b.left }
    }

    /// Merges one escaped text fragment (its UTF-8 characters as starting symbols).
    private func encodePiece(_ text: [UInt8], into output: inout [Int32]) {
        guard !text.isEmpty else { return }
        text.withUnsafeBufferPointer { bytes in
            var symbols: [Symbol] = []
            var offset = 0
            while offset < bytes.count {
                let lead = bytes[offset]
                let length = min(lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4, bytes.count - offset)
                symbols.append(Symbol(start: offset, length: length, previous: symbols.count - 1,
                                      next: offset + length == bytes.count ? -1 : symbols.count + 1))
                offset += length
            }
            var heap: [Bigram] = []
            var reverseMerges: [[UInt8]: (Int, Int)] = [:]
            func tryAdd(_ left: Int, _ right: Int) {
                guard left >= 0, right >= 0 else { return }
                let start = symbols[left].start
                let size = symbols[left].length + symbols[right].length
                let span = UnsafeBufferPointer(rebasing: bytes[start..<(start + size)])
                guard let id = spellings.find(span, UnsafeBufferPointer(start: nil, count: 0)) else { return }
                Self.push(&heap, Bigram(score: scores[Int(id)], left: left, right: right, size: size))
                reverseMerges[Array(span)] = (left, right)
            }
            for index in 1..<max(symbols.count, 1) { tryAdd(index - 1, index) }
            while let bigram = Self.pop(&heap) {
                let left = symbols[bigram.left], right = symbols[bigram.right]
                if left.length == 0 || right.length == 0 || left.length + right.length != bigram.size { continue }
                symbols[bigram.left].length += right.length
                symbols[bigram.right].length = 0
                symbols[bigram.left].next = right.next
                if right.next >= 0 { symbols[right.next].previous = bigram.left }
                tryAdd(symbols[bigram.left].previous, bigram.left)
                tryAdd(bigram.left, symbols[bigram.left].next)
            }
            func resegment(_ symbol: Symbol) {
                let span = UnsafeBufferPointer(rebasing: bytes[symbol.start..<(symbol.start + symbol.length)])
                if let id = spellings.find(span, UnsafeBufferPointer(start: nil, count: 0)) {
                    output.append(id)
                } else if let (left, right) = reverseMerges[Array(span)] {
                    resegment(symbols[left])
                    resegment(symbols[right])
                } else {
                    for byte in span {
                        let id = byteTokens[Int(byte)]
                        if id >= 0 { output.append(id) } else if let unknown = unknownTokenID { output.append(unknown) }
                    }
                }
            }
            var index = 0
            while index >= 0 {
                resegment(symbols[index])
                index = symbols[index].next
            }
        }
    }

    private static func push(_ heap: inout [Bigram], _ value: Bigram) {
        heap.append(value)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child] < heap[parent] else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private static func pop(_ heap: inout [Bigram]) -> Bigram? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { break }
            var child = left
            if left + 1 < heap.count && heap[left + 1] < heap[left] { child = left + 1 }
            guard heap[child] < heap[parent] else { break }
            heap.swapAt(child, parent)
            parent = child
        }
        return top
    }

    // MARK: Decoding

    public func pieceBytes(_ id: Int32, renderSpecial: Bool) -> [UInt8] {
        guard id >= 0, Int(id) < tokens.count else { return [] }
        let text = tokens[Int(id)]
        switch tokenTypes[Int(id)] {
        case .normal:
            var out: [UInt8] = []
            for byte in text.utf8 { out.append(byte) }
            // `▁` back to a space.
            var result: [UInt8] = []
            result.reserveCapacity(out.count)
            var index = 0
            while index < out.count {
                if index + 2 < out.count && out[index] == 0xE2 && out[index + 1] == 0x96 && out[index + 2] == 0x81 {
                    result.append(0x20)
                    index += 3
                } else {
                    result.append(out[index])
                    index += 1
                }
            }
            return result
        case .byte:
            if text.hasPrefix("<0x"), text.hasSuffix(">"), let value = UInt8(text.dropFirst(3).dropLast(), radix: 16) {
                return [value]
            }
            return Array(text.utf8)
        case .userDefined:
            return Array(text.utf8)
        case .unknown:
            return renderSpecial ? Array(text.utf8) : Array("\u{2585}".utf8)
        case .control:
            return renderSpecial ? Array(text.utf8) : []
        case .unused:
            return []
        }
    }

    public func isEndOfGeneration(_ id: Int32) -> Bool { endOfGenerationIDs.contains(id) }
}

extension SentencePieceTokenizer {
    /// Reads a SentencePiece tokenizer from GGUF metadata (`tokenizer.ggml.model = "llama"`).
    ///
    /// - Throws: `TokenizerError` when keys are missing or inconsistent.
    public init(gguf file: GGUFFile) throws {
        guard let tokens = file.stringArray("tokenizer.ggml.tokens") else {
            throw TokenizerError.missingMetadata(key: "tokenizer.ggml.tokens")
        }
        let scores = file.floatArray("tokenizer.ggml.scores") ?? [Float](repeating: 0, count: tokens.count)
        let types = (file.intArray("tokenizer.ggml.token_type") ?? []).map { TokenType(rawValue: Int32($0)) ?? .normal }
        func id(_ key: String) -> Int32? {
            guard let value = file.int(key), value >= 0, value < tokens.count else { return nil }
            return Int32(value)
        }
        try self.init(
            tokens: tokens, scores: scores, tokenTypes: types, bosTokenID: id("tokenizer.ggml.bos_token_id"),
            eosTokenID: id("tokenizer.ggml.eos_token_id"), unknownTokenID: id("tokenizer.ggml.unknown_token_id"),
            endOfTurnTokenIDs: ["tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id"].compactMap(id),
            addBOS: file.bool("tokenizer.ggml.add_bos_token") ?? true,
            addEOS: file.bool("tokenizer.ggml.add_eos_token") ?? false,
            addSpacePrefix: file.bool("tokenizer.ggml.add_space_prefix") ?? true)
    }
}
