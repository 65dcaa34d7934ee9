import Foundation
import Testing
import RAG
@testable import RAGServer
import TestSupport

/// Answers over HTTP with the real models on `corpora/veldmoor`: JSON, server-sent events, OpenAI's
/// chat-completions format (stream and not), and concurrent clients.
@Suite(.serialized) struct ServerAnswerTests {
    static let question = "Which river flows through Veldmoor?"

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test(.requires(TestModels.miniLMWeights, TestModels.qwen)) func answersAsJSONAndAsEvents() async throws {
        try await LiveServer.run(ServerTests.server(try ServerTests.engine(withModel: true))) { client in
            let r = try await client.post("/v1/ask", "{\"question\": \"\(Self.question)\", \"strategy\": \"single\"}")
            #expect(r.status == 200, "\(r.text)")
            let j = try r.json()
            #expect((j["answer"] as? String ?? "").lowercased().contains("sallow") == true, "\(r.text)")
            #expect(j["strategy"] as? String == "single")
            let citations = try #require(j["citations"] as? [[String: Any]])
            #expect(!citations.isEmpty && citations[0]["document"] is String && citations[0]["chunk_id"] is Int)
            #expect(j["probabilities"] is [String: Any] && j["seconds"] is Double)

            let s = try await client.post("/v1/ask", "{\"question\": \"\(Self.question)\", \"strategy\": \"single\", \"stream\": true}")
            #expect(s.status == 200)
            #expect(s.header("Content-Type") == "text/event-stream")
            let events = s.events
            #expect(events.last?.0 == nil && events.last?.1 == "[DONE]", "\(s.text)")
            let names = events.compactMap(\.0)
            #expect(names.contains("token") && names.contains("step"), "\(names)")
            let answerEvent = try #require(events.first { $0.0 == "answer" })
            let answer = try Self.object(answerEvent.1)
            #expect((answer["answer"] as? String ?? "").lowercased().contains("sallow") == true)
            // The tokens spell the model's raw answer.
            let tokens = try events.filter { $0.0 == "token" }.map { try Self.object($0.1)["text"] as? String ?? "" }.joined()
            #expect(tokens.trimmingCharacters(in: .whitespacesAndNewlines)
                    == (answer["raw_answer"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    @Test(.requires(TestModels.miniLMWeights, TestModels.qwen)) func speaksOpenAIChatCompletions() async throws {
        try await LiveServer.run(ServerTests.server(try ServerTests.engine(withModel: true))) { client in
            let r = try await client.post("/v1/chat/completions", """
                {"model": "rag-single", "messages": [{"role": "system", "content": "Be brief."},
                 {"role": "user", "content": [{"type": "text", "text": "\(Self.question)"}]}]}
                """)
            #expect(r.status == 200, "\(r.text)")
            let j = try r.json()
            #expect(j["object"] as? String == "chat.completion")
            #expect(j["model"] as? String == "rag-single")
            #expect((j["id"] as? String ?? "").hasPrefix("chatcmpl-"))
            let choice = try #require((j["choices"] as? [[String: Any]])?.first)
            let message = try #require(choice["message"] as? [String: Any])
            #expect(message["role"] as? String == "assistant")
            #expect((message["content"] as? String ?? "").lowercased().contains("sallow") == true)
            #expect(choice["finish_reason"] as? String == "stop")
            let usage = try #require(j["usage"] as? [String: Any])
            #expect((usage["prompt_tokens"] as? Int ?? 0) > 0 && (usage["completion_tokens"] as? Int ?? 0) > 0)
            let citationCount = (j["citations"] as? [[String: Any]])?.count ?? 0
            #expect(citationCount > 0)
            #expect((j["rag"] as? [String: Any])?["strategy"] as? String == "single")

            let s = try await client.post("/v1/chat/completions", """
                {"model": "rag-single", "stream": true, "messages": [{"role": "user", "content": "\(Self.question)"}]}
                """)
            #expect(s.status == 200)
            let events = s.events
            #expect(events.last?.1 == "[DONE]", "\(s.text)")
            let chunks = try events.dropLast().map { try Self.object($0.1) }
            #expect(chunks.allSatisfy { $0["object"] as? String == "chat.completion.chunk" })
            let choices = chunks.compactMap { ($0["choices"] as? [[String: Any]])?.first }
            let deltas = choices.compactMap { $0["delta"] as? [String: Any] }
            #expect(deltas.first?["role"] as? String == "assistant")
            #expect(deltas.compactMap { $0["content"] as? String }.joined().lowercased().contains("sallow"))
            #expect(choices.last?["finish_reason"] as? String == "stop")
            let streamedCitations = (chunks.last?["citations"] as? [[String: Any]])?.count ?? 0
            #expect(streamedCitations > 0)
            // Every chunk but the last carries an explicit null finish_reason, as OpenAI's do.
            #expect(choices.dropLast().allSatisfy { $0.keys.contains("finish_reason") && $0["finish_reason"] is NSNull })
        }
    }

    @Test(.requires(TestModels.miniLMWeights, TestModels.qwen)) func concurrentClientsAllGetAnswers() async throws {
        let server = ServerTests.server(try ServerTests.engine(withModel: true))
        try await LiveServer.run(server) { client in
            // Three asks (they take turns on the model) and twelve searches (which do not wait for them).
            let results = try await withThrowingTaskGroup(of: (String, Int, Bool).self) { group in
                for i in 0..<15 {
                    group.addTask {
                        if i < 3 {
                            let r = try await client.post("/v1/ask", "{\"question\": \"\(Self.question)\", \"strategy\": \"single\"}")
                            return ("ask", r.status, r.text.lowercased().contains("sallow"))
                        }
                        let r = try await client.get("/v1/search?q=river%20mill&limit=5")
                        return ("search", r.status, ((try? r.json())?["results"] as? [Any])?.isEmpty == false)
                    }
                }
                var all: [(String, Int, Bool)] = []
                for try await r in group { all.append(r) }
                return all
            }
            #expect(results.count == 15)
            #expect(results.allSatisfy { $0.1 == 200 && $0.2 }, "\(results)")
        }
        let load = await server.gate.load
        #expect(load.running == 0 && load.waiting == 0)
    }
}
