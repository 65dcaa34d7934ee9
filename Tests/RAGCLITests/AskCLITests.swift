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
        // The answering settings are checked before anything loads: usage errors, exit 64.
        for (flags, message) in [(["--passage-tokens", "200000"], "--passage-tokens must be between"),
                                 (["--sentences", "51"], "--sentences must be between"),
                                 (["--notes-variant", "extractive,links,likelihood,chains0"], "chainsN"),
                                 (["--notes-variant", "extractive,links,likelihood,namedX"], "namedN")] {
            let r = try CLIHarness.run(["ask", "anything", "--index", index] + flags)
            #expect(r.status == 64 && r.stderr.contains(message), "\(flags): \(r.stderr)")
        }
        // Whole passages and the whole note are still there, and answer.
        let whole = try CLIHarness.run(["ask", "Which river runs through Kettlewick?", "--strategy", "notes", "--json", "--index", index,
                                        "--sentences", "0", "--passage-tokens", "0", "--notes-variant", "extractive,links,likelihood,all"])
        #expect(whole.status == 0 && !((try? whole.json())?["answer"] as? String ?? "").isEmpty, "\(whole.stderr)")
    }

    /// `rag eval` on a user's own question file: the table as JSON, `--out` lines, and a rerun that
    /// reuses them instead of answering again.
    @Test(.requires(TestModels.miniLMWeights, TestModels.qwen)) func evaluatesAndResumesFromItsOutFile() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let index = dir.appendingPathComponent("index").path
        let ingest = try CLIHarness.run(["ingest", CLIHarness.root.appendingPathComponent("corpora/veldmoor").path, "--index", index, "-q"])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let questions = dir.appendingPathComponent("mine.jsonl")
        try """
        {"question":"Which river joins the Orle at Tamsford?","answers":["River Sallow","Sallow"],"supporting_titles":["rivers.txt"]}
        {"question":"How long is the River Sallow?","answers":["112 kilometres"]}
        """.write(to: questions, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("runs/out.jsonl")
        let args = ["eval", questions.path, "--index", index, "--strategy", "none,single", "--out", out.path, "--json", "-q"]
        let first = try CLIHarness.run(args)
        #expect(first.status == 0, "\(first.stderr)")
        let json = try first.json()
        let overall = json["overall"] as? [String: [String: Any]] ?? [:]
        #expect(Set(overall.keys).isSuperset(of: ["none", "single", "oracle"]))
        #expect(Set(overall.keys).subtracting(["none", "single", "oracle"])
            .isSubset(of: ["adaptive", "adaptive (fast)", "adaptive (accurate)"]))
        for (name, row) in overall {
            // An adaptive row counts the questions routed to a strategy that was run (none or single here).
            if name.hasPrefix("adaptive") { #expect((row["n"] as? Int ?? 0) <= 2) } else { #expect(row["n"] as? Int == 2) }
            for key in ["em", "f1", "acc", "steps", "llm_calls", "seconds_per_question"] { #expect(row[key] is Double, "\(key)") }
        }
        #expect((json["router"] as? [String: Any])?["source"] as? String == "shipped default")
        #expect((json["datasets"] as? [String: Any])?.keys.sorted() == ["mine"])
        // Recall is counted by file name where the supporting passages are named by file.
        #expect(overall["single"]?["recall"] is Double)
        let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4)
        let record = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any] ?? [:]
        #expect(record["id"] as? String == "line-1" && record["strategy"] as? String == "single")
        #expect(record["prediction"] is String && record["f1"] is Double && record["prompt_tokens"] is Int)

        // A rerun answers nothing new: same lines, same table.
        let again = try CLIHarness.run(args)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try String(contentsOf: out, encoding: .utf8).split(separator: "\n").count == 4)
        let f1 = { (r: CLIHarness.Result) in ((try? r.json())?["overall"] as? [String: [String: Any]])?["single"]?["f1"] as? Double }
        #expect(f1(again) == f1(first))

        let unknown = try CLIHarness.run(["eval", questions.path, "--index", index, "--strategy", "fast"])
        #expect(unknown.status == 64 && unknown.stderr.contains("unknown strategy"))
        let bad = dir.appendingPathComponent("bad.jsonl")
        try "{\"answers\":[\"x\"]}\n".write(to: bad, atomically: true, encoding: .utf8)
        let malformed = try CLIHarness.run(["eval", bad.path, "--index", index])
        #expect(malformed.status == 1 && malformed.stderr.contains("bad.jsonl:1"))
    }
}

