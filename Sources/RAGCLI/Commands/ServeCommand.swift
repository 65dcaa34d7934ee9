import ArgumentParser
import Foundation
import Logging
import RAG
import RAGServer

/// `rag serve`: the index over HTTP, with OpenAI-compatible chat completions.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the index over HTTP: ask, search and OpenAI-compatible chat completions.",
        discussion: """
            Routes: GET /healthz · GET /v1/search?q=&limit=&retriever= · POST /v1/ask \
            {"question","strategy"?,"limit"?,"retriever"?,"stream"?} (the `rag ask --json` object, or \
            server-sent token/step/answer events then [DONE]) · POST /v1/chat/completions and \
            GET /v1/models (OpenAI's format; model "rag" routes by itself, "rag-single", "rag-notes", … \
            force a strategy; citations in an extra "citations" field) · GET /v1/documents · POST \
            /v1/documents?name=NAME with the document's bytes, or JSON {"documents":[{"name","text"}]} \
            or {"paths":[...]} (paths only under a --documents-root) · DELETE /v1/documents/NAME · \
            GET /metrics (Prometheus text).
            Answers are generated --slots at a time (default 1), each on its own model session (a KV \
            cache, about 100 MB for the default model at 4096 tokens) over one copy of the weights; up \
            to --queue more wait in order and the next gets 429 with Retry-After. SIGTERM or SIGINT stops accepting and lets in-flight \
            requests finish. Binds to 127.0.0.1 unless --host says otherwise; with --api-key (or \
            $RAG_API_KEY) every route but /healthz needs `Authorization: Bearer KEY`.

            Examples:
              rag serve --index indexes/default
              curl -s localhost:8080/v1/ask -d '{"question":"What is WAL mode?"}' | jq -r .answer
              curl -sN localhost:8080/v1/chat/completions -d '{"model":"rag","stream":true,"messages":[{"role":"user","content":"What is WAL mode?"}]}'
            """
    )

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var modelOptions: ModelOptions

    @Option(name: .long, help: ArgumentHelp("Address to bind (default 127.0.0.1: this machine only).", valueName: "addr"))
    var host = "127.0.0.1"

    @Option(name: .long, help: ArgumentHelp("Port (0 picks a free one; the bound port is printed).", valueName: "n"))
    var port = 8080

    @Option(name: .long, help: ArgumentHelp("Require `Authorization: Bearer KEY` (default: $RAG_API_KEY).", valueName: "key"))
    var apiKey: String?

    @Option(name: .long, help: ArgumentHelp("Answers generated at once, each on its own model session (one copy of the weights).", valueName: "n"))
    var slots = 1

    @Option(name: .long, help: ArgumentHelp("Asks that may wait for a slot before 429.", valueName: "n"))
    var queue = 8

    @Option(name: .long, help: ArgumentHelp("Seconds one request may take before 504.", valueName: "s"))
    var timeout = 300

    @Option(name: .long, help: ArgumentHelp("Largest request body in bytes (413 beyond).", valueName: "bytes"))
    var maxBody = 1 << 20

    @Option(name: .long, help: ArgumentHelp("A folder under which clients may have files indexed by path (repeatable; default: none, uploads only).", valueName: "dir"))
    var documentsRoot: [String] = []

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
        guard slots >= 1, queue >= 0, timeout >= 1, maxBody >= 1024 else {
            throw ValidationError("--slots ≥ 1, --queue ≥ 0, --timeout ≥ 1 and --max-body ≥ 1024")
        }
    }

    func run() async throws {
        var configuration = indexOptions.configuration
        modelOptions.apply(to: &configuration)
        configuration.languageModelSessions = slots   // one session (KV cache) per slot, one copy of the weights
        let engine = try Engine(configuration: configuration, createIfMissing: false)
        // Load the models now: a missing one is reported at start, and the first request is not slow.
        if configuration.servedModel == nil { _ = try engine.languageModel() }
        if try engine.statistics().embeddingModel != nil { _ = try engine.embedder() }
        let key = apiKey ?? ProcessInfo.processInfo.environment["RAG_API_KEY"]
        let server = RAGServer(engine: engine, configuration: ServerConfiguration(
            host: host, port: port, apiKey: key, maxBodyBytes: maxBody, requestTimeout: .seconds(timeout),
            generationSlots: slots, queueLimit: queue,
            documentRoots: documentsRoot.map { URL(fileURLWithPath: $0) }))
        var logger = Logger(label: "rag.serve")
        logger.logLevel = .info
        let host = self.host, index = engine.indexLocation
        try await server.run(logger: logger) { port in
            Terminal.error("rag serve: listening on http://\(host):\(port) (index \(index))")
        }
    }
}
