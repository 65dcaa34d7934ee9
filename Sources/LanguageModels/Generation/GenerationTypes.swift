/// What to generate from: text, a chat, or ready token ids.
public enum Prompt: Sendable, Equatable {
    /// Raw text (a completion prompt). Control-token spellings stay text.
    case text(String)
    /// Raw text in which control-token spellings (`<|im_start|>`) become control tokens.
    case textWithSpecialTokens(String)
    /// Messages rendered with the model's chat template.
    case chat([ChatMessage])
    /// A prompt already laid out as text and special tokens, e.g. a rendered chat followed by the
    /// start of the assistant's answer to continue: `template.render(messages) + [.text("So the answer is:")]`.
    case segments([PromptSegment])
    /// Already tokenized input, fed as is.
    case tokens([Int32])
    /// Messages rendered with the model's chat template, then the start of the assistant's reply
    /// (plain text) for the model to continue, e.g. a chain of thought written so far.
    case chatContinuation([ChatMessage], assistantPrefix: String)
}

/// Limits and stopping rules of one generation.
public struct GenerationParameters: Sendable, Equatable {
    /// Maximum number of tokens to generate.
    public var maxTokens: Int
    /// Token choice.
    public var sampling: SamplingParameters
    /// Generation stops before any of these strings; they are not part of the text.
    public var stopSequences: [String]
    /// Stop at end-of-sequence / end-of-turn tokens (the default).
    public var stopAtEndOfGeneration: Bool
    /// Reuse the session's cached keys/values for the longest common prefix with the last prompt.
    public var reusePromptPrefix: Bool
    /// Record the model's log-probability of each generated token (`GenerationResult.tokenLogProbabilities`).
    public var recordLogProbabilities: Bool

    public init(
        maxTokens: Int = 256, sampling: SamplingParameters = .greedy, stopSequences: [String] = [],
        stopAtEndOfGeneration: Bool = true, reusePromptPrefix: Bool = true, recordLogProbabilities: Bool = false
    ) {
        self.recordLogProbabilities = recordLogProbabilities
        self.maxTokens = maxTokens
        self.sampling = sampling
        self.stopSequences = stopSequences
        self.stopAtEndOfGeneration = stopAtEndOfGeneration
        self.reusePromptPrefix = reusePromptPrefix
    }
}

/// Why a generation ended.
public enum StopReason: String, Sendable, Codable {
    /// An end-of-sequence or end-of-turn token was produced.
    case endOfGeneration
    /// One of the stop sequences appeared.
    case stopSequence
    /// `maxTokens` tokens were produced.
    case maxTokens
    /// The context window is full.
    case contextFull
    /// The consumer stopped listening or the task was cancelled.
    case cancelled
}

/// One generated token and the text it completed (empty while a character or a possible stop
/// sequence is still held back).
public struct GeneratedToken: Sendable, Equatable {
    public var id: Int32
    public var text: String
}

/// The outcome of a generation with its timings.
public struct GenerationResult: Sendable, Equatable {
    /// Generated text (stop sequence and end-of-turn token excluded).
    public var text: String
    /// Generated token ids, the final end-of-turn token included when there was one.
    public var tokenIDs: [Int32]
    /// The prompt as fed to the model.
    public var promptTokenIDs: [Int32]
    /// How many prompt tokens came from the KV cache of an earlier call instead of being computed.
    public var reusedPromptTokens: Int
    public var stopReason: StopReason
    /// Seconds spent computing the (non-reused) prompt tokens.
    public var promptSeconds: Double
    /// Seconds spent generating, from the first sampled token to the end.
    public var generationSeconds: Double
    /// Forward passes run while generating (one per generated token but the last: the first token
    /// comes from the prompt's logits).
    public var decodeSteps: Int
    /// The model's log-probability of each generated token (empty unless asked for with
    /// `GenerationParameters.recordLogProbabilities`).
    public var tokenLogProbabilities: [Float]

    public init(text: String, tokenIDs: [Int32], promptTokenIDs: [Int32], reusedPromptTokens: Int,
                stopReason: StopReason, promptSeconds: Double, generationSeconds: Double, decodeSteps: Int,
                tokenLogProbabilities: [Float] = []) {
        self.text = text
        self.tokenIDs = tokenIDs
        self.promptTokenIDs = promptTokenIDs
        self.reusedPromptTokens = reusedPromptTokens
        self.stopReason = stopReason
        self.promptSeconds = promptSeconds
        self.generationSeconds = generationSeconds
        self.decodeSteps = decodeSteps
        self.tokenLogProbabilities = tokenLogProbabilities
    }

    /// Prompt tokens computed per second (reused ones not counted).
    public var promptTokensPerSecond: Double {
        let computed = promptTokenIDs.count - reusedPromptTokens
        return promptSeconds > 0 ? Double(computed) / promptSeconds : 0
    }

    /// Decoding speed in tokens per second: forward passes per second while generating, as
    /// llama.cpp reports its "eval" rate (0 when a single token was generated).
    public var tokensPerSecond: Double {
        generationSeconds > 0 ? Double(decodeSteps) / generationSeconds : 0
    }
}

/// What a streaming generation yields: each token as it comes, then the summary.
public enum GenerationEvent: Sendable, Equatable {
    case token(GeneratedToken)
    case finished(GenerationResult)
}

/// Errors of the generation loop.
public enum GenerationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The prompt tokenized to nothing.
    case emptyPrompt
    /// The prompt does not fit the model's context.
    case promptTooLong(tokens: Int, contextLength: Int)
    /// A token id is not in the model's vocabulary.
    case tokenOutOfRange(id: Int32, vocabularySize: Int)
    /// The model returned logits of another size than its vocabulary.
    case logitsSizeMismatch(expected: Int, found: Int)

    public var description: String {
        switch self {
        case .emptyPrompt:
            return "the prompt is empty; give some text to continue"
        case .promptTooLong(let tokens, let context):
            return "the prompt has \(tokens) tokens but the model's context holds \(context); shorten it or use fewer passages"
        case .tokenOutOfRange(let id, let size):
            return "prompt token id \(id) is outside the model's vocabulary (0..<\(size))"
        case .logitsSizeMismatch(let expected, let found):
            return "the model returned \(found) logits for a vocabulary of \(expected); the model file and tokenizer disagree"
        }
    }
}
