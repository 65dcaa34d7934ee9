import Foundation
import RAG
import Strategies

/// `POST /v1/ask`'s body.
struct AskRequest: Decodable, Sendable {
    var question: String
    var strategy: String?
    var limit: Int?
    var retriever: String?
    var stream: Bool?
}

/// What `GET /healthz` returns.
struct Health: Encodable, Sendable {
    var status: String
    var documents: Int
    var chunks: Int
    var embeddingModel: String?
    var generation: GenerationLoad

    struct GenerationLoad: Encodable, Sendable {
        var running: Int
        var waiting: Int
        var slots: Int
        var queueLimit: Int
        enum CodingKeys: String, CodingKey { case running, waiting, slots, queueLimit = "queue_limit" }
    }

    enum CodingKeys: String, CodingKey { case status, documents, chunks, embeddingModel = "embedding_model", generation }
}

/// What `GET /v1/search` returns.
struct SearchResponse: Encodable, Sendable {
    var query: String
    var retriever: String
    var results: [SearchResult]
}

/// A strategy's progress as a server-sent `step` event.
struct StepEvent: Encodable, Sendable {
    var kind: String
    var round: Int?
    var query: String?
    var passages: [String]?
    var text: String?
    var accepted: Bool?
    var reason: String?

    init?(_ event: StrategyEvent) {
        switch event {
        case .retrieved(let round, let query, let passages):
            self.init(kind: "retrieved", round: round, query: query, passages: passages.map(\.label))
        case .note(let round, let text):
            self.init(kind: "note", round: round, text: text)
        case .verdict(let round, let accepted, let reason):
            self.init(kind: "verdict", round: round, accepted: accepted, reason: reason)
        case .thought(let round, let text):
            self.init(kind: "thought", round: round, text: text)
        case .stopped(let reason):
            self.init(kind: "stopped", reason: reason)
        case .answerText:
            return nil
        }
    }

    init(kind: String, round: Int? = nil, query: String? = nil, passages: [String]? = nil, text: String? = nil,
         accepted: Bool? = nil, reason: String? = nil) {
        self.kind = kind
        self.round = round
        self.query = query
        self.passages = passages
        self.text = text
        self.accepted = accepted
        self.reason = reason
    }
}

/// A piece of a streamed answer.
struct TokenEvent: Encodable, Sendable { var text: String }
