import Foundation
import RAG

/// OpenAI's chat-completions wire format, as much of it as rag answers: the last user message is
/// the question, the model name picks the strategy (`rag` routes by itself; `rag-none`,
/// `rag-single`, `rag-notes`, `rag-ircot` force one; any other name routes too), and the citations
/// ride in an extra `citations` field.
enum ChatCompletions {
    struct Request: Decodable, Sendable {
        var model: String?
        var messages: [Message]
        var stream: Bool?
    }

    struct Message: Decodable, Sendable {
        var role: String
        var content: Content?
    }

    /// A message's content: a string, or a list of parts of which the text parts count.
    struct Content: Decodable, Sendable {
        var text: String

        struct Part: Decodable { var type: String; var text: String? }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self.text = text
            } else {
                let parts = try container.decode([Part].self)
                text = parts.filter { $0.type == "text" }.compactMap(\.text).joined(separator: "\n")
            }
        }
    }

    /// The strategy each model name stands for.
    static func strategy(forModel name: String?, base: String) -> StrategyChoice {
        guard let name, name.hasPrefix(base + "-") else { return .auto }
        return StrategyChoice(rawValue: String(name.dropFirst(base.count + 1))) ?? .auto
    }

    /// The names `/v1/models` lists.
    static func modelNames(base: String) -> [String] {
        [base] + StrategyChoice.allCases.filter { $0 != .auto }.map { "\(base)-\($0.rawValue)" }
    }

    static func question(in messages: [Message]) throws -> String {
        guard let last = messages.last(where: { $0.role == "user" }), let text = last.content?.text,
              !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.badRequest("no user message with text in \"messages\"")
        }
        return text
    }

    struct Completion: Encodable, Sendable {
        var id: String
        var object = "chat.completion"
        var created: Int
        var model: String
        var choices: [Choice]
        var usage: Usage
        var citations: [Citation]
        var rag: AnswerSummary

        struct Choice: Encodable, Sendable {
            var index = 0
            var message: OutMessage
            var finishReason = "stop"
            enum CodingKeys: String, CodingKey { case index, message, finishReason = "finish_reason" }
        }
    }

    struct OutMessage: Encodable, Sendable {
        var role = "assistant"
        var content: String
    }

    struct Usage: Encodable, Sendable {
        var promptTokens: Int
        var completionTokens: Int
        var totalTokens: Int
        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens", completionTokens = "completion_tokens", totalTokens = "total_tokens"
        }
    }

    struct Chunk: Encodable, Sendable {
        var id: String
        var object = "chat.completion.chunk"
        var created: Int
        var model: String
        var choices: [ChunkChoice]
        var citations: [Citation]?

        struct ChunkChoice: Encodable, Sendable {
            var index = 0
            var delta: Delta
            var finishReason: String?
            enum CodingKeys: String, CodingKey { case index, delta, finishReason = "finish_reason" }

            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(index, forKey: .index)
                try c.encode(delta, forKey: .delta)
                try c.encode(finishReason, forKey: .finishReason)  // null until the last chunk, as OpenAI sends it
            }
        }

        struct Delta: Encodable, Sendable {
            var role: String?
            var content: String?
        }
    }

    static func completion(_ answer: Answer, id: String, model: String, created: Int) -> Completion {
        Completion(id: id, created: created, model: model,
                   choices: [.init(message: OutMessage(content: answer.text))],
                   usage: Usage(promptTokens: answer.usage.promptTokens, completionTokens: answer.usage.generatedTokens,
                                totalTokens: answer.usage.promptTokens + answer.usage.generatedTokens),
                   citations: answer.citations, rag: AnswerSummary(answer))
    }
}
