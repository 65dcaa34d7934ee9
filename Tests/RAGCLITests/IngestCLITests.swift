import Foundation
import TestSupport
import Testing

/// End-to-end tests of `rag ingest`, `rag remove` and `rag stats`, running the built binary.
@Suite(.serialized)
struct IngestCLITests {
    private func makeTree(_ files: [String: String], in dir: URL) throws {
        for (name, text) in files {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
    }

    @Test func helpTeachesAndUsageErrorsExit64() throws {
        let help = try CLIHarness.run(["--help"])
        #expect(help.status == 0)
        for command in ["ingest", "search", "remove", "stats"] { #expect(help.stdout.contains(command)) }
        let ingestHelp = try CLIHarness.run(["ingest", "--help"])
        #expect(ingestHelp.stdout.contains("--prune") && ingestHelp.stdout.contains("Examples"))
        let usage = try CLIHarness.run(["search"])
        #expect(usage.status == 64)
        let badLimit = try CLIHarness.run(["search", "x", "--limit", "0"])
        #expect(badLimit.status == 64)
    }

    @Test func incrementalIngestPruneAndRemove() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let docs = dir.appendingPathComponent("docs"), index = dir.appendingPathComponent("index")
        try makeTree([
            "a.md": "# Alpha\n\nThe alpha document talks about lighthouses on the northern coast.\n",
            "b.txt": "Bravo is a plain text file about copper mining in the hills.\n",
            "sub/c.html": "<html><head><title>Charlie</title></head><body><h1>Charlie</h1><p>Charlie covers river ferries.</p></body></html>",
            ".hidden/d.md": "# Hidden\n\nShould not be indexed.\n",
        ], in: docs)
        let base = ["--index", index.path, "--no-embeddings", "--json"]

        let first = try CLIHarness.run(["ingest", docs.path] + base).json()
        #expect(first["files_indexed"] as? Int == 3)
        #expect((first["chunks_added"] as? Int ?? 0) >= 3)
        #expect((first["files_skipped"] as? [Any])?.isEmpty == true)
        for key in ["files_unchanged", "files_removed", "chunks_removed", "seconds"] { #expect(first[key] != nil) }

        let again = try CLIHarness.run(["ingest", docs.path] + base).json()
        #expect(again["files_indexed"] as? Int == 0)
        #expect(again["files_unchanged"] as? Int == 3)

        try Data("Bravo now covers tin mining instead.\n".utf8).write(to: docs.appendingPathComponent("b.txt"))
        let changed = try CLIHarness.run(["ingest", docs.path] + base).json()
        #expect(changed["files_indexed"] as? Int == 1)
        #expect((changed["chunks_removed"] as? Int ?? 0) >= 1)
        let tin = try CLIHarness.run(["search", "tin mining", "--retriever", "bm25", "--json", "--index", index.path]).json()
        let tinResults = tin["results"] as? [[String: Any]] ?? []
        #expect((tinResults.first?["document"] as? String)?.hasSuffix("b.txt") == true)
        let copper = try CLIHarness.run(["search", "copper", "--retriever", "bm25", "--json", "--index", index.path]).json()
        #expect((copper["results"] as? [Any])?.isEmpty == true)

        try FileManager.default.removeItem(at: docs.appendingPathComponent("a.md"))
        let pruned = try CLIHarness.run(["ingest", docs.path, "--prune"] + base).json()
        #expect(pruned["files_removed"] as? Int == 1)

        let removed = try CLIHarness.run(["remove", docs.appendingPathComponent("sub/c.html").path, "--index", index.path])
        #expect(removed.status == 0)
        let stats = try CLIHarness.run(["stats", "--check", "--json", "--index", index.path]).json()
        #expect(stats["sources"] as? Int == 1)
        #expect(stats["integrity"] as? String == "ok")

        let notThere = try CLIHarness.run(["remove", "/nope/never.md", "--index", index.path])
        #expect(notThere.status == 1)
        #expect(notThere.stderr.split(separator: "\n").count == 1)
    }

    /// A changed corpus re-embeds only what changed; a passage whose title changed is embedded
    /// again (its vector is computed from title, heading and text), an untouched one is reused.
    @Test(.requires(TestModels.miniLMWeights)) func vectorsAreReusedOnlyForTheSameTitleAndText() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = dir.appendingPathComponent("corpus.jsonl"), index = dir.appendingPathComponent("index")
        func write(firstTitle: String, extra: Bool) throws {
            var lines = [
                #"{"id": "p1", "title": "\#(firstTitle)", "text": "The lighthouse keeper lit the lamp at dusk every evening."}"#,
                #"{"id": "p2", "title": "Ferries", "text": "River ferries cross twice an hour in the summer months."}"#,
            ]
            if extra { lines.append(#"{"id": "p3", "title": "Mines", "text": "Copper was mined in the hills until 1890."}"#) }
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: corpus)
        }
        try write(firstTitle: "Lighthouses", extra: false)
        let first = try CLIHarness.run(["ingest", corpus.path, "--index", index.path, "--json", "--embedding-precision", "fp32"]).json()
        #expect(first["chunks_embedded"] as? Int == 2)
        let fp32Stats = try CLIHarness.run(["stats", "--json", "--index", index.path]).json()
        #expect(fp32Stats["embedding_precision"] as? String == "fp32")

        try write(firstTitle: "Lighthouses", extra: true)  // only p3 is new; its vector is computed in bf16
        let added = try CLIHarness.run(["ingest", corpus.path, "--index", index.path, "--json", "--embedding-precision", "bf16"]).json()
        #expect(added["vectors_reused"] as? Int == 2)
        #expect(added["chunks_embedded"] as? Int == 1)
        let mixed = try CLIHarness.run(["stats", "--index", index.path])
        #expect(mixed.stdout.contains("all-MiniLM-L6-v2 (384 dimensions, bf16+fp32)"))
        let bad = try CLIHarness.run(["ingest", corpus.path, "--index", index.path, "--embedding-precision", "fp16"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("embedding precision 'fp16' is not auto, fp32 or bf16"))

        try write(firstTitle: "Beacons", extra: true)  // p1's title changed: its vector must be recomputed
        let renamed = try CLIHarness.run(["ingest", corpus.path, "--index", index.path, "--json"]).json()
        #expect(renamed["vectors_reused"] as? Int == 2)
        #expect(renamed["chunks_embedded"] as? Int == 1)
    }

    @Test func badInputIsReportedNotFatal() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let docs = dir.appendingPathComponent("docs"), index = dir.appendingPathComponent("index")
        try makeTree(["good.md": "# Good\n\nA perfectly fine note about sailing.\n", "empty.txt": ""], in: docs)
        var binary = Data((0..<4096).map { UInt8($0 % 256) })
        binary[10] = 0
        try binary.write(to: docs.appendingPathComponent("blob.txt"))

        let result = try CLIHarness.run(["ingest", docs.path, "--index", index.path, "--no-embeddings", "--json"])
        #expect(result.status == 0)
        let report = try result.json()
        #expect(report["files_indexed"] as? Int == 1)
        let skipped = report["files_skipped"] as? [[String: Any]] ?? []
        #expect(skipped.count == 2)
        #expect(skipped.allSatisfy { !($0["reason"] as? String ?? "").isEmpty })

        let missing = try CLIHarness.run(["ingest", dir.appendingPathComponent("nope").path, "--index", index.path, "--no-embeddings"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("nope"))

        // An index that is not an index: a text file in its place, and a foreign SQLite database.
        let fake = dir.appendingPathComponent("fake")
        try FileManager.default.createDirectory(at: fake, withIntermediateDirectories: true)
        try Data("this is not a database, just text that is long enough to have a header".utf8)
            .write(to: fake.appendingPathComponent("index.sqlite"))
        let notIndex = try CLIHarness.run(["search", "sailing", "--index", fake.path])
        #expect(notIndex.status == 1)
        #expect(notIndex.stderr.split(separator: "\n").count == 1)
        #expect(!notIndex.stderr.contains("Fatal"))

        let noIndex = try CLIHarness.run(["search", "sailing", "--index", dir.appendingPathComponent("none").path])
        #expect(noIndex.status == 1)
        #expect(noIndex.stderr.contains("rag ingest"))

        // Nothing readable at all: non-zero.
        let onlyBad = dir.appendingPathComponent("bad")
        try FileManager.default.createDirectory(at: onlyBad, withIntermediateDirectories: true)
        try binary.write(to: onlyBad.appendingPathComponent("x.bin"))
        let nothing = try CLIHarness.run(["ingest", onlyBad.path, "--index", index.path, "--no-embeddings"])
        #expect(nothing.status == 1)
    }

    @Test func anyUserTextIsAValidQuery() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let index = dir.appendingPathComponent("index")
        try makeTree(["n.md": "# Notes\n\nNEAR the AND gate, OR not: \"quoted\" (parens) star* minus-sign.\n"], in: dir.appendingPathComponent("d"))
        _ = try CLIHarness.run(["ingest", dir.appendingPathComponent("d").path, "--index", index.path, "--no-embeddings", "-q"])
        for query in ["\"unbalanced", "(a OR", "AND", "NEAR(x y", "*", "-minus", "col:umn", "a\"b'c", "^caret", "日本語"] {
            // `--` ends the options, as in every POSIX tool, so "-minus" is a query (a blank one is a
            // usage error: HardeningCLITests).
            let r = try CLIHarness.run(["search", "--retriever", "bm25", "--json", "--index", index.path, "--", query])
            #expect(r.status == 0, "query \(query) failed: \(r.stderr)")
        }
    }
}
