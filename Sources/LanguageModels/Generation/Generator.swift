import Foundation

/// Runs a language model session: prompt in, tokens and text out, with sampling, stop rules,
/// streaming, cancellation and prompt-prefix reuse.
///
/// One generator owns one session (its KV cache); calls are serialised. A later prompt that starts
/// with the tokens of an earlier call (prompt and generated tokens) recomputes only what differs:
/// the strategies' many calls over the same instructions and passages pay for them once.
///
/// For example:
/// ```swift
/// let generator = Generator(session: model.makeSession(), tokenizer: tokenizer, chatTemplate: template)
/// let answer = try generator.generate(.chat([.user("Who wrote Hamlet?")]),
///                                     parameters: GenerationParameters(maxTokens: 64))
/// for try await event in generator.stream(.text("Once upon a time")) {
///     if case .token(let token) = event { print(token.text, terminator: "") }
/// }
/// ```
public final class Generator: @unchecked Sendable {
    public let tokenizer: any Tokenizer
    public let chatTemplate: ChatTemplate
    private let session: any LanguageModelSession
    private let lock = NSLock()

    /// - Parameter chatTemplate: how `.chat` prompts are rendered (ChatML when not given).
    public init(session: any LanguageModelSession, tokenizer: any Tokenizer, chatTemplate: ChatTemplate? = nil) {
        self.session = session
        self.tokenizer = tokenizer
        self.chatTemplate = chatTemplate ?? ChatTemplate(template: nil)
    }

    /// Size of the model's context window in tokens.
    public var contextLength: Int { session.contextLength }

    /// The token ids `prompt` is fed as (BOS added when the model asks for it).
    public func promptTokens(for prompt: Prompt) throws -> [Int32] {
        switch prompt {
        case .text(let text): return tokenizer.encode(text, parseSpecial: false, addSpecial: true)
        case .textWithSpecialTokens(let text): return tokenizer.encode(text, parseSpecial: true, addSpecial: true)
        case .chat(let messages): return try tokenizer.encode(chatTemplate.render(messages), addSpecial: true)
        case .segments(let segments): return try tokenizer.encode(segments, addSpecial: true)
        case .tokens(let ids): return ids
        case .chatContinuation(let messages, let prefix):
            let rendered = chatTemplate.render(messages) + (prefix.isEmpty ? [] : [.text(prefix)])
            return try tokenizer.encode(rendered, addSpecial: true)
        }
    }

    /// Generates synchronously, calling `onToken` for each token; return false from it to stop
    /// (the result then says `.cancelled`).
    ///
    /// - Throws: `GenerationError` for an empty or too long prompt, `TokenizerError` for a chat
    ///   template the vocabulary cannot spell, and whatever the session throws.
    @discardableResult
    public func generate(
        _ prompt: Prompt, parameters: GenerationParameters = GenerationParameters(),
        onToken: (GeneratedToken) -> Bool = { _ in true }
    ) throws -> GenerationResult {
        let promptIDs = try promptTokens(for: prompt)
        lock.lock()
        defer { lock.unlock() }
        return try run(promptIDs, parameters: parameters, onToken: onToken)
    }

