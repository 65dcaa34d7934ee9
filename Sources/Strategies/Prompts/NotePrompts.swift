import Foundation
import LanguageModels

/// The model-written parts of the notes strategy (the Adaptive-Note reference variant, arXiv
/// 2410.08821 §3: note initialisation, new queries, note refinement, the memory reviewer). Our own
/// wording of the papers' intent, short for a small model; passages and notes stay message text.
public struct NotePrompts: Sendable {
    public var noteTokens: Int
    public var queryTokens: Int

    public init(noteTokens: Int = 200, queryTokens: Int = 48) {
        self.noteTokens = noteTokens
        self.queryTokens = queryTokens
    }

    static let system = "You take careful notes from documents to answer a question."

    func initialNote(_ passages: [Passage], question: String) -> [ChatMessage] {
        [.system(Self.system), .user(AnswerPrompts.passageBlock(passages) + """
            Question: \(question)
            Write one short paragraph of notes that keeps, in the passages' own words, every fact useful \
            for answering the question.
            """)]
    }

    func newQueries(question: String, note: String, asked: [String]) -> [ChatMessage] {
        [.system(Self.system), .user("""
            Question: \(question)
            Notes so far: \(note)
            Queries already asked: \(asked.joined(separator: "; "))
            Write two new short, keyword-rich search queries for what the notes still lack, one per line, \
            different from the queries already asked.
            """)]
    }

    func refine(note: String, passages: [Passage], question: String) -> [ChatMessage] {
        [.system(Self.system), .user(AnswerPrompts.passageBlock(passages) + """
            Question: \(question)
            Current notes: \(note)
            Rewrite the notes, adding any fact from the passages above that helps answer the question and \
            is missing, in the passages' own words. Reply with the notes only.
            """)]
    }

    func compare(question: String, best: String, candidate: String) -> [ChatMessage] {
        [.system(Self.system), .user("""
            Question: \(question)
            Note 1: \(best)
            Note 2: \(candidate)
            Is Note 2 significantly better than Note 1 for answering the question (more key information, \
            more complete, more useful details)? Reply only {"status":"True"} or {"status":"False"}.
            """)]
    }

    func parameters(_ tokens: Int) -> GenerationParameters {
        GenerationParameters(maxTokens: tokens, sampling: .greedy)
    }
}

/// Reads the reviewer's verdict: `{"status":"True"}` JSON first (as Adaptive-Note's code), then
/// words — but "not true" or "false" anywhere means no, where the paper's fallback (`"true" in
/// reply`) would say yes.
public enum VerdictParser {
    public static func accepts(_ reply: String) -> Bool {
        if let start = reply.firstIndex(of: "{"), let end = reply[start...].firstIndex(of: "}"),
           let object = try? JSONSerialization.jsonObject(with: Data(reply[start...end].utf8)) as? [String: Any],
           let status = object["status"] {
            if let flag = status as? Bool { return flag }
            return "\(status)".trimmingCharacters(in: .whitespaces).lowercased() == "true"
        }
        let lower = reply.lowercased()
        if lower.contains("false") || lower.contains("not true") || lower.hasPrefix("no") { return false }
        return lower.contains("true") || lower.hasPrefix("yes")
    }
}

/// Reads proposed search queries: one per line, list markers and labels removed, repeats of earlier
/// queries dropped, at most `limit`.
public enum QueryListParser {
    public static func queries(_ reply: String, asked: [String], limit: Int = 2) -> [String] {
        let old = Set(asked.map { AnswerMetrics.normalize($0) })
        var seen = Set<String>()
        var out: [String] = []
        for raw in reply.split(whereSeparator: \.isNewline) {
            var line = raw.trimmingCharacters(in: .whitespaces)
            while let f = line.first, "-*•0123456789.)".contains(f) { line.removeFirst() }
            line = line.trimmingCharacters(in: .whitespaces)
            for label in ["query 1:", "query 2:", "query:", "queries:"] where line.lowercased().hasPrefix(label) {
                line = String(line.dropFirst(label.count)).trimmingCharacters(in: .whitespaces)
            }
            line = line.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            let key = AnswerMetrics.normalize(line)
            guard !key.isEmpty, !old.contains(key), seen.insert(key).inserted else { continue }
            out.append(line)
            if out.count == limit { break }
        }
        return out
    }
}
