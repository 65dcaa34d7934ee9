import Foundation
import Hummingbird
import NIOCore
import RAG

/// The index's documents over HTTP: list, add (uploaded bytes, or paths on the server under a
/// configured root) and remove.
extension RAGServer {
    /// `POST /v1/documents` as JSON: named texts, and paths on the server.
    struct AddDocumentsRequest: Decodable {
        struct Upload: Decodable { var name: String; var text: String }
        var documents: [Upload]?
        var paths: [String]?
    }

    struct DocumentList: Encodable { var documents: [IndexedSource] }

    struct Removed: Encodable {
        var removed: String
        var chunksRemoved: Int
        enum CodingKeys: String, CodingKey { case removed, chunksRemoved = "chunks_removed" }
    }

    func addDocumentRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/documents") { _, _ in try HTTPBodies.json(DocumentList(documents: try engine.sources())) }
        router.post("/v1/documents") { request, _ in try await addDocuments(request) }
        router.delete("/v1/documents/**") { request, _ in
            // The raw path after the prefix, so a name that starts with `/` (a file ingested by its
            // absolute path) survives, whether it is sent as one encoded segment or as several.
            let raw = request.uri.path.dropFirst("/v1/documents/".count)
            return try await removeDocument(raw.removingPercentEncoding ?? String(raw))
        }
    }

    /// `POST /v1/documents?name=NAME` with the document's bytes as the body, or a JSON body
    /// `{"documents": [{"name", "text"}], "paths": ["..."]}`. Answers with the ingest report.
    func addDocuments(_ request: Request) async throws -> Response {
        let limit = configuration.maxBodyBytes
        var named: [NamedDocument] = []
        var paths: [URL] = []
        if let name = request.uri.queryParameters.get("name") {
            try checkDocumentName(name)
            let buffer = try await request.body.collect(upTo: limit)
            guard buffer.readableBytes > 0 else { throw APIError.badRequest("the request body is empty: send the document's bytes") }
            named.append(NamedDocument(name: name, data: Data(buffer.readableBytesView)))
        } else {
            let body = try await HTTPBodies.decode(AddDocumentsRequest.self, from: request, limit: limit)
            for upload in body.documents ?? [] {
                try checkDocumentName(upload.name)
                named.append(NamedDocument(name: upload.name, data: Data(upload.text.utf8)))
            }
            paths = try (body.paths ?? []).map(allowedPath)
        }
        guard !named.isEmpty || !paths.isEmpty else {
            throw APIError.badRequest("nothing to add: POST /v1/documents?name=NAME with the bytes, or JSON {\"documents\":[{\"name\",\"text\"}]} or {\"paths\":[...]}")
        }
        guard Set(named.map(\.name)).count == named.count else { throw APIError.badRequest("document names must be unique") }
        let engine = engine
        // Chunking and embedding take seconds: off the event loop.
        let report = try await Task.detached { () throws -> IngestReport in
            // Documents are embedded like the index's others: an index made without vectors stays so.
            let stats = try engine.statistics()
            var parameters = IngestParameters()
            parameters.embed = stats.embeddingModel != nil || stats.chunks == 0
            var report = named.isEmpty ? IngestReport() : try engine.ingest(named, parameters: parameters)
            if !paths.isEmpty { report.add(try engine.ingest(paths, parameters: parameters)) }
            return report
        }.value
        return try HTTPBodies.json(report)
    }

    /// `DELETE /v1/documents/{name}` (the name percent-encoded, as `GET /v1/documents` lists it).
    func removeDocument(_ name: String) async throws -> Response {
        guard !name.isEmpty else { throw APIError.badRequest("DELETE /v1/documents/NAME: the name is missing") }
        let engine = engine
        guard let summary = try await Task.detached(operation: { try engine.remove(source: name) }).value else {
            throw APIError(.notFound, "no document named '\(name)' in the index (GET /v1/documents lists them)",
                           type: "not_found_error")
        }
        return try HTTPBodies.json(Removed(removed: name, chunksRemoved: summary.chunksRemoved))
    }

    func checkDocumentName(_ name: String) throws {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 1024,
              !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError.badRequest("a document name must be 1 to 1024 printable characters")
        }
    }

    /// A path the client asked to index, accepted only inside a `--documents-root` folder (after
    /// resolving `..` and symbolic links), so a client cannot make the server read what it likes.
    func allowedPath(_ path: String) throws -> URL {
        guard !configuration.documentRoots.isEmpty else {
            throw APIError(.forbidden, "this server does not index paths on its machine (start it with --documents-root DIR); upload the bytes instead",
                           type: "permission_error")
        }
        let resolved = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        for root in configuration.documentRoots {
            let base = root.standardizedFileURL.resolvingSymlinksInPath().path
            if resolved == base || resolved.hasPrefix(base.hasSuffix("/") ? base : base + "/") {
                return URL(fileURLWithPath: resolved)
            }
        }
        throw APIError(.forbidden, "'\(path)' is outside the server's document roots", type: "permission_error")
    }
}
