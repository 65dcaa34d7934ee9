import Foundation
import TestSupport
import Testing

/// `rag router train|show`: training from eval lines and question files, the router in use, and
/// one-line errors for unusable router files.
@Suite struct RouterCLITests {
    @Test func showNamesTheShippedRouter() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLIHarness.run(["router", "show", "--json", "--index", dir.appendingPathComponent("none").path])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try r.json()
        #expect(json["source"] as? String == "shipped default")
        #expect(json["embedding_model"] as? String == "all-MiniLM-L6-v2" && json["embedding_dimension"] as? Int == 384)
        let text = try CLIHarness.run(["router", "show", "--index", dir.path])
        #expect(text.status == 0 && text.stdout.contains("held-out accuracy") && text.stdout.contains("true\\predicted"))
    }

    @Test func unusableRouterFilesAreOneLineErrors() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("router.json")
        try Data("{\"format\": \"rag-router\", \"format_version\": 7}".utf8).write(to: bad)
        let r = try CLIHarness.run(["router", "show", "--router", bad.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(bad.path) is router format version 7") && r.stderr.split(separator: "\n").count == 1)
        // The index's own router.json is the one in use, so a broken one there is reported too.
        let own = try CLIHarness.run(["router", "show", "--index", dir.path])
        #expect(own.status == 1 && own.stderr.contains(bad.path))
        let usage = try CLIHarness.run(["router", "train"])
        #expect(usage.status == 64)
    }

    @Test(.requires(TestModels.miniLMWeights)) func trainWritesARouterThatShowReads() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // 12 questions: the yes/no ones were answered without retrieval (A), the others by single (B),
        // all by notes; 6 more multi-hop questions come only from the question file (bias label C).
        var lines: [String] = []
        for i in 0..<12 {
            let yesNo = i % 2 == 0
            let question = yesNo ? "Is river \(i) longer than river \(i + 1)?" : "What is the capital of country \(i)?"
            for (strategy, acc, seconds) in [("none", yesNo ? 1 : 0, 1), ("single", yesNo ? 0 : 1, 5), ("notes", 1, 9)] {
                lines.append(#"{"id":"q\#(i)","dataset":"mine","strategy":"\#(strategy)","question":"\#(question)","prediction":"p","gold":["g"],"em":\#(acc),"f1":\#(acc),"acc":\#(acc),"steps":1,"llm_calls":1,"prompt_tokens":10,"reused_prompt_tokens":0,"generated_tokens":1,"seconds":\#(seconds),"passages_seen":0,"citations":[]}"#)
            }
        }
        let results = dir.appendingPathComponent("results.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: results, atomically: true, encoding: .utf8)
        let questions = dir.appendingPathComponent("multi.jsonl")
        try (0..<6).map { #"{"id":"m\#($0)","dataset":"multi","question":"Who directed the film that starred actor \#($0)'s wife?","type":"multi-hop"}"# }
            .joined(separator: "\n").write(to: questions, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("mine.json")
        let r = try CLIHarness.run(["router", "train", results.path, "--questions", questions.path, "--out", out.path,
                                    "--folds", "3", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let provenance = try r.json()
        #expect(provenance["label_counts"] as? [String: Int] == ["A": 6, "B": 6, "C": 6])
        #expect(provenance["silver_examples"] as? Int == 12 && provenance["bias_examples"] as? Int == 6)
        let show = try CLIHarness.run(["router", "show", "--router", out.path, "--json"])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(try show.json()["source"] as? String == out.path)
        #expect((try show.json()["costs"] as? [String: Double])?["A"] == 1)
        // Every route ran on the 12 questions: balanced's cost weight was chosen, and the text report shows the sweep.
        let weight = try #require(try show.json()["balanced_cost_weight"] as? Double)
        #expect((try r.json()["cost_weight_choice"] as? [String: Any])?["chosen"] as? Double == weight)
        let text = try CLIHarness.run(["router", "show", "--router", out.path])
        #expect(text.status == 0 && text.stdout.contains("cost weight of --prefer balanced:") && text.stdout.contains("  balanced"))
        // Every route's lines: it routes by expected F1, and says so; --rule labels keeps Adaptive-RAG's rule.
        #expect(try show.json()["rule"] as? String == "expected_f1")
        #expect(text.stdout.contains("held-out expected F1") && text.stdout.contains("routes by: expected F1"))
        let labelsOut = dir.appendingPathComponent("labels.json")
        let labels = try CLIHarness.run(["router", "train", results.path, "--questions", questions.path, "--out", labelsOut.path,
                                         "--folds", "3", "--rule", "labels"])
        #expect(labels.status == 0, "\(labels.stderr)")
        #expect(labels.stdout.contains("routes by: label probabilities") && !labels.stdout.contains("held-out expected F1"))
        // `router route` shows what auto would do, per preference, without a language model or an index.
        let routed = try CLIHarness.run(["router", "route", "--router", out.path, "Is river 40 longer than river 41?",
                                         "--questions", questions.path, "--limit", "2", "--json"])
        #expect(routed.status == 0, "\(routed.stderr)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(routed.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 3 && rows[1]["id"] as? String == "m0" && rows[1]["dataset"] as? String == "multi")
        #expect((rows[0]["routes"] as? [String: String])?.keys.sorted() == ["accurate", "balanced", "fast"])
        #expect((rows[0]["expected_f1"] as? [String: Double])?.count == 3 && (rows[0]["probabilities"] as? [String: Double])?.count == 3)
        let routedText = try CLIHarness.run(["router", "route", "--router", labelsOut.path, "What is the capital of country 50?"])
        #expect(routedText.status == 0 && routedText.stdout.contains("What is the capital of country 50?") && !routedText.stdout.contains("expected F1"))
        let absent = try CLIHarness.run(["router", "route", "--router", out.path, "--questions", dir.appendingPathComponent("absent.jsonl").path])
        #expect(absent.status == 1 && absent.stderr.contains("cannot read the question file") && absent.stderr.split(separator: "\n").count == 1)
        let nothing = try CLIHarness.run(["router", "route", "--router", out.path])
        #expect(nothing.status == 64 && nothing.stderr.contains("give questions, or --questions files"))
        let badRule = try CLIHarness.run(["router", "train", results.path, "--out", labelsOut.path, "--rule", "oracle"])
        #expect(badRule.status == 64 && badRule.stderr.contains("--rule: expected-f1 or labels"))
        // Without --out the router goes beside the index, and an absent index is a clear error.
        let missing = try CLIHarness.run(["router", "train", results.path, "--index", dir.appendingPathComponent("none").path])
        #expect(missing.status == 1 && missing.stderr.contains("pass --index DIR, or --out FILE"))
    }
}
