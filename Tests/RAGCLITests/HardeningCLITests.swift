import Foundation
import GRDB
import TestSupport
import Testing

/// Hostile and unusual inputs, each once a failure of `rag` (the hardening issue): bounded memory
/// and time on pathological documents, index states that repair themselves, readers that never
/// need to write, one rule for `--index`, names that are not UTF-8, and blank queries.
///
/// The pathological documents run under a memory cap (`ulimit -v`) and a time limit (`timeout`):
/// bounds that fail loudly if the linear-time code regresses (the inputs are sized so the old
/// quadratic code would need tens of gigabytes or tens of minutes), not speed measurements.
@Suite(.serialized)
struct HardeningCLITests {
    /// Runs a shell script with `$RAG` set to the binary, the test models in the environment.
    static func shell(_ script: String, in directory: URL) throws -> CLIHarness.Result {
        guard let binary = CLIHarness.binary else { throw CLIHarnessError("the rag binary is not built") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        var env = ProcessInfo.processInfo.environment
        env["RAG"] = binary.path
        env["RAG_EMBEDDING_MODEL"] = TestModels.miniLM.path
        process.environment = env
        process.currentDirectoryURL = directory
        return try CLIHarness.capture(process)
    }

    /// `rag ingest FILE --no-embeddings --json` under 3 GB of address space and 120 s.
    static func cappedIngest(_ file: URL, index: URL) throws -> [String: Any] {
        let result = try shell("ulimit -v 3000000; exec timeout 120 \"$RAG\" ingest '\(file.path)' --index '\(index.path)' --no-embeddings --json",
                               in: file.deletingLastPathComponent())
        #expect(result.status == 0, "rag ingest \(file.lastPathComponent) ended with \(result.status): \(result.stderr.prefix(300))")
        return (try? result.json()) ?? [:]
    }

    // 1. Markdown nesting: 100,000 `[`, `x`, 100,000 `]` once cost tens of gigabytes.
    @Test func deeplyNestedMarkdownLinksUseBoundedMemory() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("nested.md")
        try Data((String(repeating: "[", count: 100_000) + "needle" + String(repeating: "]", count: 100_000) + "\n").utf8).write(to: file)
        let report = try Self.cappedIngest(file, index: dir.appendingPathComponent("index"))
        #expect(report["files_indexed"] as? Int == 1)
        let found = try CLIHarness.run(["search", "needle", "--retriever", "bm25", "--json", "--index", dir.appendingPathComponent("index").path]).json()
        #expect((found["results"] as? [Any])?.count == 1)
    }

    // 2. XML entity amplification: a 100 KB entity referenced 20,000 times would be 2 GB of text.
    @Test func entityExpansionIsCappedWithAWarning() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bomb.xml")
        let entity = String(repeating: "lol ", count: 25_000)
        let xml = "<?xml version=\"1.0\"?><!DOCTYPE q [<!ENTITY a \"\(entity)\">]><q>" + String(repeating: "&a;", count: 20_000) + "</q>\n"
        try Data(xml.utf8).write(to: file)
        let report = try Self.cappedIngest(file, index: dir.appendingPathComponent("index"))
        #expect(report["files_indexed"] as? Int == 1)
        let warnings = report["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.contains("bomb.xml") && $0.contains("entity") })
        // At most about 1 MB of expanded text (some thousands of chunks), not 2 GB.
        #expect((report["chunks_added"] as? Int ?? .max) < 10_000)
    }

