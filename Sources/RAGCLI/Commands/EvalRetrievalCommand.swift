import ArgumentParser
import Foundation
import RAG

/// `rag eval-retrieval QUESTIONS...`: recall@k of gold passages and query latency per retriever.
struct EvalRetrievalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-retrieval",
        abstract: "Measure retrieval: recall@5/@10 of gold passages and query latency, per retriever.",
        discussion: """
            QUESTIONS are JSONL files of {"id","question","supporting_ids":[...]} whose ids name documents
            in the index (the ids of an ingested JSONL corpus). Prints a table, or --json.

            Example:
              rag ingest ../shared/data/corpus/wiki.jsonl --index indexes/wiki
              rag eval-retrieval ../shared/data/questions/*.jsonl --index indexes/wiki
            """
    )

    @OptionGroup var indexOptions: IndexOptions

    @Argument(help: ArgumentHelp("Question files (JSONL).", valueName: "questions"))
    var files: [String]

    @Option(name: .long, help: ArgumentHelp("Comma-separated retrievers to measure.", valueName: "list"))
    var retrievers = "bm25,dense,hybrid"

    @Option(name: .long, help: "Use at most this many questions per file (0 = all).")
    var maxQuestions = 0

    @Option(name: .long, help: "Skip this many questions at the start of each file (for a held-out split: tune on --max-questions N, check on --skip N).")
    var skip = 0

    @Flag(name: .long, help: "Print {\"scores\":[...]} on stdout.")
    var json = false

    func run() async throws {
        let kinds = try retrievers.split(separator: ",").map { name -> RetrieverKind in
            guard let k = RetrieverKind(rawValue: String(name)) else {
                throw ValidationError("unknown retriever '\(name)': use bm25, dense or hybrid")
            }
            return k
        }
        let engine = try Engine(configuration: indexOptions.configuration, readOnly: true)
        var scores: [RetrievalScore] = []
        for file in files {
            let url = URL(fileURLWithPath: file)
            var questions = Array(try LabelledQuestion.load(url).filter { !($0.supportingIDs ?? []).isEmpty }
                .dropFirst(max(0, skip)))
            if questions.isEmpty { continue }
            if maxQuestions > 0 { questions = Array(questions.prefix(maxQuestions)) }
            let dataset = questions.first?.dataset ?? url.deletingPathExtension().lastPathComponent
            for kind in kinds {
                scores.append(try engine.evaluateRetrieval(questions, dataset: dataset, retriever: kind))
            }
        }
        if json {
            struct Output: Encodable { var scores: [RetrievalScore] }
            try Terminal.printJSON(Output(scores: scores))
            return
        }
        print("dataset              retriever   n     R@5     R@10    all@10  median ms  p95 ms")
        for s in scores {
            let name = s.dataset.padding(toLength: 20, withPad: " ", startingAt: 0)
            let kind = s.retriever.padding(toLength: 9, withPad: " ", startingAt: 0)
            print(name + " " + kind + String(format: " %5d   %.3f   %.3f   %.3f   %8.2f  %7.2f", s.questions, s.recall["5"] ?? 0,
                         s.recall["10"] ?? 0, s.allFoundAt10, s.medianMilliseconds, s.p95Milliseconds))
        }
    }
}
