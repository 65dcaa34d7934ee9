import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PostgresStore
import TestSupport
import Testing

/// The commands on a `postgres://` index, against the server scripts/test.sh starts
/// (`$RAG_TEST_POSTGRES_URL`); without one the suite is skipped, under CI=true it fails.
@Suite(.serialized, .enabled(if: PostgresServer.url != nil || TestEnvironment.isCI, "no PostgreSQL server: run scripts/test.sh"))
struct PostgresCLITests {
    @Test(.requires(TestModels.miniLMWeights))
    func ingestSearchMigrateAndServeOnPostgres() async throws {
        let database = try PostgresServer.freshDatabase()
        defer { database.drop() }
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sqlite = dir.appendingPathComponent("sqlite").path

        let ingested = try CLIHarness.run(["ingest", "corpora/veldmoor", "--index", database.url, "--json"]).json()
        #expect(ingested["files_indexed"] as? Int == 9)
        #expect(try CLIHarness.run(["ingest", "corpora/veldmoor", "--index", sqlite, "-q"]).status == 0)
        let again = try CLIHarness.run(["ingest", "corpora/veldmoor", "--index", database.url, "--json"]).json()
        #expect(again["files_unchanged"] as? Int == 9)

        let stats = try CLIHarness.run(["stats", "--index", database.url, "--check", "--json"]).json()
        #expect(stats["backend"] as? String == "postgresql")
        #expect(stats["lexical_ranking"] as? String == "bm25 (pg_textsearch)")
        #expect(stats["chunks"] as? Int == ingested["chunks_added"] as? Int)
        #expect(stats["integrity"] as? String == "ok")
        #expect(try CLIHarness.run(["stats", "--index", sqlite, "--json"]).json()["backend"] as? String == "sqlite")

        // Each retriever ranks the same passage first on both backends.
        for retriever in ["bm25", "dense", "hybrid"] {
            for query in ["Who designed the Lumen 7 barometer?", "river through Veldmoor"] {
                let onPostgres = try firstTitle(query, retriever, database.url)
                #expect(onPostgres != nil)
                #expect(onPostgres == (try firstTitle(query, retriever, sqlite)), "\(retriever): \(query)")
            }
        }

        // Back to SQLite and into a second database: the same content, without re-embedding.
        let copy = dir.appendingPathComponent("copy").path
        let back = try CLIHarness.run(["migrate", "--from", database.url, "--to", copy, "--json"]).json()
        #expect(back["chunks"] as? Int == stats["chunks"] as? Int && back["vectors"] as? Int == stats["chunks"] as? Int)
        let second = try PostgresServer.freshDatabase()
        defer { second.drop() }
        let forth = try CLIHarness.run(["migrate", "--from", copy, "--to", second.url, "--json"]).json()
        #expect(forth["digest"] as? String == back["digest"] as? String)
        #expect(forth["links"] as? Int == back["links"] as? Int)
        let refused = try CLIHarness.run(["migrate", "--from", copy, "--to", second.url])
        #expect(refused.status == 1 && refused.stderr.contains("already holds"), "\(refused.stderr)")
        #expect(try firstTitle("Who designed the Lumen 7 barometer?", "hybrid", second.url)
                == (try firstTitle("Who designed the Lumen 7 barometer?", "hybrid", sqlite)))

        // Remove, then a server on the same database answers searches.
        let removed = try CLIHarness.run(["remove", "\(TestEnvironment.packageRoot.path)/corpora/veldmoor/rivers.txt", "--index", database.url, "--json"])
        #expect(removed.status == 0, "\(removed.stderr)")
        let (server, port) = try await ServeCLITests.startServer(["--index", database.url])
        defer { if server.isRunning { server.terminate() } }
        let query = "Who designed the Lumen 7 barometer?".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""
        let (data, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/v1/search?q=\(query)&limit=3")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let results = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["results"] as? [[String: Any]] ?? []
        #expect(results.first?["title"] as? String == (try firstTitle("Who designed the Lumen 7 barometer?", "hybrid", sqlite)))
    }

    /// Asking and evaluating read the same passages from PostgreSQL as from SQLite.
    @Test(.requires(TestModels.miniLMWeights, TestModels.qwen))
    func askAndEvalOnPostgres() throws {
        let database = try PostgresServer.freshDatabase()
        defer { database.drop() }
        #expect(try CLIHarness.run(["ingest", "corpora/veldmoor", "--index", database.url, "-q"]).status == 0)
        let asked = try CLIHarness.run(["ask", "In what year was the designer of the Lumen 7 barometer born?", "--index", database.url,
                                        "--strategy", "notes", "--json"])
        #expect(asked.status == 0, "\(asked.stderr)")
        let answer = try asked.json()
        #expect((answer["answer"] as? String ?? "").contains("1901"), "\(answer)")
        let cited = (answer["citations"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
        #expect(cited.contains("People of Kettlewick"), "\(cited)")

        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let questions = dir.appendingPathComponent("mine.jsonl")
        try #"{"question":"Which river joins the Orle at Tamsford?","answers":["River Sallow","Sallow"]}"#
            .write(to: questions, atomically: true, encoding: .utf8)
        let evaluated = try CLIHarness.run(["eval", questions.path, "--index", database.url, "--strategy", "single", "--json", "-q"])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let overall = try evaluated.json()["overall"] as? [String: [String: Any]] ?? [:]
        #expect(overall["single"]?["n"] as? Int == 1)
        #expect((overall["single"]?["acc"] as? Double ?? 0) == 100, "\(overall)")
    }

    @Test func errorsNameTheServerButNeverThePassword() throws {
        let url = try #require(PostgresServer.url)
        var parts = try #require(URLComponents(string: url))
        parts.password = "s3cret-word"
        parts.path = "/rag_no_such_database"
        let result = try CLIHarness.run(["stats", "--index", try #require(parts.string)])
        #expect(result.status == 1)
        #expect(result.stderr.contains("rag_no_such_database") && result.stderr.contains("does not exist"), "\(result.stderr)")
        #expect(!result.stderr.contains("s3cret"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        // A database that holds no index is not created by a command that only reads.
        let empty = try PostgresServer.freshDatabase()
        defer { empty.drop() }
        let search = try CLIHarness.run(["search", "anything", "--index", empty.url])
        #expect(search.status == 1 && search.stderr.contains("no index"), "\(search.stderr)")
    }

    private func firstTitle(_ query: String, _ retriever: String, _ index: String) throws -> String? {
        let result = try CLIHarness.run(["search", query, "--retriever", retriever, "--limit", "3", "--json", "--index", index])
        #expect(result.status == 0, "\(result.stderr)")
        return ((try result.json())["results"] as? [[String: Any]])?.first?["title"] as? String
    }
}

/// The test server, and a fresh database on it per use.
enum PostgresServer {
    static var url: String? {
        ProcessInfo.processInfo.environment["RAG_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    struct Database {
        let name: String
        let url: String
        let server: String
        func drop() { try? PostgresAdmin.dropDatabase(name, like: server) }
    }

    static func freshDatabase() throws -> Database {
        guard let server = url else { throw CLIHarnessError("RAG_TEST_POSTGRES_URL is not set: run scripts/test.sh") }
        let name = "rag_cli_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        return Database(name: name, url: try PostgresAdmin.createDatabase(name, like: server), server: server)
    }
}