    // 3. Quadratic scans: a megabyte of `<`, of `[` and of backtick runs on one line.
    @Test func longLinesOfMarkupAreLinear() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let lines = [
            "angles.md": String(repeating: "<", count: 1_000_000),
            "brackets.md": String(repeating: "[", count: 1_000_000),
            "ticks.md": (1...1400).map { String(repeating: "`", count: $0) + " x " }.joined(),
            "parens.md": String(repeating: "[a](", count: 250_000),
        ]
        for (name, text) in lines {
            let file = dir.appendingPathComponent(name)
            try Data((text + "\n").utf8).write(to: file)
            let report = try Self.cappedIngest(file, index: dir.appendingPathComponent("index-\(name)"))
            #expect(report["files_indexed"] as? Int == 1, "\(name)")
        }
    }

    // 4. An index made with --no-embeddings, then ingested with embeddings: every chunk gets a vector.
    @Test(.requires(TestModels.miniLMWeights)) func ingestWithEmbeddingsRepairsABM25OnlyIndex() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let docs = dir.appendingPathComponent("docs"), index = dir.appendingPathComponent("index")
        try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
        try Data("# Herons\n\nGrey herons stand still in shallow water to catch fish.\n".utf8).write(to: docs.appendingPathComponent("herons.md"))
        try Data("Otters use stones to crack open shellfish.\n".utf8).write(to: docs.appendingPathComponent("otters.txt"))
        let bare = try CLIHarness.run(["ingest", docs.path, "--index", index.path, "--no-embeddings", "--json"]).json()
        #expect(bare["files_indexed"] as? Int == 2)
        let denseBefore = try CLIHarness.run(["search", "birds fishing", "--retriever", "dense", "--index", index.path])
        #expect(denseBefore.status != 0)

        let repaired = try CLIHarness.run(["ingest", docs.path, "--index", index.path, "--json"]).json()
        #expect(repaired["chunks_embedded"] as? Int == 2)
        let dense = try CLIHarness.run(["search", "birds fishing", "--retriever", "dense", "--json", "--index", index.path]).json()
        let results = dense["results"] as? [[String: Any]] ?? []
        #expect(results.count == 2)
        #expect((results.first?["document"] as? String)?.hasSuffix("herons.md") == true)
        // Now complete: the next ingest changes nothing.
        let again = try CLIHarness.run(["ingest", docs.path, "--index", index.path, "--json"]).json()
        #expect(again["files_unchanged"] as? Int == 2)
        #expect(again["chunks_embedded"] as? Int == 0)
    }

    // 5. Readers open read-only: they do not wait behind a writer, and work on an index they cannot write.
    @Test func readersNeverWaitForAWriterNorNeedWriteAccess() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer {
            _ = try? Self.shell("chmod -R u+w '\(dir.path)'", in: dir)
            try? FileManager.default.removeItem(at: dir)
        }
        let docs = dir.appendingPathComponent("docs"), index = dir.appendingPathComponent("index")
        try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
        try Data("Puffins nest in burrows on cliff tops.\n".utf8).write(to: docs.appendingPathComponent("puffins.txt"))
        #expect(try CLIHarness.run(["ingest", docs.path, "--index", index.path, "--no-embeddings"]).status == 0)

        // A writer holds the write lock (longer than the 10 s busy timeout) while we search.
        let database = try DatabaseQueue(path: index.appendingPathComponent("index.sqlite").path)
        try database.inTransaction(.immediate) { db in
            try db.execute(sql: "UPDATE meta SET value = value WHERE key = 'generation'")
            let search = try CLIHarness.run(["search", "puffins", "--retriever", "bm25", "--json", "--index", index.path])
            #expect(search.status == 0, "\(search.stderr)")
            #expect((try? search.json()["results"] as? [Any])??.count == 1)
            let stats = try CLIHarness.run(["stats", "--json", "--index", index.path])
            #expect(stats.status == 0, "\(stats.stderr)")
            return .rollback
        }
        try database.close()

        // An index this user cannot write: another user's (as root, run rag as nobody, from a copy of the
        // binary it may execute wherever the checkout is), or our own made read-only.
        let readOnly = getuid() == 0
            ? "cp \"$RAG\" '\(dir.path)/rag' && chmod -R a+rX '\(dir.path)' && exec setpriv --reuid=65534 --regid=65534 --clear-groups '\(dir.path)/rag'"
            : "chmod -R a-w '\(index.path)' && exec \"$RAG\""
        for command in ["search puffins --retriever bm25", "stats"] {
            let result = try Self.shell("\(readOnly) \(command) --index '\(index.path)'", in: dir)
            #expect(result.status == 0, "rag \(command) on a read-only index: \(result.stderr)")
            #expect(!result.stderr.contains("readonly"))
        }
    }

    // 6. A file emptied after it was indexed loses its chunks on re-ingest (with or without --prune).
    @Test func emptiedFilesLoseTheirChunks() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let docs = dir.appendingPathComponent("docs"), index = dir.appendingPathComponent("index")
        try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
        let kept = docs.appendingPathComponent("kept.txt"), emptied = docs.appendingPathComponent("emptied.txt")
        try Data("Gannets dive from great heights.\n".utf8).write(to: kept)
        try Data("Cormorants dry their wings in the sun.\n".utf8).write(to: emptied)
        let base = ["--index", index.path, "--no-embeddings", "--json"]
        #expect(try CLIHarness.run(["ingest", docs.path] + base).json()["files_indexed"] as? Int == 2)
        try Data().write(to: emptied)
        let report = try CLIHarness.run(["ingest", docs.path] + base).json()
        #expect(report["files_removed"] as? Int == 1)
        let skipped = report["files_skipped"] as? [[String: Any]] ?? []
        #expect(skipped.contains { ($0["reason"] as? String ?? "").contains("removed") })
        let search = try CLIHarness.run(["search", "cormorants", "--retriever", "bm25", "--json", "--index", index.path]).json()
        #expect((search["results"] as? [Any])?.isEmpty == true)
        #expect(try CLIHarness.run(["stats", "--json", "--index", index.path]).json()["sources"] as? Int == 1)
    }

    // 7. `--index` names the folder or its index.sqlite for every command; a file that is not an index is left alone.
    @Test func everyCommandTakesBothIndexFormsAndNoForeignFileIsOverwritten() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let doc = dir.appendingPathComponent("wrens.txt")
        try Data("Wrens sing loudly for their size.\n".utf8).write(to: doc)
        let file = dir.appendingPathComponent("index/index.sqlite").path
        #expect(try CLIHarness.run(["ingest", doc.path, "--index", file, "--no-embeddings"]).status == 0)
        for args in [["search", "wrens", "--retriever", "bm25"], ["stats"]] {
            for form in [file, dir.appendingPathComponent("index").path] {
                let result = try CLIHarness.run(args + ["--index", form])
                #expect(result.status == 0, "rag \(args[0]) --index \(form): \(result.stderr)")
            }
        }
        #expect(try CLIHarness.run(["remove", doc.path, "--index", file]).status == 0)

        let empty = dir.appendingPathComponent("notes.db")
        try Data().write(to: empty)
        let refused = try CLIHarness.run(["ingest", doc.path, "--index", empty.path, "--no-embeddings"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("not a rag index"))
        #expect((try FileManager.default.attributesOfItem(atPath: empty.path)[.size] as? Int) == 0)
    }

    // 8. File names that are not UTF-8 (Latin-1 `café.md`) are indexed, in a folder and by name, and removable.
    @Test func latin1FileNamesAreIndexed() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = """
            mkdir -p docs && printf 'Kestrels hover before they stoop.\\n' > "$(printf 'docs/caf\\351.md')"
            "$RAG" ingest docs --index ix --no-embeddings --json > folder.json || exit 1
            "$RAG" search kestrels --retriever bm25 --json --index ix > found.json || exit 2
            "$RAG" remove "$(printf 'docs/caf\\351.md')" --index ix || exit 3
            "$RAG" ingest "$(printf 'docs/caf\\351.md')" --index ix --no-embeddings --json > named.json || exit 4
            """
        let result = try Self.shell(script, in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        func json(_ name: String) throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(name))) as? [String: Any] ?? [:]
        }
        #expect(try json("folder.json")["files_indexed"] as? Int == 1)
        #expect(try json("named.json")["files_indexed"] as? Int == 1)
        let results = try json("found.json")["results"] as? [[String: Any]] ?? []
        #expect((results.first?["document"] as? String)?.hasSuffix("caf\\xE9.md") == true)
    }

    // 9. Blank queries are usage errors; a query starting with `-` is told to follow `--`.
    @Test func blankAndDashedQueriesAreUsageErrors() throws {
        for query in ["", "   "] {
            let result = try CLIHarness.run(["search", query, "--index", "/nonexistent"])
            #expect(result.status == 64)
            #expect(result.stderr.contains("empty"))
        }
        let dashed = try CLIHarness.run(["search", "-alpha"])
        #expect(dashed.status == 64)
        #expect(dashed.stderr.contains("--"))
        #expect(!dashed.stdout.contains("USAGE"))
    }

    // Also noted in the issue: a stray NUL byte, duplicate JSONL ids, control characters in names.
    @Test func strayNULsDuplicateIdsAndControlCharactersInNames() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let docs = dir.appendingPathComponent("docs"), index = dir.appendingPathComponent("index")
        try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
        try Data("Great crested grebes dance on the lake.\u{0}\nThey build floating nests.\n".utf8)
            .write(to: docs.appendingPathComponent("grebes.txt"))
        let waders = [#"{"id": "p1", "title": "Avocets", "text": "Avocets sweep their bills through mud."}"#,
                      #"{"id": "p1", "title": "Stilts", "text": "Stilts have very long pink legs."}"#]
        try Data((waders.joined(separator: "\n") + "\n").utf8)
            .write(to: docs.appendingPathComponent("waders.jsonl"))
        try Data("Dippers walk underwater in fast streams.\n".utf8).write(to: docs.appendingPathComponent("\u{1B}[31mred.txt"))
        let report = try CLIHarness.run(["ingest", docs.path, "--index", index.path, "--no-embeddings", "--json"]).json()
        #expect(report["files_indexed"] as? Int == 3)
        let warnings = report["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.contains("grebes.txt") && $0.contains("NUL") })
        #expect(warnings.contains { $0.contains("waders.jsonl") && $0.contains("\"p1\"") })
        let grebes = try CLIHarness.run(["search", "grebes nests", "--retriever", "bm25", "--json", "--index", index.path]).json()
        #expect(((grebes["results"] as? [[String: Any]])?.first?["text"] as? String)?.contains("\u{0}") == false)
        let dippers = try CLIHarness.run(["search", "dippers", "--retriever", "bm25", "--index", index.path])
        #expect(dippers.status == 0)
        #expect(!dippers.stdout.contains("\u{1B}"))
        #expect(dippers.stdout.contains("\\u{1B}[31mred.txt"))
    }
}
