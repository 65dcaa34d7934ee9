import Foundation
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A `kill -9` in the middle of an ingest leaves an index that opens, passes the integrity check and
/// holds exactly the batches committed; a re-run completes it.
@Suite(.serialized)
struct CrashConsistencyTests {
    /// Starts `rag args...`, waits until `stats --json` of `index` shows a positive `key` (something
    /// was committed), then kills it with SIGKILL if it is still running.
    /// Returns the count seen and whether the kill came before the ingest finished.
    static func killAfterFirstCommit(_ args: [String], index: URL, key: String) throws -> (committed: Int, killedMidway: Bool) {
        let child = try CLIHarness.makeProcess(args)
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        var committed = 0
        let deadline = Date().addingTimeInterval(120)
        while child.isRunning && Date() < deadline {
            if let stats = try? CLIHarness.run(["stats", "--json", "--index", index.path]).json(),
               let count = stats[key] as? Int, count > 0 {
                committed = count
                break
            }
            usleep(20_000)
        }
        let killedMidway = child.isRunning
        if killedMidway { kill(child.processIdentifier, SIGKILL) }
        child.waitUntilExit()
        return (committed, killedMidway)
    }

    @Test func killedIngestKeepsCommittedBatches() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let docs = dir.appendingPathComponent("docs"), index = dir.appendingPathComponent("index")
        try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
        let fileCount = 3000, batch = 3
        for i in 0..<fileCount {
            // One short paragraph: exactly one chunk per file.
            try Data("Note \(i) records the tide at harbour \(i % 97) on day \(i).\n".utf8)
                .write(to: docs.appendingPathComponent(String(format: "n%05d.txt", i)))
        }
        let args = ["ingest", docs.path, "--index", index.path, "--no-embeddings", "--batch-size", "\(batch)", "-q"]
        // Wait until some batches are committed, then kill without warning.
        let (committed, killedMidway) = try Self.killAfterFirstCommit(args, index: index, key: "sources")
        #expect(committed > 0, "no batch was committed before the ingest ended")

        let stats = try CLIHarness.run(["stats", "--check", "--json", "--index", index.path])
        #expect(stats.status == 0, "index did not open after kill -9: \(stats.stderr)")
        let s = try stats.json()
        let sources = s["sources"] as? Int ?? -1
        #expect(s["integrity"] as? String == "ok")
        #expect(s["chunks"] as? Int == sources, "a file's chunks were partly written")
        #expect(s["documents"] as? Int == sources)
        if killedMidway && sources < fileCount {
            #expect(sources % batch == 0, "index holds \(sources) files: not a whole number of \(batch)-file batches")
        }

        let rerun = try CLIHarness.run(["ingest", docs.path, "--index", index.path, "--no-embeddings", "--json"]).json()
        #expect(rerun["files_unchanged"] as? Int == sources)
        #expect(rerun["files_indexed"] as? Int == fileCount - sources)
        let final = try CLIHarness.run(["stats", "--json", "--index", index.path]).json()
        #expect(final["sources"] as? Int == fileCount)
    }

    /// A large JSONL corpus is embedded and committed in parts: a `kill -9` keeps the finished parts,
    /// and the re-run embeds only the rest (it reuses the committed vectors), then marks the file done.
    @Test(.requires(TestModels.miniLMWeights)) func killedCorpusIngestKeepsEmbeddedParts() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = dir.appendingPathComponent("corpus.jsonl"), index = dir.appendingPathComponent("index")
        let passages = 1500, part = 50
        let lines = (0..<passages).map { i in
            #"{"id": "p\#(i)", "title": "Harbour \#(i % 37)", "text": "Passage \#(i) records the tide at harbour \#(i % 37) on day \#(i) of the survey."}"#
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: corpus)
        let (committed, killedMidway) = try Self.killAfterFirstCommit(
            ["ingest", corpus.path, "--index", index.path, "--batch-size", "\(part)", "-q"], index: index, key: "chunks")
        #expect(committed > 0, "no part was committed before the ingest ended")

        let s = try CLIHarness.run(["stats", "--check", "--json", "--index", index.path]).json()
        #expect(s["integrity"] as? String == "ok")
        let kept = s["chunks"] as? Int ?? -1
        #expect(s["documents"] as? Int == kept, "one chunk per passage")
        if killedMidway && kept < passages {
            #expect(kept % part == 0, "index holds \(kept) passages: not a whole number of \(part)-chunk parts")
        }

        let rerun = try CLIHarness.run(["ingest", corpus.path, "--index", index.path, "--batch-size", "\(part)", "--json"]).json()
        if killedMidway && kept < passages {
            #expect(rerun["files_indexed"] as? Int == 1)
            #expect(rerun["vectors_reused"] as? Int == kept)
            #expect(rerun["chunks_embedded"] as? Int == passages - kept)
        }
        let final = try CLIHarness.run(["stats", "--json", "--index", index.path]).json()
        #expect(final["chunks"] as? Int == passages)
        let again = try CLIHarness.run(["ingest", corpus.path, "--index", index.path, "--json"]).json()
        #expect(again["files_unchanged"] as? Int == 1, "the finished corpus is recorded with its hash")
    }
}
