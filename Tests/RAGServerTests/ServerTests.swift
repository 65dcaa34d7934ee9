import Foundation
import Testing
import RAG
import Hummingbird
@testable import RAGServer
import TestSupport

/// A real server on loopback (a free port) over an index of `corpora/veldmoor`, without models.
@Suite struct ServerTests {
    /// An index of the test corpus (BM25 only unless `withModel`), and an engine whose language
    /// model is absent unless `withModel`.
    static func engine(withModel: Bool = false) throws -> Engine {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rag-serve-\(UUID().uuidString)")
        var configuration = EngineConfiguration(indexDirectory: dir)
        if withModel {
            configuration.languageModel = TestModels.qwen.path
            configuration.embeddingModelDirectory = TestModels.miniLM
        } else {
            configuration.languageModel = dir.appendingPathComponent("absent.gguf").path
        }
        let engine = try Engine(configuration: configuration)
        var parameters = IngestParameters()
        parameters.embed = withModel
        _ = try engine.ingest([TestEnvironment.packageRoot.appendingPathComponent("corpora/veldmoor")], parameters: parameters)
        return engine
    }

    static func server(_ engine: Engine, apiKey: String? = nil, maxBody: Int = 1 << 20, queueLimit: Int = 8) -> RAGServer {
        RAGServer(engine: engine, configuration: ServerConfiguration(port: 0, apiKey: apiKey, maxBodyBytes: maxBody,
                                                                     queueLimit: queueLimit))
    }

    @Test func healthModelsAndSearch() async throws {
        try await LiveServer.run(Self.server(try Self.engine())) { client in
            let health = try await client.get("/healthz")
            #expect(health.status == 200)
            #expect(try health.json()["status"] as? String == "ok")
            #expect((try health.json()["chunks"] as? Int ?? 0) > 0)

            let models = try await client.get("/v1/models")
            let ids = (try models.json()["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
            #expect(ids == ["rag", "rag-none", "rag-single", "rag-notes", "rag-ircot"])

            let search = try await client.get("/v1/search?q=Copperhead%20Bridge&limit=3&retriever=bm25")
            #expect(search.status == 200)
            #expect(search.header("Content-Type") == "application/json")
            let results = try #require(try search.json()["results"] as? [[String: Any]])
            #expect((1...3).contains(results.count))
            #expect((results.first?["text"] as? String ?? "").contains("Copperhead") == true)
            #expect(results.first?["document"] is String && results.first?["chunk_id"] is Int)

            let missing = try await client.get("/v1/search?limit=3")
            #expect(missing.status == 400)
            #expect(try missing.errorType() == "invalid_request_error")
            #expect(try await client.get("/v1/search?q=x&limit=1000").status == 400)
            #expect(try await client.get("/v1/search?q=x&retriever=magic").status == 400)
            let nowhere = try await client.get("/nowhere")
            #expect(nowhere.status == 404)
            #expect(try nowhere.errorType() == "not_found_error")
        }
    }

    @Test func badRequestsGetOneClearJSONError() async throws {
        try await LiveServer.run(Self.server(try Self.engine(), maxBody: 256)) { client in
            let cases: [(String, Int, String)] = [
                ("{\"question\": ", 400, "malformed JSON"),
                ("{\"question\": 5}", 400, "expected String"),
                ("{}", 400, "missing field \"question\""),
                ("", 400, "empty"),
                ("{\"question\": \"   \"}", 400, "empty"),
                ("{\"question\": \"q\", \"strategy\": \"psychic\"}", 400, "unknown strategy"),
                ("{\"question\": \"q\", \"limit\": 0}", 400, "limit"),
                ("{\"question\": \"\(String(repeating: "x", count: 300))\"}", 413, "too large"),
            ]
            for (body, status, words) in cases {
                let r = try await client.post("/v1/ask", body)
                #expect(r.status == status, "\(body.prefix(40)): \(r.text)")
                #expect(r.header("Content-Type") == "application/json", "\(body.prefix(40))")
                #expect(r.errorMessage.contains(words), "\(body.prefix(40)) → \(r.errorMessage)")
            }
            let noUser = try await client.post("/v1/chat/completions", #"{"messages": [{"role": "system", "content": "hi"}]}"#)
            #expect(noUser.status == 400)
            #expect(noUser.errorMessage.contains("no user message"))
        }
        // A question longer than the limit (and within the body limit).
        let server = RAGServer(engine: try Self.engine(), configuration: ServerConfiguration(port: 0, maxQuestionCharacters: 10))
        try await LiveServer.run(server) { client in
            let r = try await client.post("/v1/ask", #"{"question": "a question of more than ten characters"}"#)
            #expect(r.status == 400)
            #expect(r.errorMessage.contains("at most 10"))
        }
    }

    @Test func aMissingLanguageModelIsAServiceError() async throws {
        try await LiveServer.run(Self.server(try Self.engine())) { client in
            let r = try await client.post("/v1/ask", #"{"question": "Which river flows through Veldmoor?", "retriever": "bm25"}"#)
            #expect(r.status == 503)
            #expect(try r.errorType() == "server_error")
            #expect(r.errorMessage.contains("absent.gguf"))
        }
    }

    @Test func theAPIKeyGuardsEveryRouteButHealth() async throws {
        try await LiveServer.run(Self.server(try Self.engine(), apiKey: "s3cret-key")) { client in
            #expect(try await client.get("/healthz").status == 200)
            for headers in [[:], ["Authorization": "Bearer wrong"], ["Authorization": "s3cret-key"],
                            ["Authorization": "Bearer s3cret-ke"], ["Authorization": "Bearer s3cret-key2"]] {
                let r = try await client.get("/v1/models", headers: headers)
                #expect(r.status == 401, "\(headers)")
                #expect(r.header("WWW-Authenticate") == "Bearer")
                #expect(try r.errorType() == "authentication_error")
                #expect(!r.text.contains("s3cret"))
            }
            #expect(try await client.get("/v1/models", headers: ["Authorization": "Bearer s3cret-key"]).status == 200)
        }
        #expect(BearerAuthMiddleware<BasicRequestContext>.constantTimeEqual(Array("abc".utf8), Array("abc".utf8)))
        #expect(!BearerAuthMiddleware<BasicRequestContext>.constantTimeEqual(Array("abc".utf8), Array("abcd".utf8)))
        #expect(!BearerAuthMiddleware<BasicRequestContext>.constantTimeEqual(Array("abd".utf8), Array("abc".utf8)))
    }

    @Test func aFullQueueGets429WithRetryAfter() async throws {
        let server = Self.server(try Self.engine(), queueLimit: 0)
        try await server.gate.acquire()  // the one slot is busy, and nobody may wait
        try await LiveServer.run(server) { client in
            for (path, body) in [("/v1/ask", #"{"question": "Which river?"}"#),
                                 ("/v1/ask", #"{"question": "Which river?", "stream": true}"#),
                                 ("/v1/chat/completions", #"{"model": "rag", "messages": [{"role": "user", "content": "Which river?"}]}"#)] {
                let r = try await client.post(path, body)
                #expect(r.status == 429, "\(path) \(body)")
                #expect(r.header("Retry-After") != nil)
                #expect(try r.errorType() == "rate_limit_error")
            }
            // Searches do not queue behind answers.
            #expect(try await client.get("/v1/search?q=river&retriever=bm25").status == 200)
        }
        await server.gate.release()
        #expect(await server.gate.load.running == 0)
    }
}
