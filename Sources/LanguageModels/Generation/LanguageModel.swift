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
    /// Generates a completion of `prompt`, passing each piece of text to `onText` as it is decoded.
    func complete(_ prompt: Prompt, parameters: GenerationParameters,
                  onText: @escaping @Sendable (String) -> Void) async throws -> GenerationResult
    /// How many tokens `text` takes as plain text, to budget passages against the context.
    func tokenCount(_ text: String) -> Int
    /// Size of the context window in tokens (prompt and generated tokens together).
    var contextLength: Int { get }
}

extension LanguageModel {
    /// A model that cannot stream gives its text in one piece at the end.
    public func complete(_ prompt: Prompt, parameters: GenerationParameters,
                         onText: @escaping @Sendable (String) -> Void) async throws -> GenerationResult {
        let result = try await complete(prompt, parameters: parameters)
        if !result.text.isEmpty { onText(result.text) }
        return result
    }
}

extension Generator: LanguageModel {
    public func complete(_ prompt: Prompt, parameters: GenerationParameters,
                         onText: @escaping @Sendable (String) -> Void) async throws -> GenerationResult {
        for try await event in stream(prompt, parameters: parameters) {
            switch event {
            case .token(let token): if !token.text.isEmpty { onText(token.text) }
            case .finished(let result): return result
            }
        }
        throw CancellationError()
    }

    public func tokenCount(_ text: String) -> Int {
        tokenizer.encode(text, parseSpecial: false, addSpecial: false).count
    }
}
