import Foundation
import Testing
@testable import RAG

/// The Adaptive-RAG table from per-question records: averages, the oracle and adaptive rows.
@Suite struct EvaluationReportTests {
    static func record(_ id: String, _ strategy: String, dataset: String = "d", f1: Double, acc: Double,
                       seconds: Double = 1, recall: Double? = nil, prompt: Int = 100, reused: Int = 0) -> EvaluationRecord {
        EvaluationRecord(id: id, dataset: dataset, strategy: strategy, question: "q\(id)", prediction: "p", gold: ["g"],
                         em: acc, f1: f1, acc: acc, steps: strategy == "notes" ? 3 : 1, llmCalls: strategy == "notes" ? 4 : 1,
                         promptTokens: prompt, reusedPromptTokens: reused, generatedTokens: 5, seconds: seconds,
                         recall: recall, passagesSeen: 5, citations: [])
    }

    @Test func oracleTakesTheCheapestStrategyThatWasRight() {
        let records = [
            // q1: none wrong, single right, notes right → oracle = single.
            Self.record("1", "none", f1: 0, acc: 0), Self.record("1", "single", f1: 1, acc: 1), Self.record("1", "notes", f1: 1, acc: 1),
            // q2: all wrong → oracle = the best F1 (notes 0.5).
            Self.record("2", "none", f1: 0.2, acc: 0), Self.record("2", "single", f1: 0, acc: 0), Self.record("2", "notes", f1: 0.5, acc: 0),
            // q3: only none was run → not in the oracle or adaptive rows.
            Self.record("3", "none", f1: 1, acc: 1),
        ]
        let report = EvaluationReport(records: records, costOrder: ["none", "single", "notes"], route: { _ in "notes" })
        let oracle = report.overall["oracle"]!
        #expect(oracle.n == 2)
        #expect(abs(oracle.f1 - 75) < 1e-9 && abs(oracle.acc - 50) < 1e-9)
        #expect(abs(oracle.steps - 2) < 1e-9)  // single (1 step) and notes (3 steps)
        let adaptive = report.overall["adaptive"]!
        #expect(adaptive.n == 2 && abs(adaptive.f1 - 75) < 1e-9 && abs(adaptive.llmCalls - 4) < 1e-9)
        #expect(report.overall["none"]!.n == 3)
        #expect(abs(report.overall["none"]!.f1 - 100 * 1.2 / 3) < 1e-9)
        #expect(report.datasets["d"]?["single"]?.n == 2)
    }

    @Test func rowsAverageTimesRecallAndCacheReuse() {
        let rows = EvaluationRow([
            Self.record("1", "single", f1: 1, acc: 1, seconds: 1, recall: 1, prompt: 100, reused: 50),
            Self.record("2", "single", f1: 0, acc: 0, seconds: 2, recall: nil, prompt: 300, reused: 50),
            Self.record("3", "single", f1: 0.5, acc: 1, seconds: 9, recall: 0.5, prompt: 100, reused: 0),
        ])
        #expect(rows.n == 3)
        #expect(abs(rows.f1 - 50) < 1e-9)
        #expect(abs(rows.secondsPerQuestion - 4) < 1e-9 && rows.medianSeconds == 2)
        #expect(rows.recall == 0.75)           // over the labelled questions only
        #expect(abs(rows.reusedShare - 0.2) < 1e-9)  // 100 of 500 prompt tokens
        #expect(EvaluationRow([]).n == 0 && EvaluationRow([]).recall == nil)
    }

    @Test func aUsersOwnQuestionLinesNeedOnlyQuestionAndAnswers() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rag-eval-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("mine.jsonl")
        try """
        {"question":"Which river?","answers":["Sallow"]}

        {"id":7,"question":"How long?","answers":["112 km"],"supporting_titles":["rivers.txt"]}
        """.write(to: url, atomically: true, encoding: .utf8)
        let questions = try LabelledQuestion.load(url)
        #expect(questions.map(\.id) == ["line-1", "7"])
        #expect(questions[1].supportingTitles == ["rivers.txt"])
        try #"{"answers":["x"]}"#.write(to: url, atomically: true, encoding: .utf8)
        #expect(throws: EvaluationError.self) { try LabelledQuestion.load(url) }
        // A missing file says which, in one line, for eval, router train and router route alike.
        let missing = url.deletingLastPathComponent().appendingPathComponent("missing-\(UUID().uuidString).jsonl")
        do {
            _ = try LabelledQuestion.load(missing, skip: 0, limit: 0)
            Issue.record("a missing question file was read")
        } catch {
            #expect("\(error)" == "cannot read the question file \(missing.path): give an existing UTF-8 JSONL file of {\"question\",\"answers\",...}")
        }
    }
}

extension EvaluationReportTests {
    @Test func adaptiveRowsFollowEachRoute() {
        let records = [
            Self.record("1", "none", f1: 0, acc: 0, seconds: 1), Self.record("1", "single", f1: 1, acc: 1, seconds: 5),
            Self.record("2", "none", f1: 1, acc: 1, seconds: 1), Self.record("2", "single", f1: 0, acc: 0, seconds: 5),
            // q3 was answered only by the routed strategy (`rag eval --strategy auto`).
            Self.record("3", "single", f1: 0.5, acc: 0, seconds: 3),
        ]
        let smart: (EvaluationRecord) -> String = { $0.id == "2" ? "none" : "single" }
        let report = EvaluationReport(records: records, costOrder: ["none", "single"], route: smart,
                                      otherRoutes: ["adaptive (fast)": { _ in "none" }])
        #expect(report.overall["adaptive"]!.n == 3 && abs(report.overall["adaptive"]!.f1 - 250 / 3) < 1e-9)
        #expect(report.overall["adaptive (fast)"]!.n == 2 && report.overall["adaptive (fast)"]!.secondsPerQuestion == 1)
        #expect(report.overall["oracle"]!.n == 2)
    }
}
