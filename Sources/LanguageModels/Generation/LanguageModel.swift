/// Something that completes prompts: the local `Generator`, or another backend. The strategies
/// depend on this capability rather than on a concrete model, so their tests can script answers.
///
/// For example:
/// ```swift
/// let model: any LanguageModel = try Generator(modelURL: url)
/// let answer = try await model.complete(.chat([.user("Who wrote Hamlet?")]),
///                                       parameters: GenerationParameters(maxTokens: 32))
/// ```
public protocol LanguageModel: AnyObject, Sendable {
    /// Generates a completion of `prompt`.
    func complete(_ prompt: Prompt, parameters: GenerationParameters) async throws -> GenerationResult
    /// How many tokens `text` takes as plain text, to budget passages against the context.
    func tokenCount(_ text: String) -> Int
    /// Size of the context window in tokens (prompt and generated tokens together).
    var contextLength: Int { get }
}

extension Generator: LanguageModel {
    public func tokenCount(_ text: String) -> Int {
        tokenizer.encode(text, parseSpecial: false, addSpecial: false).count
    }
}
