import Foundation

/// A labelled question: gold passages are named by document (`supporting_ids`, the corpus ids a
/// JSONL ingest uses as document names).
public struct LabelledQuestion: Sendable, Codable {
    public var id: String
    public var dataset: String?
    public var question: String
    public var answers: [String]?
    public var type: String?
    public var supportingTitles: [String]?
    public var supportingIDs: [String]?

    enum CodingKeys: String, CodingKey {
        case id, dataset, question, answers, type
        case supportingTitles = "supporting_titles", supportingIDs = "supporting_ids"
    }

    public init(id: String, dataset: String? = nil, question: String, answers: [String]? = nil, type: String? = nil,
                supportingTitles: [String]? = nil, supportingIDs: [String]? = nil) {
        self.id = id
        self.dataset = dataset
        self.question = question
        self.answers = answers
        self.type = type
        self.supportingTitles = supportingTitles
        self.supportingIDs = supportingIDs
    }

    /// A user's own lines may carry only `question` and `answers`, and a numeric `id`: `load` then
    /// names each question by its line number.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let text = try? c.decodeIfPresent(String.self, forKey: .id) { id = text }
        else if let number = try? c.decodeIfPresent(Int.self, forKey: .id) { id = String(number) }
        else { id = "" }
        dataset = try c.decodeIfPresent(String.self, forKey: .dataset)
        question = try c.decode(String.self, forKey: .question)
        answers = try c.decodeIfPresent([String].self, forKey: .answers)
        type = try c.decodeIfPresent(String.self, forKey: .type)
        supportingTitles = try c.decodeIfPresent([String].self, forKey: .supportingTitles)
        supportingIDs = try c.decodeIfPresent([String].self, forKey: .supportingIDs)
    }

    /// The questions of a file after the first `skip`, at most `limit` (0 = all), each with a dataset:
    /// its own, else the file's name without the extension (as `rag eval` files and keys them).
    public static func load(_ url: URL, skip: Int, limit: Int) throws -> [LabelledQuestion] {
        var loaded = Array(try load(url).dropFirst(max(0, skip)))
        if limit > 0 { loaded = Array(loaded.prefix(limit)) }
        let fallback = url.deletingPathExtension().lastPathComponent
        return loaded.map { q in var q = q; q.dataset = q.dataset ?? fallback; return q }
    }

    /// Reads a JSONL file of questions; blank lines are skipped.
    public static func load(_ url: URL) throws -> [LabelledQuestion] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { throw EvaluationError.unreadable(path: url.path) }
        var out: [LabelledQuestion] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            do {
                var q = try JSONDecoder().decode(LabelledQuestion.self, from: Data(line.utf8))
                if q.id.isEmpty { q.id = "line-\(n + 1)" }
                out.append(q)
            }
            catch { throw EvaluationError.badQuestion(path: url.path, line: n + 1) }
        }
        return out
    }
}

public enum EvaluationError: Error, CustomStringConvertible, Sendable {
    case badQuestion(path: String, line: Int)
    case noLabels(path: String)
    /// The question file is missing, unreadable or not UTF-8.
    case unreadable(path: String)
    public var description: String {
        switch self {
        case .unreadable(let path):
            return "cannot read the question file \(path): give an existing UTF-8 JSONL file of {\"question\",\"answers\",...}"
        case .badQuestion(let path, let line):
            return "\(path):\(line): not a question object {\"question\",\"answers\",...}: fix or remove the line"
        case .noLabels(let path):
            return "\(path): no question has supporting_ids, so retrieval recall cannot be measured"
        }
    }
}

/// Recall and latency of one retriever on one question set.
public struct RetrievalScore: Sendable, Codable {
    public var dataset: String
    public var retriever: String
    public var questions: Int
    /// Fraction of gold passages found in the top k, averaged over questions, keyed by k.
    public var recall: [String: Double]
    /// Questions whose gold passages were all in the top 10.
    public var allFoundAt10: Double
    public var medianMilliseconds: Double
    public var p95Milliseconds: Double

    enum CodingKeys: String, CodingKey {
        case dataset, retriever, questions, recall, allFoundAt10 = "all_found_at_10"
        case medianMilliseconds = "median_ms", p95Milliseconds = "p95_ms"
    }
}

extension Engine {
    /// Measures recall@k of the gold passages (by document name) and per-query latency.
    ///
    /// For example: `try engine.evaluateRetrieval(questions, dataset: "hotpotqa", retriever: .bm25)`.
    public func evaluateRetrieval(_ questions: [LabelledQuestion], dataset: String, retriever kind: RetrieverKind,
                                  ks: [Int] = [5, 10]) throws -> RetrievalScore {
        let retriever = try makeRetriever(kind)
        let depth = max(ks.max() ?? 10, 10)
        var sums = [Int: Double](), allAt10 = 0.0, times: [Double] = []
        var counted = 0
        let clock = ContinuousClock()
        for q in questions {
            guard let gold = q.supportingIDs, !gold.isEmpty else { continue }
            let start = clock.now
            let hits = try retriever.search(q.question, limit: depth)
            let d = clock.now - start
            times.append(Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) * 1e-15)
            let ranked = try chunkRecords(for: hits).map(\.chunk.documentName)
            let goldSet = Set(gold)
            for k in ks {
                let found = Set(ranked.prefix(k)).intersection(goldSet).count
                sums[k, default: 0] += Double(found) / Double(goldSet.count)
            }
            if goldSet.isSubset(of: Set(ranked.prefix(10))) { allAt10 += 1 }
            counted += 1
        }
        times.sort()
        let pick = { (p: Double) -> Double in times.isEmpty ? 0 : times[min(times.count - 1, Int(Double(times.count - 1) * p))] }
        var recall: [String: Double] = [:]
        for k in ks { recall["\(k)"] = counted > 0 ? (sums[k] ?? 0) / Double(counted) : 0 }
        return RetrievalScore(dataset: dataset, retriever: kind.rawValue, questions: counted, recall: recall,
                              allFoundAt10: counted > 0 ? allAt10 / Double(counted) : 0,
                              medianMilliseconds: pick(0.5), p95Milliseconds: pick(0.95))
    }
}