    /// Generates on a background thread, streaming `.token` events then one `.finished` event.
    /// Stopping the iteration (or cancelling its task) cancels the generation.
    public func stream(
        _ prompt: Prompt, parameters: GenerationParameters = GenerationParameters()
    ) -> AsyncThrowingStream<GenerationEvent, Error> {
        let (stream, continuation) = AsyncThrowingStream<GenerationEvent, Error>.makeStream()
        let cancelled = CancellationFlag()
        continuation.onTermination = { _ in cancelled.set() }
        let thread = Thread { [self] in
            do {
                let result = try generate(prompt, parameters: parameters) { token in
                    continuation.yield(.token(token))
                    return !cancelled.isSet
                }
                continuation.yield(.finished(result))
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        thread.stackSize = 8 << 20
        thread.start()
        return stream
    }

    /// Generates on a background thread and returns the result; task cancellation stops it.
    public func complete(
        _ prompt: Prompt, parameters: GenerationParameters = GenerationParameters()
    ) async throws -> GenerationResult {
        for try await event in stream(prompt, parameters: parameters) {
            if case .finished(let result) = event { return result }
        }
        throw CancellationError()
    }

    // MARK: The loop

    private func run(
        _ prompt: [Int32], parameters: GenerationParameters, onToken: (GeneratedToken) -> Bool
    ) throws -> GenerationResult {
        guard !prompt.isEmpty else { throw GenerationError.emptyPrompt }
        let contextLength = session.contextLength
        guard prompt.count <= contextLength else {
            throw GenerationError.promptTooLong(tokens: prompt.count, contextLength: contextLength)
        }
        let vocabularySize = session.vocabularySize
        if let bad = prompt.first(where: { $0 < 0 || Int($0) >= vocabularySize }) {
            throw GenerationError.tokenOutOfRange(id: bad, vocabularySize: vocabularySize)
        }

        // Prompt: reuse the longest cached prefix, recompute the rest (at least the last token,
        // whose logits we need).
        let promptStart = DispatchTime.now().uptimeNanoseconds
        var reused = 0
        if parameters.reusePromptPrefix {
            let cached = session.cachedTokens
            let limit = min(cached.count, prompt.count - 1)
            while reused < limit && cached[reused] == prompt[reused] { reused += 1 }
        }
        if session.cachedTokens.count != reused { session.truncate(to: reused) }
        var logits = try session.append(Array(prompt[reused...]))
        let promptSeconds = Double(DispatchTime.now().uptimeNanoseconds - promptStart) / 1e9

        let generationStart = DispatchTime.now().uptimeNanoseconds
        var sampler = Sampler(parameters: parameters.sampling)
        var detokenizer = StreamingDetokenizer(tokenizer: tokenizer)
        var stops = StopSequenceMatcher(parameters.stopSequences)
        var history = prompt
        var generated: [Int32] = []
        var logProbabilities: [Float] = []
        var reason = StopReason.maxTokens
        var step = 0
        var decodeSteps = 0
        while step < parameters.maxTokens {
            guard logits.count == vocabularySize else {
                throw GenerationError.logitsSizeMismatch(expected: vocabularySize, found: logits.count)
            }
            let token = sampler.sample(logits, recentTokens: history)
            if parameters.recordLogProbabilities { logProbabilities.append(Self.logProbability(of: token, in: logits)) }
            generated.append(token)
            history.append(token)
            step += 1
            if parameters.stopAtEndOfGeneration && tokenizer.isEndOfGeneration(token) {
                reason = .endOfGeneration
                break
            }
            let released = stops.append(detokenizer.append(token))
            if !onToken(GeneratedToken(id: token, text: released)) {
                reason = .cancelled
                break
            }
            if stops.matched {
                reason = .stopSequence
                break
            }
            if step == parameters.maxTokens { break }
            if session.cachedTokens.count >= contextLength {
                reason = .contextFull
                break
            }
            logits = try session.append([token])
            decodeSteps += 1
        }
        if reason != .stopSequence {
            let tail = stops.finish(detokenizer.finish())
            if !tail.isEmpty, let last = generated.last, reason != .cancelled {
                _ = onToken(GeneratedToken(id: last, text: tail))
            }
        }
        let generationSeconds = Double(DispatchTime.now().uptimeNanoseconds - generationStart) / 1e9
        return GenerationResult(
            text: stops.text, tokenIDs: generated, promptTokenIDs: prompt, reusedPromptTokens: reused,
            stopReason: reason, promptSeconds: promptSeconds, generationSeconds: generationSeconds,
            decodeSteps: decodeSteps, tokenLogProbabilities: logProbabilities)
    }

    /// log softmax(logits)[token], in float64 for the sum (the model's own distribution, before sampling).
    static func logProbability(of token: Int32, in logits: [Float]) -> Float {
        var maximum = -Float.infinity
        for value in logits where value > maximum { maximum = value }
        var sum = 0.0
        for value in logits { sum += Foundation.exp(Double(value - maximum)) }
        return logits[Int(token)] - maximum - Float(Foundation.log(sum))
    }
}

/// A flag set from one thread and read from another.
final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
