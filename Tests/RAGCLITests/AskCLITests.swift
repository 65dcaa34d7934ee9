import Foundation
import TestSupport
import Testing

/// `rag ask` with the real default model on the project's own corpus, and its one-line errors.
@Suite(.serialized)
struct AskCLITests {
    @Test(.requires(TestModels.miniLMWeights, TestModels.qwen)) func answersWithCitationsAsJSON() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let index = dir.appendingPathComponent("index").path
        let ingest = try CLIHarness.run(["ingest", CLIHarness.root.appendingPathComponent("corpora/veldmoor").path, "--index", index, "-q"])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        for strategy in ["single", "notes"] {
            let r = try CLIHarness.run(["ask", "Which river runs through Kettlewick?", "--strategy", strategy, "--json", "--index", index])
            #expect(r.status == 0, "\(r.stderr)")
            let json = try r.json()
            #expect(!((json["answer"] as? String) ?? "").isEmpty)
            #expect(json["strategy"] as? String == strategy)
            let citations = json["citations"] as? [[String: Any]] ?? []
            #expect(!citations.isEmpty)
            #expect(citations.allSatisfy { ($0["document"] as? String ?? "").contains("veldmoor") && $0["chunk_id"] is Int })
            let probabilities = json["probabilities"] as? [String: Double] ?? [:]
            #expect(Set(probabilities.keys) == ["A", "B", "C"])
            #expect((json["llm_calls"] as? Int ?? 0) >= 1 && (json["steps"] as? Int ?? 0) >= 1)
        }
        // Bad input: one line, exit 1.
        let empty = try CLIHarness.run(["ask", "  ", "--index", index])
        #expect(empty.status == 1 && empty.stderr.contains("question is empty"))
        let missing = try CLIHarness.run(["ask", "anything", "--index", dir.appendingPathComponent("none").path])
        #expect(missing.status == 1 && missing.stderr.contains("rag ingest"))
        let badModel = try CLIHarness.run(["ask", "anything", "--index", index, "-m", "/nonexistent.gguf"])
        #expect(badModel.status == 1 && badModel.stderr.contains("nonexistent.gguf"))
    }
}
