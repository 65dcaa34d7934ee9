import Foundation

extension Generator {
    /// Loads a GGUF language model with its tokenizer and chat template, ready to generate.
    ///
    /// For example:
    /// ```swift
    /// let generator = try Generator(modelURL: URL(fileURLWithPath: "models/qwen2.5-coder-0.5b-instruct.gguf"))
    /// let result = try generator.generate(.chat([.user("Name a prime number.")]))
    /// ```
    /// - Parameter contextLength: KV-cache positions (default: the model's, at most 4096).
    /// - Throws: `GGUFError` for an unreadable or unsupported model, `TokenizerError` for its tokenizer.
    public convenience init(modelURL: URL, contextLength: Int? = nil) throws {
        let model = try LlamaModel(url: modelURL)
        try self.init(model: model, contextLength: contextLength)
    }

    /// A generator over a new session of an already loaded model (one model can serve several).
    public convenience init(model: LlamaModel, contextLength: Int? = nil) throws {
        let tokenizer = try makeTokenizer(gguf: model.file)
        self.init(
            session: model.makeSession(contextLength: contextLength), tokenizer: tokenizer,
            chatTemplate: ChatTemplate(gguf: model.file))
    }
}
