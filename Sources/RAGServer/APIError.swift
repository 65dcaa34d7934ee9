import Foundation
import LanguageModels
import Hummingbird
import NIOCore
import RAG
import Store

/// An error as the API reports it: a status and OpenAI's body shape, `{"error":{"message","type"}}`.
public struct APIError: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var message: String
    /// OpenAI's error types: `invalid_request_error`, `authentication_error`, `rate_limit_error`,
    /// `not_found_error`, `server_error`, `timeout_error`.
    public var type: String
    /// Extra headers (`Retry-After` on 429, `WWW-Authenticate` on 401).
    public var headers: HTTPFields

    public init(_ status: HTTPResponse.Status, _ message: String, type: String = "invalid_request_error",
                headers: HTTPFields = [:]) {
        self.status = status
        self.message = message
        self.type = type
        self.headers = headers
    }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, message) }

    struct Body: Codable {
        struct Detail: Codable { var message: String; var type: String }
        var error: Detail
    }

    func response() -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        let data = (try? JSONEncoder().encode(Body(error: .init(message: message, type: type)))) ?? Data()
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The API's view of any error a handler throws.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case is NIOTooManyBytesError:
            return APIError(.contentTooLarge, "request body too large")
        case let error as DecodingError:
            return APIError(.badRequest, "malformed JSON: \(Self.describe(error))")
        case let error as RAGError:
            switch error {
            case .emptyQuestion:
                return APIError(.badRequest, "the question is empty")
            case .indexEmpty, .indexMissing, .noVectors:
                return APIError(.conflict, error.description)
            case .languageModelMissing, .embeddingModelMissing, .embeddingModelMismatch:
                return APIError(.serviceUnavailable, error.description, type: "server_error")
            case .nothingToIngest, .nothingReadable, .routerInput, .unsupportedBackend, .copyTarget:
                return APIError(.badRequest, error.description)
            }
        case let error as HTTPError:
            return APIError(error.status, error.body ?? error.status.reasonPhrase,
                            type: error.status == .notFound ? "not_found_error" : "invalid_request_error")
        case let error as RemoteModelError:
            // The served model behind this server failed: a bad gateway, not the client's fault.
            return APIError(.badGateway, error.description, type: "server_error")
        case is GenerationGate.Full:
            return APIError(.tooManyRequests, "too many questions waiting: retry shortly", type: "rate_limit_error",
                            headers: [.retryAfter: "2"])
        case is CancellationError:
            return APIError(.serviceUnavailable, "the request was cancelled", type: "server_error")
        default:
            return APIError(.internalServerError, String(describing: error), type: "server_error")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ c: DecodingError.Context) -> String {
            let p = c.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return p.isEmpty ? "" : " at \(p)"
        }
        switch error {
        case .typeMismatch(let type, let c): return "expected \(type)\(path(c))"
        case .valueNotFound(let type, let c): return "missing \(type)\(path(c))"
        case .keyNotFound(let key, _): return "missing field \"\(key.stringValue)\""
        case .dataCorrupted(let c): return c.debugDescription + path(c)
        @unknown default: return "\(error)"
        }
    }
}

/// Turns every error a route throws into an ``APIError`` response, so clients always get JSON.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let apiError = APIError.from(error)
            if apiError.status.code >= 500 {
                context.logger.error("\(request.method) \(request.uri.path): \(apiError.message)")
            }
            return apiError.response()
        }
    }
}

/// `Authorization: Bearer KEY` on every route but `/healthz`. The key is compared in constant
/// time and never logged.
struct BearerAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let key: [UInt8]

    init(key: String) { self.key = Array(key.utf8) }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The health check, and the page (it asks for the key and sends it with each request).
        if request.uri.path == "/healthz" || (request.uri.path == "/" && request.method == .get) {
            return try await next(request, context)
        }
        let header = request.headers[.authorization] ?? ""
        let prefix = "Bearer "
        guard header.hasPrefix(prefix), Self.constantTimeEqual(Array(header.utf8.dropFirst(prefix.utf8.count)), key) else {
            throw APIError(.unauthorized, "missing or wrong API key: send Authorization: Bearer KEY",
                           type: "authentication_error", headers: [.wwwAuthenticate: "Bearer"])
        }
        return try await next(request, context)
    }

    /// Equal bytes, in time that depends only on the lengths.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        let n = max(a.count, b.count)
        for i in 0..<n {
            let x = i < a.count ? a[i] : 0, y = i < b.count ? b[i] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
