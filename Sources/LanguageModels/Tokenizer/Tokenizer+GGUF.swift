/// The tokenizer a GGUF file describes: byte-level BPE (`gpt2`) or SentencePiece (`llama`).
///
/// - Throws: `TokenizerError.unsupportedModel` for other kinds, or the tokenizer's own errors.
public func makeTokenizer(gguf file: GGUFFile) throws -> any Tokenizer {
    switch file.string("tokenizer.ggml.model") {
    case "llama": return try SentencePieceTokenizer(gguf: file)
    default: return try BPETokenizer(gguf: file)
    }
}
