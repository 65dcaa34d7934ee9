/// Errors running a Llama-family model session.
public enum LlamaError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Appending would exceed the session's context length.
    case contextFull(cached: Int, appending: Int, contextLength: Int)
    /// A token id outside the vocabulary.
    case invalidToken(id: Int32, vocabularySize: Int)

    public var description: String {
        switch self {
        case .contextFull(let cached, let appending, let contextLength):
            return "context full: \(cached) cached + \(appending) new tokens exceed the context length of \(contextLength); shorten the prompt or raise -c/--ctx-size"
        case .invalidToken(let id, let vocabularySize):
            return "token id \(id) is outside the model's vocabulary of \(vocabularySize)"
        }
    }
}
