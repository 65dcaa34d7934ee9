extension BPETokenizer {
    /// Reads the tokenizer stored in a GGUF file's metadata (`tokenizer.ggml.*`).
    ///
    /// For example:
    /// ```swift
    /// let file = try GGUFFile(url: URL(fileURLWithPath: "models/qwen2.5-coder-0.5b-instruct.gguf"))
    /// let tokenizer = try BPETokenizer(gguf: file)
    /// tokenizer.preTokenizer            // .qwen2
    /// ```
    /// - Throws: `TokenizerError` when the file has no byte-level BPE tokenizer or names an unknown
    ///   pre-tokenizer.
    public init(gguf file: GGUFFile) throws {
        let model = file.string("tokenizer.ggml.model") ?? ""
        guard model == "gpt2" else {
            if model.isEmpty { throw TokenizerError.missingMetadata(key: "tokenizer.ggml.model") }
            throw TokenizerError.unsupportedModel(model)
        }
        guard let tokens = file.stringArray("tokenizer.ggml.tokens") else {
            throw TokenizerError.missingMetadata(key: "tokenizer.ggml.tokens")
        }
        guard let merges = file.stringArray("tokenizer.ggml.merges") else {
            throw TokenizerError.missingMetadata(key: "tokenizer.ggml.merges")
        }
        let types = (file.intArray("tokenizer.ggml.token_type") ?? []).map { TokenType(rawValue: Int32($0)) ?? .normal }
        let preName = file.string("tokenizer.ggml.pre") ?? "default"
        guard let preTokenizer = PreTokenizer(ggufName: preName) else {
            throw TokenizerError.unsupportedPreTokenizer(preName)
        }
        func id(_ key: String) -> Int32? {
            guard let value = file.int(key), value >= 0, value < tokens.count else { return nil }
            return Int32(value)
        }
        let endOfTurn = ["tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id"].compactMap(id)
        try self.init(
            tokens: tokens, tokenTypes: types, merges: merges, preTokenizer: preTokenizer,
            bosTokenID: id("tokenizer.ggml.bos_token_id"), eosTokenID: id("tokenizer.ggml.eos_token_id"),
            endOfTurnTokenIDs: endOfTurn,
            addBOS: file.bool("tokenizer.ggml.add_bos_token") ?? (preTokenizer == .llama3),
            addEOS: file.bool("tokenizer.ggml.add_eos_token") ?? false)
    }
}
