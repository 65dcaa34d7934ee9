/// Turns text into token ids and back: the capability the generator and the strategies need.
///
/// For example:
/// ```swift
/// let tokenizer = try BPETokenizer(gguf: file)
/// let ids = tokenizer.encode("Hello, world!")          // [9707, 11, 1879, 0] for Qwen2.5
/// tokenizer.decode(ids) == "Hello, world!"
/// ```
public protocol Tokenizer: Sendable {
    /// Number of entries in the vocabulary (the size of the model's logits).
    var vocabularySize: Int { get }
    /// Tokenizes `text`.
    ///
    /// - Parameters:
    ///   - parseSpecial: when true, control-token spellings in `text` (`<|im_end|>`) become their
    ///     control tokens; when false (the default, for user and document text) they stay text.
    ///   - addSpecial: when true, adds BOS/EOS as the model's metadata asks (`add_bos_token`).
    func encode(_ text: String, parseSpecial: Bool, addSpecial: Bool) -> [Int32]
    /// Tokenizes a prompt made of plain text and named special tokens (what chat templates
    /// produce). Adjacent text parts are tokenized together; text never yields control tokens.
    /// `addSpecial` adds BOS/EOS as the model's metadata asks.
    ///
    /// - Throws: `TokenizerError.unknownSpecialToken` for a special spelling not in the vocabulary.
    func encode(_ segments: [PromptSegment], addSpecial: Bool) throws -> [Int32]
    /// The bytes token `id` stands for; control tokens give no bytes unless `renderSpecial`.
    func pieceBytes(_ id: Int32, renderSpecial: Bool) -> [UInt8]
    /// Whether generation should stop after `id` (end of sequence or end of turn).
    func isEndOfGeneration(_ id: Int32) -> Bool
}

extension Tokenizer {
    /// Tokenizes plain text: control-token spellings stay text, no BOS/EOS added.
    public func encode(_ text: String) -> [Int32] { encode(text, parseSpecial: false, addSpecial: false) }

    /// Decodes ids to text; bytes that do not form valid UTF-8 become U+FFFD.
    public func decode(_ ids: [Int32], renderSpecial: Bool = false) -> String {
        var bytes: [UInt8] = []
        for id in ids { bytes.append(contentsOf: pieceBytes(id, renderSpecial: renderSpecial)) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A part of a prompt: text to tokenize as text, or the spelling of one special token.
public enum PromptSegment: Sendable, Equatable {
    /// Plain text; control-token spellings inside it stay text.
    case text(String)
    /// A special token given by its spelling (e.g. `"<|im_start|>"`), which must be in the vocabulary.
    case special(String)
    /// A format marker (e.g. Mistral's `[INST]`): its special token when the vocabulary has one,
    /// else plain text.
    case marker(String)
}

/// EOS, the given end-of-turn ids, and the control tokens spelled like the usual end-of-text /
/// end-of-turn markers.
func endOfGenerationTokens(tokens: [String], types: [TokenType], eos: Int32?, extra: [Int32]) -> Set<Int32> {
    var ids = Set([eos].compactMap { $0 } + extra)
    let spellings: Set<String> = [
        "<|eot_id|>", "<|eom_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
        "<|end_of_text|>", "<EOT>", "<|return|>", "<|call|>",
    ]
    for (id, type) in types.enumerated() where type == .control && spellings.contains(tokens[id]) {
        ids.insert(Int32(id))
    }
    return ids
}
