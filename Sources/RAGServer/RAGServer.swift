import Foundation
import Hummingbird
import Logging
import NIOCore
import RAG
import Strategies

/// rag over HTTP: one warm ``Engine`` behind Hummingbird.
///
/// Routes: `GET /` (a page for asking, in the browser); `GET /healthz`; `GET /v1/search?q=&limit=&retriever=`; `POST /v1/ask`
/// (`{"question","strategy"?,"limit"?,"retriever"?,"stream"?}`: the `rag ask --json` object, or
/// server-sent `token`, `step` and `answer` events then `[DONE]`); OpenAI-compatible
/// `POST /v1/chat/completions` (stream or not) and `GET /v1/models`; `GET`/`POST /v1/documents`
/// and `DELETE /v1/documents/{name}`; `GET /metrics` (Prometheus text). Errors are JSON in OpenAI's
/// shape. Answers go through a ``GenerationGate``: beyond its queue a request gets 429.
///
/// ```swift
/// let server = RAGServer(engine: try Engine(configuration: .init(indexDirectory: url)),
///                        configuration: ServerConfiguration(port: 8080))
/// try await server.run()   // until SIGTERM or SIGINT; in-flight requests finish first
/// ```
public struct RAGServer: Sendable {
    public let engine: Engine
    public let configuration: ServerConfiguration
    public let gate: GenerationGate
    /// What `GET /metrics` reports.
    public let metrics = ServerMetrics()
    /// Where searches run (see ``BlockingWork``), shared by the servers of a process: as many at
    /// once as a full embedding batch.
    static let searches = BlockingWork(threads: 64)

    public init(engine: Engine, configuration: ServerConfiguration = ServerConfiguration()) {
        self.engine = engine
        self.configuration = configuration
        self.gate = GenerationGate(slots: configuration.generationSlots, queueLimit: configuration.queueLimit)
    }

