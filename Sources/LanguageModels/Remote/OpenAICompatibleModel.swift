import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A language model served elsewhere over OpenAI's chat-completions API: a llama.cpp server, vLLM,
/// or another `rag serve`. Answers stream (server-sent events) whether or not the caller streams.
///
/// Built on Foundation's `URLSession` (libcurl on Linux) rather than async-http-client: the same
/// HTTP/1.1 and TLS, without compiling swift-nio-ssl's BoringSSL into every build of rag.
///
/// ```swift
/// let model = OpenAICompatibleModel(baseURL: URL(string: "http://127.0.0.1:8081/v1")!)
/// let result = try await model.complete(.chat([.user("Who wrote Hamlet?")]), parameters: GenerationParameters(maxTokens: 32))
/// ```
public final class OpenAICompatibleModel: LanguageModel, @unchecked Sendable {
    /// The API's base (the part before `/chat/completions`), e.g. `http://host:8080/v1`.
    public let baseURL: URL
    /// The `model` field sent (servers of one model ignore it).
    public let modelName: String
    public let contextLength: Int
    private let apiKey: String?

    /// - Parameters:
    ///   - modelName: the `model` to ask for (default `default`).
    ///   - apiKey: sent as `Authorization: Bearer KEY` when given.
    ///   - contextLength: the served model's context in tokens, to budget passages (default 4096).
    public init(baseURL: URL, modelName: String = "default", apiKey: String? = nil, contextLength: Int = 4096) {
        self.baseURL = baseURL
        self.modelName = modelName
        self.apiKey = apiKey
        self.contextLength = contextLength
    }

    /// The served model's tokenizer is not known here: about three bytes of text per token, which
    /// overestimates for English and code, so passages are budgeted safely.
    public func tokenCount(_ text: String) -> Int { text.utf8.count / 3 + 1 }

    public func complete(_ prompt: Prompt, parameters: GenerationParameters) async throws -> GenerationResult {
        try await complete(prompt, parameters: parameters, onText: { _ in })
    }

    public func complete(_ prompt: Prompt, parameters: GenerationParameters,
                         onText: @escaping @Sendable (String) -> Void) async throws -> GenerationResult {
        let request = try urlRequest(prompt, parameters: parameters)
        let started = DispatchTime.now().uptimeNanoseconds
        let reader = EventReader(onText: onText)
        let delegate = StreamDelegate(reader: reader)
        let session = URLSession(configuration: .ephemeral, delegate: delegate, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let outcome: EventReader.Outcome = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                delegate.continuation = continuation
                let task = session.dataTask(with: request)
                delegate.task = task
                task.resume()
            }
        } onCancel: {
            delegate.cancel()
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let promptTokens = outcome.promptTokens ?? tokenCount(Self.text(of: prompt))
        let generated = outcome.completionTokens ?? outcome.pieces
        // Token ids are the served model's and not sent: only their counts are kept.
        return GenerationResult(text: outcome.text, tokenIDs: [Int32](repeating: 0, count: generated),
                                promptTokenIDs: [Int32](repeating: 0, count: promptTokens), reusedPromptTokens: 0,
                                stopReason: outcome.finishReason == "length" ? .maxTokens : .endOfGeneration,
                                promptSeconds: 0, generationSeconds: seconds, decodeSteps: max(0, generated - 1),
                                tokenLogProbabilities: outcome.logProbabilities)
    }

    // MARK: The request

    struct Body: Encodable {
        struct Message: Encodable { var role: String; var content: String }
        struct StreamOptions: Encodable { var include_usage = true }
        var model: String
        var messages: [Message]
        var max_tokens: Int
        var temperature: Float
        var top_p: Float?
        var stop: [String]?
        var stream = true
        var stream_options = StreamOptions()
        var logprobs: Bool?
    }

