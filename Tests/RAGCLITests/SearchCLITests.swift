import Foundation
import TestSupport
import Testing

/// `rag search` on the project's own corpus: for its questions, a supporting document ranks first.
@Suite(.serialized)
struct SearchCLITests {
    struct Question: Decodable { var id: String; var question: String; var supporting_titles: [String] }

    private func questions() throws -> [Question] {
        let url = CLIHarness.root.appendingPathComponent("corpora/questions.jsonl")
        let text = try String(contentsOf: url, encoding: .utf8)
        return try text.split(separator: "\n").filter { !$0.isEmpty }.map {
            try JSONDecoder().decode(Question.self, from: Data($0.utf8))
        }
    }

    /// Words alone need no model: an index without embeddings.
    @Test func wordsRankTheSupportingDocumentFirst() throws {
        try checkSupportingDocumentRanksFirst(withEmbeddings: false)
    }

    @Test(.requires(TestModels.miniLMWeights)) func everyRetrieverRanksTheSupportingDocumentFirst() throws {
        try checkSupportingDocumentRanksFirst(withEmbeddings: true)
    }

    private func checkSupportingDocumentRanksFirst(withEmbeddings: Bool) throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let index = dir.appendingPathComponent("index")
        var ingest = ["ingest", CLIHarness.root.appendingPathComponent("corpora/veldmoor").path, "--index", index.path, "--json"]
        if !withEmbeddings { ingest.append("--no-embeddings") }
        let report = try CLIHarness.run(ingest)
        #expect(report.status == 0, "\(report.stderr)")

        let qs = try questions()
        #expect(qs.count >= 5)
        let retrievers = withEmbeddings ? ["bm25", "dense", "hybrid"] : ["bm25"]
        for retriever in retrievers {
            var first = 0, inTop3 = 0, misses: [String] = []
            for q in qs {
                let r = try CLIHarness.run(["search", q.question, "--retriever", retriever, "--limit", "3", "--json", "--index", index.path])
                #expect(r.status == 0, "\(r.stderr)")
                let titles = (try r.json()["results"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
                let supporting = Set(q.supporting_titles.map { $0.lowercased() })
                if let top = titles.first, supporting.contains(top.lowercased()) { first += 1 } else { misses.append("\(q.id): \(titles)") }
                if titles.contains(where: { supporting.contains($0.lowercased()) }) { inTop3 += 1 }
            }
            // Multi-hop questions need several documents; one of them must still lead. Reciprocal rank
            // fusion works on chunks: on this 31-chunk corpus a chunk ranked second by both lists can
            // overtake chunks ranked first by one, so hybrid gets a lower top-1 bar (its recall@k is
            // what the retrieval benchmark holds it to).
            let bar = retriever == "hybrid" ? 0.6 : 0.7
            #expect(Double(first) >= bar * Double(qs.count), "\(retriever): supporting document first for \(first)/\(qs.count); misses: \(misses)")
            #expect(Double(inTop3) >= 0.9 * Double(qs.count), "\(retriever): in top 3 for \(inTop3)/\(qs.count)")
        }
    }

    /// Hybrid search on an index without vectors answers with BM25, as `rag search --help` says, even
    /// when an embedding model was recorded by an earlier ingest that indexed nothing.
    @Test func hybridFallsBackToWordsWithoutVectors() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let index = dir.appendingPathComponent("index"), file = dir.appendingPathComponent("a.md")
        try Data("# Tides\n\nThe harbour tide tables are posted at dawn.\n".utf8).write(to: file)
        _ = try CLIHarness.run(["ingest", dir.appendingPathComponent("missing.md").path, "--index", index.path])
        #expect(try CLIHarness.run(["ingest", file.path, "--index", index.path, "--no-embeddings"]).status == 0)
        let r = try CLIHarness.run(["search", "tide tables", "--index", index.path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect((try r.json()["results"] as? [Any])?.count == 1)
    }
}
