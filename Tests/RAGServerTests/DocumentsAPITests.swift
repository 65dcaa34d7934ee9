import Foundation
import Testing
import RAG
@testable import RAGServer
import TestSupport

/// Adding, listing and removing documents through the API, and what `/metrics` reports.
@Suite struct DocumentsAPITests {
    static func bm25Hits(_ client: LiveClient, _ words: String) async throws -> [String] {
        let query = words.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? words
        let search = try await client.get("/v1/search?q=\(query)&retriever=bm25&limit=5")
        #expect(search.status == 200, "\(search.text)")
        return (try search.json()["results"] as? [[String: Any]] ?? []).compactMap { $0["document"] as? String }
    }

    @Test func uploadsAreSearchableAndRemovable() async throws {
        try await LiveServer.run(ServerTests.server(try ServerTests.engine())) { client in
            let before = try await client.get("/v1/documents")
            #expect(before.status == 200)
            let listed = try #require(try before.json()["documents"] as? [[String: Any]])
            #expect(!listed.isEmpty && listed.allSatisfy { $0["name"] is String && $0["type"] is String })

            let markdown = "# Harbour\n\nThe harbour master of Quillmere is Odalys Brenn, who keeps the tide tables."
            let added = try await client.post("/v1/documents?name=notes/harbour.md", markdown, headers: ["Content-Type": "text/markdown"])
            #expect(added.status == 200, "\(added.text)")
            #expect(try added.json()["files_indexed"] as? Int == 1)
            #expect((try added.json()["chunks_added"] as? Int ?? 0) >= 1)
            #expect(try await Self.bm25Hits(client, "Odalys Brenn") == ["notes/harbour.md"])
            // The same bytes again change nothing.
            let again = try await client.post("/v1/documents?name=notes/harbour.md", markdown, headers: ["Content-Type": "text/markdown"])
            #expect(try again.json()["files_unchanged"] as? Int == 1, "\(again.text)")

            let json = try await client.post("/v1/documents", #"{"documents": [{"name": "lamp.txt", "text": "The Zephyrine lantern burns whale oil."}]}"#)
            #expect(json.status == 200, "\(json.text)")
            #expect(try await Self.bm25Hits(client, "Zephyrine lantern").first == "lamp.txt")

            let removed = try await client.send("DELETE", "/v1/documents/notes%2Fharbour.md", body: nil, headers: [:])
            #expect(removed.status == 200, "\(removed.text)")
            #expect(try removed.json()["removed"] as? String == "notes/harbour.md")
            #expect((try removed.json()["chunks_removed"] as? Int ?? 0) >= 1)
            #expect(try await Self.bm25Hits(client, "Odalys Brenn").isEmpty)
            let gone = try await client.send("DELETE", "/v1/documents/notes%2Fharbour.md", body: nil, headers: [:])
            #expect(gone.status == 404)
            #expect(try gone.errorType() == "not_found_error")

            // Bad requests: one clear error each.
            #expect(try await client.post("/v1/documents?name=empty.txt", "", headers: [:]).status == 400)
            #expect(try await client.post("/v1/documents", "{}").status == 400)
            #expect(try await client.post("/v1/documents", #"{"documents": [{"name": "a"}]}"#).status == 400)
            let blank = try await client.post("/v1/documents?name=blank.txt", "   \n  ", headers: [:])
            #expect(blank.status == 400, "\(blank.text)")
            // Without a document root, paths on the server are refused.
            let paths = try await client.post("/v1/documents", #"{"paths": ["/etc/hostname"]}"#)
            #expect(paths.status == 403, "\(paths.text)")
            #expect(try paths.errorType() == "permission_error")
        }
    }

    @Test func pathsAreIndexedOnlyUnderADocumentRoot() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rag-roots-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("ferry.md")
        try "# Ferry\n\nThe Morrowgate ferry sails at dawn.".write(to: file, atomically: true, encoding: .utf8)
        let server = RAGServer(engine: try ServerTests.engine(),
                               configuration: ServerConfiguration(port: 0, documentRoots: [root]))
        try await LiveServer.run(server) { client in
            let inside = try await client.post("/v1/documents", #"{"paths": ["\#(file.path)"]}"#)
            #expect(inside.status == 200, "\(inside.text)")
            #expect(try inside.json()["files_indexed"] as? Int == 1)
            #expect(try await DocumentsAPITests.bm25Hits(client, "Morrowgate ferry").first?.hasSuffix("ferry.md") == true)
            let outside = try await client.post("/v1/documents", #"{"paths": ["/etc/hostname"]}"#)
            #expect(outside.status == 403)
            let climbing = try await client.post("/v1/documents", #"{"paths": ["\#(root.path)/../../etc/hostname"]}"#)
            #expect(climbing.status == 403, "\(climbing.text)")
        }
    }

    @Test func metricsCountRequestsByRoute() async throws {
        try await LiveServer.run(ServerTests.server(try ServerTests.engine())) { client in
            for _ in 0..<3 { _ = try await client.get("/v1/search?q=river&retriever=bm25") }
            _ = try await client.get("/v1/search")
            let metrics = try await client.get("/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.header("Content-Type")?.hasPrefix("text/plain") == true)
            let text = metrics.text
            #expect(text.contains(#"rag_http_requests_total{route="/v1/search",method="GET",status="200"} 3"#), "\(text)")
            #expect(text.contains(#"rag_http_requests_total{route="/v1/search",method="GET",status="400"} 1"#), "\(text)")
            #expect(text.contains("rag_http_request_duration_seconds_bucket{"), "\(text)")
            #expect(text.contains("rag_generation_waiting 0"), "\(text)")
            #expect(text.range(of: #"rag_index_chunks [1-9]"#, options: .regularExpression) != nil, "\(text)")
        }
    }
}
