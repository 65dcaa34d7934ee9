/// Byte-level BPE tokenizer (GGUF `tokenizer.ggml.model = "gpt2"`), as Llama 3, Qwen2 and SmolLM2 use.
///
/// Encoding: special tokens are cut out first (control tokens only when asked, user-defined ones
/// always, as llama.cpp does), the pre-tokenizer splits the remaining text into words, and the BPE
/// merges run inside each word over its UTF-8 bytes. Decoding maps each token's spelling back to
/// bytes (see `StreamingDetokenizer` to emit text while generating).
///
/// For example:
/// ```swift
/// let tokenizer = try BPETokenizer(gguf: try GGUFFile(url: modelURL))
/// tokenizer.encode("The capital of France is")            // [504, 3575, 282, 4649, 314] (SmolLM2)
/// tokenizer.encode("<|im_end|>", parseSpecial: true, addSpecial: false)   // [2]
/// ```
public struct BPETokenizer: Tokenizer {
    /// Vocabulary spellings, indexed by id.
    public let tokens: [String]
    /// Kind of each vocabulary entry.
    public let tokenTypes: [TokenType]
    /// How text is split into words.
    public let preTokenizer: PreTokenizer
    /// Beginning-of-sequence token, if the vocabulary has one.
    public let bosTokenID: Int32?
    /// End-of-sequence token, if the vocabulary has one.
    public let eosTokenID: Int32?
    /// Whether `encode(_:parseSpecial:addSpecial:)` with `addSpecial` prepends BOS (`add_bos_token`).
    public let addBOS: Bool
    /// Whether `addSpecial` appends EOS (`add_eos_token`).
    public let addEOS: Bool
    /// Tokens that end generation: EOS, end-of-turn and the usual end-of-text control tokens.
    public let endOfGenerationIDs: Set<Int32>

    let spellings: SpellingTable
    let merges: BPEMerges
    /// Whether a word that is itself a vocabulary entry skips the merges (Llama 3's `ignore_merges`).
    let ignoreMerges: Bool
    /// Cuts special tokens out of text before pre-tokenization.
    let splitter: SpecialTokenSplitter
    /// Ids of recently merged words.
    let wordCache = WordCache()

    public var vocabularySize: Int { tokens.count }

    /// Builds a tokenizer from plain vocabulary values (what a GGUF file holds).
    ///
    /// - Parameters:
    ///   - tokens: spelling of each id, in the byte-level alphabet.
    ///   - tokenTypes: kind of each id (same length as `tokens`); empty means all `.normal`.
    ///   - merges: merge rules `"left right"`, best first.
    ///   - preTokenizer: the word splitter.
    ///   - ignoreMerges: whole-word vocabulary hits skip merging; nil picks the pre-tokenizer's default.
    ///   - endOfTurnTokenIDs: extra ids that end generation (e.g. `tokenizer.ggml.eot_token_id`).
    /// - Throws: `TokenizerError` when arrays disagree or a merge line is malformed.
    public init(
        tokens: [String], tokenTypes: [TokenType] = [], merges: [String], preTokenizer: PreTokenizer,
        bosTokenID: Int32? = nil, eosTokenID: Int32? = nil, endOfTurnTokenIDs: [Int32] = [],
        addBOS: Bool = false, addEOS: Bool = false, ignoreMerges: Bool? = nil
    ) throws {
        let types = tokenTypes.isEmpty ? [TokenType](repeating: .normal, count: tokens.count) : tokenTypes
        guard types.count == tokens.count else {
            throw TokenizerError.inconsistentMetadata(
                "\(tokens.count) tokens but \(types.count) token types")
        }
        for id in [bosTokenID, eosTokenID].compactMap({ $0 }) + endOfTurnTokenIDs where id < 0 || Int(id) >= tokens.count {
            throw TokenizerError.tokenOutOfRange(id: id, vocabularySize: tokens.count)
        }
        let spellings = SpellingTable(spellings: tokens)
        self.tokens = tokens
        self.tokenTypes = types
        self.spellings = spellings
        self.preTokenizer = preTokenizer
        self.bosTokenID = bosTokenID
        self.eosTokenID = eosTokenID
        self.addBOS = addBOS && bosTokenID != nil
        self.addEOS = addEOS && eosTokenID != nil
        self.ignoreMerges = ignoreMerges ?? (preTokenizer == .llama3)
        self.merges = try BPEMerges(merges: merges, spellings: spellings, vocabularySize: tokens.count)

        self.splitter = SpecialTokenSplitter(tokens: tokens, types: types)

        self.endOfGenerationIDs = endOfGenerationTokens(
            tokens: tokens, types: types, eos: eosTokenID, extra: endOfTurnTokenIDs)
    }

    // MARK: Encoding

