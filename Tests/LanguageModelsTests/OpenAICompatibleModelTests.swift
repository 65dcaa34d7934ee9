import Foundation
import Testing

@testable import LanguageModels

/// The chat-completions wire format of ``OpenAICompatibleModel``: the request it sends and the
/// server-sent events it reads (the round trip with a real server is in ServeCLITests).
struct OpenAICompatibleModelTests {
    @Test func requestCarriesTheChatTheLimitsAndTheKey() throws {
        let model = OpenAICompatibleModel(baseURL: URL(string: "http://127.0.0.1:8081/v1")!, modelName: "qwen", apiKey: "k3y")
        let request = try model.urlRequest(.chatContinuation([.system("Be brief."), .user("Why?")], assistantPrefix: "Because"),
                                           parameters: GenerationParameters(maxTokens: 24, stopSequences: ["\n"], recordLogProbabilities: true))
        #expect(request.url?.absoluteString == "http://127.0.0.1:8081/v1/chat/completions")
        #expect(request.value(forHTTPHeaderField: "Authorization") == "Bearer k3y")
        let body = try #require(try JSONSerialization.jsonObject(with: request.httpBody ?? Data()) as? [String: Any])
        #expect(body["model"] as? String == "qwen")
        #expect(body["max_tokens"] as? Int == 24)
        #expect(body["temperature"] as? Double == 0)
        #expect(body["stop"] as? [String] == ["\n"])
        #expect(body["stream"] as? Bool == true)
        #expect(body["logprobs"] as? Bool == true)
        let messages = body["messages"] as? [[String: String]] ?? []
        #expect(messages.map { $0["role"] ?? "" } == ["system", "user", "assistant"])
        #expect(messages.last?["content"] == "Because")
        #expect(throws: RemoteModelError.self) { try model.urlRequest(.tokens([1, 2]), parameters: GenerationParameters()) }
    }

    @Test func eventsSplitAnywhereGiveTheTextUsageAndLogProbabilities() throws {
        let events = """
            data: {"choices":[{"delta":{"role":"assistant","content":""}}]}

            data: {"choices":[{"delta":{"content":"River "},"logprobs":{"content":[{"token":"River","logprob":-0.5}]}}]}

            data: {"choices":[{"delta":{"content":"Sallow"},"finish_reason":"stop","logprobs":{"content":[{"token":"Sallow","logprob":-0.25}]}}]}

            data: {"choices":[],"usage":{"prompt_tokens":311,"completion_tokens":3}}

            data: [DONE]

            """
        let bytes = Array(events.utf8)
        // Any split of the stream into network reads gives the same outcome.
        for cut in [1, 7, 64, bytes.count] {
            let pieces = PieceLog()
            let reader = OpenAICompatibleModel.EventReader(onText: { pieces.add($0) })
            var offset = 0
            while offset < bytes.count {
                try reader.receive(Data(bytes[offset..<min(offset + cut, bytes.count)]))
                offset += cut
            }
            let outcome = try reader.finish()
            #expect(outcome.text == "River Sallow")
            #expect(pieces.all == ["River ", "Sallow"])
            #expect(outcome.promptTokens == 311 && outcome.completionTokens == 3)
            #expect(outcome.finishReason == "stop")
            #expect(outcome.logProbabilities == [-0.5, -0.25])
        }
    }

    @Test func errorsComeBackAsTheServersMessage() throws {
        let reader = OpenAICompatibleModel.EventReader(onText: { _ in })
        reader.status = 429
        reader.retryAfter = "5"
        try reader.receive(Data(#"{"error":{"message":"busy: 8 asks are waiting","type":"rate_limit_error"}}"#.utf8))
        #expect(throws: RemoteModelError.server(status: 429, message: "busy: 8 asks are waiting (retry after 5 s)")) { try reader.finish() }

        let midStream = OpenAICompatibleModel.EventReader(onText: { _ in })
        #expect(throws: RemoteModelError.self) {
            try midStream.receive(Data("event: error\ndata: {\"error\":{\"message\":\"model failed\",\"type\":\"server_error\"}}\n\n".utf8))
        }
    }
}

final class PieceLog: @unchecked Sendable {
    private let lock = NSLock()
    private var pieces: [String] = []
    func add(_ piece: String) { lock.withLock { pieces.append(piece) } }
    var all: [String] { lock.withLock { pieces } }
}