    /// The application: bind address, routes, access log. `onRunning` gets the bound port.
    public func application(logger: Logger = Logger(label: "rag.serve"),
                            onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        Application(router: router(),
                    configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "rag"),
                    onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
                    logger: logger)
    }

    /// Serves until SIGTERM or SIGINT, then stops accepting and lets in-flight requests finish.
    public func run(logger: Logger = Logger(label: "rag.serve"),
                    onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await application(logger: logger, onRunning: onRunning).runService()
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: LogRequestsMiddleware(.info))
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: APIErrorMiddleware())
        if let key = configuration.apiKey { router.add(middleware: BearerAuthMiddleware(key: key)) }
        router.get("/healthz") { _, _ in try await health() }
        router.get("/metrics") { _, _ in await metricsText() }
        router.get("/v1/models") { _, _ in try models() }
        router.get("/v1/search") { request, _ in
            // BM25 takes well under a millisecond: hopping threads would cost more than it frees.
            if request.uri.queryParameters.get("retriever") == RetrieverKind.bm25.rawValue { return try search(request) }
            return try await Self.searches.run { try search(request) }
        }
        router.post("/v1/ask") { request, _ in try await ask(request) }
        router.post("/v1/chat/completions") { request, _ in try await chatCompletion(request) }
        addDocumentRoutes(to: router)
        addPageRoutes(to: router)
        return router
    }

    // MARK: routes

    func health() async throws -> Response {
        let stats = try engine.statistics()
        let load = await gate.load
        return try HTTPBodies.json(Health(
            status: "ok", documents: stats.documents, chunks: stats.chunks, embeddingModel: stats.embeddingModel,
            generation: .init(running: load.running, waiting: load.waiting, slots: gate.slots, queueLimit: gate.queueLimit)))
    }

    func metricsText() async -> Response {
        let load = await gate.load
        let chunks = try? engine.statistics().chunks
        let text = metrics.exposition(running: load.running, waiting: load.waiting, chunks: chunks)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: text)))
    }

    func models() throws -> Response {
        struct Model: Encodable { var id: String; var object = "model"; var created = 0; var owned_by = "rag" }
        struct List: Encodable { var object = "list"; var data: [Model] }
        return try HTTPBodies.json(List(data: ChatCompletions.modelNames(base: configuration.modelName).map { Model(id: $0) }))
    }

    func search(_ request: Request) throws -> Response {
        let query = request.uri.queryParameters
        guard let q = query.get("q"), !q.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw APIError.badRequest("missing query: GET /v1/search?q=WORDS&limit=10&retriever=hybrid")
        }
        try checkLength(q, what: "query")
        let limit = try query.get("limit").map { text -> Int in
            guard let n = Int(text), (1...100).contains(n) else { throw APIError.badRequest("limit must be 1 to 100") }
            return n
        } ?? 10
        let kind = try retriever(query.get("retriever"))
        return try HTTPBodies.json(SearchResponse(query: q, retriever: kind.rawValue,
                                                  results: try engine.search(q, limit: limit, retriever: kind)))
    }

    func ask(_ request: Request) async throws -> Response {
        let body = try await HTTPBodies.decode(AskRequest.self, from: request, limit: configuration.maxBodyBytes)
        try checkLength(body.question, what: "question")
        guard !body.question.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError.badRequest("the question is empty")
        }
        var parameters = AskParameters(strategy: try strategy(body.strategy), retriever: try retriever(body.retriever))
        if let limit = body.limit {
            guard (1...50).contains(limit) else { throw APIError.badRequest("limit must be 1 to 50") }
            parameters.limit = limit
        }
        let question = body.question
        guard body.stream == true else {
            let answer = try await answerHoldingSlot(question, parameters)
            return try HTTPBodies.json(AnswerSummary(answer))
        }
        return try await streamAnswer(question, parameters, errorEvent: "error") { event in
            switch event {
            case .step(.answerText(let text)):
                return try HTTPBodies.event(TokenEvent(text: text), name: "token")
            case .step(let step):
                return try StepEvent(step).map { try HTTPBodies.event($0, name: "step") }
            case .answer(let answer):
                return try HTTPBodies.event(AnswerSummary(answer), name: "answer")
            }
        }
    }

    func chatCompletion(_ request: Request) async throws -> Response {
        let body = try await HTTPBodies.decode(ChatCompletions.Request.self, from: request, limit: configuration.maxBodyBytes)
        let question = try ChatCompletions.question(in: body.messages)
        try checkLength(question, what: "question")
        let parameters = AskParameters(strategy: ChatCompletions.strategy(forModel: body.model, base: configuration.modelName))
        let model = body.model ?? configuration.modelName
        let id = "chatcmpl-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let created = Int(Date().timeIntervalSince1970)
        guard body.stream == true else {
            let answer = try await answerHoldingSlot(question, parameters)
            return try HTTPBodies.json(ChatCompletions.completion(answer, id: id, model: model, created: created))
        }
        typealias Chunk = ChatCompletions.Chunk
        let chunk = { @Sendable (delta: Chunk.Delta, finish: String?, citations: [Citation]?) throws -> ByteBuffer in
            try HTTPBodies.event(Chunk(id: id, created: created, model: model,
                                       choices: [.init(delta: delta, finishReason: finish)], citations: citations))
        }
        return try await streamAnswer(question, parameters, first: chunk(.init(role: "assistant", content: ""), nil, nil)) { event in
            switch event {
            case .step(.answerText(let text)): return try chunk(.init(content: text), nil, nil)
            case .answer(let answer): return try chunk(.init(), "stop", answer.citations)
            case .step: return nil
            }
        }
    }

    // MARK: helpers

    /// Server-sent events of one answer, generated holding a gate slot (taken before the response
    /// starts, so a full queue is still a 429): `first`, then each event `render` turns into bytes,
    /// then `[DONE]`; an error mid-stream ends it with an error event (named `errorEvent` when given).
    func streamAnswer(_ question: String, _ parameters: AskParameters, first: ByteBuffer? = nil, errorEvent: String? = nil,
                      render: @escaping @Sendable (AnswerEvent) throws -> ByteBuffer?) async throws -> Response {
        try await gate.acquire()
        let engine = engine, gate = gate, metrics = metrics
        return HTTPBodies.eventStream { writer in
            do {
                if let first { try await writer.write(first) }
                for try await event in engine.answerStream(question, parameters: parameters) {
                    if case .answer(let answer) = event { metrics.answered(answer) }
                    if let buffer = try render(event) { try await writer.write(buffer) }
                }
                try await writer.write(HTTPBodies.done)
            } catch {
                let e = APIError.from(error)
                try? await writer.write(HTTPBodies.event(APIError.Body(error: .init(message: e.message, type: e.type)), name: errorEvent))
            }
            await gate.release()
        }
    }

    /// An answer generated in turn (the gate) and within the request timeout.
    func answerHoldingSlot(_ question: String, _ parameters: AskParameters) async throws -> Answer {
        let engine = engine, timeout = configuration.requestTimeout
        let answer = try await gate.withSlot {
            try await withTimeout(timeout) { try await engine.ask(question, parameters: parameters) }
        }
        metrics.answered(answer)
        return answer
    }

    func checkLength(_ text: String, what: String) throws {
        if text.count > configuration.maxQuestionCharacters {
            throw APIError.badRequest("the \(what) is \(text.count) characters: at most \(configuration.maxQuestionCharacters)")
        }
    }

    func strategy(_ name: String?) throws -> StrategyChoice {
        guard let name else { return .auto }
        guard let choice = StrategyChoice(rawValue: name) else {
            throw APIError.badRequest("unknown strategy \"\(name)\": use \(StrategyChoice.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return choice
    }

    func retriever(_ name: String?) throws -> RetrieverKind {
        guard let name else { return .hybrid }
        guard let kind = RetrieverKind(rawValue: name) else {
            throw APIError.badRequest("unknown retriever \"\(name)\": use bm25, dense or hybrid")
        }
        return kind
    }
}