    func urlRequest(_ prompt: Prompt, parameters: GenerationParameters) throws -> URLRequest {
        var request = URLRequest(url: baseURL.appendingPathComponent("chat/completions"))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("text/event-stream", forHTTPHeaderField: "Accept")
        if let apiKey { request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
        let sampling = parameters.sampling
        let body = Body(model: modelName, messages: try Self.messages(of: prompt).map { .init(role: $0.role.rawValue, content: $0.content) },
                        max_tokens: parameters.maxTokens, temperature: max(0, sampling.temperature),
                        top_p: sampling.temperature > 0 && sampling.topP < 1 ? sampling.topP : nil,
                        stop: parameters.stopSequences.isEmpty ? nil : Array(parameters.stopSequences.prefix(4)),
                        logprobs: parameters.recordLogProbabilities ? true : nil)
        request.httpBody = try JSONEncoder().encode(body)
        return request
    }

    /// The chat a prompt is: a continuation's prefix becomes the start of the assistant's reply as
    /// the last message (servers that continue a final assistant message do so; others answer anew).
    static func messages(of prompt: Prompt) throws -> [ChatMessage] {
        switch prompt {
        case .chat(let messages): return messages
        case .chatContinuation(let messages, let prefix):
            return prefix.isEmpty ? messages : messages + [.assistant(prefix)]
        case .text(let text), .textWithSpecialTokens(let text): return [.user(text)]
        case .segments, .tokens:
            throw RemoteModelError.unsupportedPrompt("token-level prompts need the local model")
        }
    }

    static func text(of prompt: Prompt) -> String {
        ((try? messages(of: prompt)) ?? []).map(\.content).joined(separator: "\n")
    }

    // MARK: The response

    /// Reads the server-sent events as they arrive: content deltas, finish reason, usage, log-probabilities.
    final class EventReader: @unchecked Sendable {
        struct Outcome {
            var text = ""
            var pieces = 0
            var finishReason: String?
            var promptTokens: Int?
            var completionTokens: Int?
            var logProbabilities: [Float] = []
        }

        struct Chunk: Decodable {
            struct Choice: Decodable {
                struct Delta: Decodable { var content: String? }
                struct LogProbs: Decodable { struct Entry: Decodable { var logprob: Float }; var content: [Entry]? }
                var delta: Delta?
                var finish_reason: String?
                var logprobs: LogProbs?
            }
            struct Usage: Decodable { var prompt_tokens: Int?; var completion_tokens: Int? }
            var choices: [Choice]?
            var usage: Usage?
        }

        let onText: @Sendable (String) -> Void
        var outcome = Outcome()
        var status = 200
        var retryAfter: String?
        var buffer = Data()
        var errorBody = Data()
        var done = false

        init(onText: @escaping @Sendable (String) -> Void) { self.onText = onText }

        func receive(_ data: Data) throws {
            guard status == 200 else { errorBody.append(data); return }
            buffer.append(data)
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[buffer.startIndex..<newline]
                buffer.removeSubrange(buffer.startIndex...newline)
                try handle(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            }
        }

        func handle(_ line: String) throws {
            guard line.hasPrefix("data:") else { return }   // event names, comments, blank separators
            let payload = line.dropFirst(5).trimmingCharacters(in: .whitespaces)
            if payload == "[DONE]" { done = true; return }
            guard let data = payload.data(using: .utf8) else { return }
            if let error = try? JSONDecoder().decode(ErrorBody.self, from: data), let message = error.error?.message {
                throw RemoteModelError.server(status: status, message: message)
            }
            let chunk = try JSONDecoder().decode(Chunk.self, from: data)
            if let usage = chunk.usage {
                outcome.promptTokens = usage.prompt_tokens ?? outcome.promptTokens
                outcome.completionTokens = usage.completion_tokens ?? outcome.completionTokens
            }
            for choice in chunk.choices ?? [] {
                if let piece = choice.delta?.content, !piece.isEmpty {
                    outcome.text += piece
                    outcome.pieces += 1
                    onText(piece)
                }
                if let reason = choice.finish_reason { outcome.finishReason = reason }
                outcome.logProbabilities += choice.logprobs?.content?.map(\.logprob) ?? []
            }
        }

        /// The outcome once the response has ended, or the error it amounts to.
        func finish() throws -> Outcome {
            if status != 200 {
                let message = (try? JSONDecoder().decode(ErrorBody.self, from: errorBody))?.error?.message
                    ?? String(decoding: errorBody.prefix(300), as: UTF8.self)
                throw RemoteModelError.server(status: status, message: message + (retryAfter.map { " (retry after \($0) s)" } ?? ""))
            }
            if !buffer.isEmpty { try handle(String(decoding: buffer, as: UTF8.self)); buffer.removeAll() }
            return outcome
        }
    }

    struct ErrorBody: Decodable {
        struct Detail: Decodable { var message: String? }
        var error: Detail?
    }

    /// URLSession's callbacks, turned into one result.
    final class StreamDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
        let reader: EventReader
        var continuation: CheckedContinuation<EventReader.Outcome, Error>?
        var task: URLSessionDataTask?
        private var failure: Error?
        private let lock = NSLock()

        init(reader: EventReader) { self.reader = reader }

        func cancel() { lock.withLock { failure = CancellationError() }; task?.cancel() }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
            if let http = response as? HTTPURLResponse {
                reader.status = http.statusCode
                reader.retryAfter = http.value(forHTTPHeaderField: "Retry-After")
            }
            completionHandler(.allow)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
            do { try reader.receive(data) } catch {
                lock.withLock { if failure == nil { failure = error } }
                dataTask.cancel()
            }
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
            let result: Result<EventReader.Outcome, Error>
            if let failure = lock.withLock({ failure }) {
                result = .failure(failure)
            } else if let error {
                result = .failure(RemoteModelError.unreachable(url: task.originalRequest?.url?.absoluteString ?? "",
                                                               reason: error.localizedDescription))
            } else {
                result = Result { try reader.finish() }
            }
            let continuation = lock.withLock { () -> CheckedContinuation<EventReader.Outcome, Error>? in
                defer { self.continuation = nil }
                return self.continuation
            }
            continuation?.resume(with: result)
        }
    }
}

/// Why a served model did not answer.
public enum RemoteModelError: Error, CustomStringConvertible, Equatable {
    /// The server could not be reached (refused, timed out, bad address).
    case unreachable(url: String, reason: String)
    /// The server answered with an error status and message.
    case server(status: Int, message: String)
    /// A prompt the chat API cannot carry.
    case unsupportedPrompt(String)

    public var description: String {
        switch self {
        case let .unreachable(url, reason):
            return "the language model server at \(url) cannot be reached (\(reason)): check --llm-url and that the server runs"
        case let .server(status, message):
            return "the language model server answered \(status): \(message)"
        case let .unsupportedPrompt(message):
            return "this prompt cannot be sent to a served model: \(message)"
        }
    }
}