    public func encode(_ text: String, parseSpecial: Bool, addSpecial: Bool) -> [Int32] {
        var output: [Int32] = []
        output.reserveCapacity(text.utf8.count / 3 + 2)
        if addSpecial && addBOS, let bos = bosTokenID { output.append(bos) }
        var workspace = Workspace()
        var utf8 = text.utf8.withContiguousStorageIfAvailable { Array($0) } ?? Array(text.utf8)
        utf8.withUnsafeBufferPointer { bytes in
            encodeFragments(bytes, parseSpecial: parseSpecial, workspace: &workspace, into: &output)
        }
        utf8.removeAll()
        if addSpecial && addEOS, let eos = eosTokenID { output.append(eos) }
        return output
    }

    public func encode(_ segments: [PromptSegment], addSpecial: Bool) throws -> [Int32] {
        var output: [Int32] = []
        if addSpecial && addBOS, let bos = bosTokenID { output.append(bos) }
        var workspace = Workspace()
        var pending = ""
        func flush() {
            guard !pending.isEmpty else { return }
            let bytes = Array(pending.utf8)
            bytes.withUnsafeBufferPointer { buffer in
                encodeFragments(buffer, parseSpecial: false, workspace: &workspace, into: &output)
            }
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
            case .marker(let spelling):
                if let id = specialTokenID(spelling), tokenTypes[Int(id)] != .normal {
                    flush()
                    output.append(id)
                } else {
                    pending += spelling
                }
            }
        }
        flush()
        if addSpecial && addEOS, let eos = eosTokenID { output.append(eos) }
        return output
    }

    /// The id of a special (non-normal) token spelled `spelling`, or of any token with that spelling.
    public func specialTokenID(_ spelling: String) -> Int32? { spellings.find(spelling) }

    struct Workspace {
        var text = ScalarText()
        var ends: [Int] = []
        var fragments: [SpecialTokenSplitter.Fragment] = []
        var scratch: [SpecialTokenSplitter.Fragment] = []
        var merge = BPEMerges.Workspace()
    }

    private func encodeFragments(
        _ bytes: UnsafeBufferPointer<UInt8>, parseSpecial: Bool, workspace: inout Workspace, into output: inout [Int32]
    ) {
        splitter.split(bytes, parseSpecial: parseSpecial, into: &workspace.fragments, scratch: &workspace.scratch)
        let fragments = workspace.fragments
        for fragment in fragments {
            switch fragment {
            case .token(let id): output.append(id)
            case .text(let range): encodePlain(bytes, range: range, workspace: &workspace, into: &output)
            }
        }
    }

    private func encodePlain(
        _ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, workspace: inout Workspace, into output: inout [Int32]
    ) {
        workspace.text.load(bytes, range: range)
        workspace.ends.removeAll(keepingCapacity: true)
        preTokenizer.split(workspace.text, ends: &workspace.ends)
        wordCache.withLock { cache in
            var start = 0
            for end in workspace.ends {
                let lower = Int(workspace.text.byteOffsets[start])
                let upper = Int(workspace.text.byteOffsets[end])
                start = end
                let word = UnsafeBufferPointer(rebasing: bytes[lower..<upper])
                if word.count == 1 {
                    merges.encode(word: word, workspace: &workspace.merge, into: &output)
                    continue
                }
                let hash = WordCache.Table.hash(word)
                if cache.lookup(word, hash: hash, into: &output) { continue }
                let first = output.count
                if ignoreMerges, let id = spellings.find(ByteLevelEncoding.encode(word)) {
                    output.append(id)
                } else {
                    merges.encode(word: word, workspace: &workspace.merge, into: &output)
                }
                cache.insert(word, hash: hash, ids: output[first...])
            }
        }
    }

    // MARK: Decoding

    public func pieceBytes(_ id: Int32, renderSpecial: Bool) -> [UInt8] {
        guard id >= 0, Int(id) < tokens.count else { return [] }
        let text = tokens[Int(id)]
        switch tokenTypes[Int(id)] {
        case .normal:
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count)
            ByteLevelEncoding.decode(text, into: &bytes)
            return bytes
        case .userDefined:
            return Array(text.utf8)
        case .control, .unknown:
            return renderSpecial ? Array(text.utf8) : []
        case .unused:
            return []
        case .byte:
            // `<0xNN>`
            let hex = text.dropFirst(3).dropLast()
            if let value = UInt8(hex, radix: 16) { return [value] }
            return Array(text.utf8)
        }
    }

    public func isEndOfGeneration(_ id: Int32) -> Bool { endOfGenerationIDs.contains(id) }

    /// The vocabulary spelling of `id` (byte-level alphabet for normal tokens), or nil when out of range.
    public func spelling(of id: Int32) -> String? {
        id >= 0 && Int(id) < tokens.count ? tokens[Int(id)] : nil
    }
}
