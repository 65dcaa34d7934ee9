/// The kind of a vocabulary entry (GGUF `tokenizer.ggml.token_type`, llama.cpp's values).
public enum TokenType: Int32, Sendable {
    /// Ordinary text piece, spelled in the byte-level alphabet.
    case normal = 1
    /// The unknown token.
    case unknown = 2
    /// A control token (`<|im_start|>`, `<|eot_id|>`): produced only by templates or on request.
    case control = 3
    /// An added token matched in plain text as a whole (e.g. Qwen's `<tool_call>`), spelled raw.
    case userDefined = 4
    /// A placeholder slot (padding entries).
    case unused = 5
    /// A raw byte token (`<0x0A>`), used by SentencePiece vocabularies.
    case byte = 6
}
