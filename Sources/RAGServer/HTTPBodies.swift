import Foundation
import Hummingbird
import NIOCore

/// JSON in and out, and server-sent events, for the routes.
enum HTTPBodies {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .iso8601
        return e
    }()

    /// The request's JSON body as `T`, read up to `limit` bytes (413 beyond, 400 when malformed).
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        let buffer = try await request.body.collect(upTo: limit)
        guard buffer.readableBytes > 0 else { throw APIError.badRequest("the request body is empty: send a JSON object") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw APIError.badRequest("malformed JSON: \(APIError.describe(error))")
        }
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A `text/event-stream` response whose events `write` produces.
    static func eventStream(_ write: @escaping @Sendable (inout any ResponseBodyWriter) async throws -> Void) -> Response {
        Response(status: .ok,
                 headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                 body: ResponseBody { writer in
                     try await write(&writer)
                     try await writer.finish(nil)
                 })
    }

    /// One server-sent event: `event: NAME` (when named) and `data: JSON`.
    static func event<T: Encodable>(_ value: T, name: String? = nil) throws -> ByteBuffer {
        let data = try encoder.encode(value)
        var text = name.map { "event: \($0)\n" } ?? ""
        text += "data: " + String(decoding: data, as: UTF8.self) + "\n\n"
        return ByteBuffer(string: text)
    }

    /// The stream's last event.
    static let done = ByteBuffer(string: "data: [DONE]\n\n")
}

/// Runs `body`, or throws 504 when it takes longer than `limit` (the body is cancelled).
func withTimeout<T: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw APIError(.gatewayTimeout, "the answer took longer than \(limit)", type: "timeout_error")
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
