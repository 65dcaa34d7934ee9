import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import RAGServer
import ServiceLifecycle
import Testing

/// Runs a ``RAGServer`` on a free loopback port for the length of `body`, then shuts it down.
enum LiveServer {
    static func run<T: Sendable>(_ server: RAGServer, _ body: @Sendable (LiveClient) async throws -> T) async throws -> T {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "rag.serve.test")
        logger.logLevel = .warning
        let app = server.application(logger: logger, onRunning: { port in
            continuation.yield(port)
            continuation.finish()
        })
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            _ = await task.result
            throw LiveClient.Failure("the server did not start")
        }
        do {
            let value = try await body(LiveClient(port: port))
            await group.triggerGracefulShutdown()
            try await task.value
            return value
        } catch {
            await group.triggerGracefulShutdown()
            _ = await task.result
            throw error
        }
    }
}

/// HTTP to the live server with URLSession.
struct LiveClient: Sendable {
    let port: Int

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    struct Response: Sendable {
        var status: Int
        var headers: [String: String]
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }

        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                throw Failure("not a JSON object: \(text.prefix(200))")
            }
            return object
        }

        /// The error body's `error.type`, checking OpenAI's shape `{"error":{"message","type"}}`.
        func errorType() throws -> String? {
            let error = try json()["error"] as? [String: Any]
            #expect(error?["message"] is String, "\(text)")
            return error?["type"] as? String
        }

        var errorMessage: String { ((try? json())?["error"] as? [String: Any])?["message"] as? String ?? "" }

        func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }

        /// Server-sent events: (event name or nil, data) pairs.
        var events: [(String?, String)] {
            text.components(separatedBy: "\n\n").compactMap { block in
                var name: String?, data: String?
                for line in block.split(separator: "\n") {
                    if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                    if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
                }
                return data.map { (name, $0) }
            }
        }
    }

    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 180
        configuration.httpMaximumConnectionsPerHost = 32
        return URLSession(configuration: configuration)
    }()

    func get(_ path: String, headers: [String: String] = [:]) async throws -> Response {
        try await send("GET", path, body: nil, headers: headers)
    }

    func post(_ path: String, _ body: String, headers: [String: String] = ["Content-Type": "application/json"]) async throws -> Response {
        try await send("POST", path, body: Data(body.utf8), headers: headers)
    }

    func send(_ method: String, _ path: String, body: Data?, headers: [String: String]) async throws -> Response {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.httpBody = body
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        let (data, response) = try await Self.session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw Failure("not an HTTP response") }
        var fields: [String: String] = [:]
        for (k, v) in http.allHeaderFields { fields["\(k)"] = "\(v)" }
        return Response(status: http.statusCode, headers: fields, body: data)
    }
}
