import ArgumentParser
import Foundation
import RAG

/// `rag search QUERY`: show what retrieval finds.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Show the passages retrieval finds for a query.",
        discussion: """
            Any text is a valid query: quotes, parentheses and operators are taken literally.
            bm25 ranks by words (SQLite FTS5), dense by meaning (all-MiniLM-L6-v2 embeddings),
            hybrid adds the two scores, each scaled to 0-1 over its top 50 hits (falls back to bm25 when the index has no vectors).

            Examples:
              rag search "fts5 tokenizer"
              rag search "how do I make a table without rowid" --retriever dense --limit 5
              rag search "virtual table" --json | jq '.results[0].document'
            """
    )

    @OptionGroup var indexOptions: IndexOptions

    @Argument(help: "The query text.")
    var query: String

    @Option(name: .long, help: "Number of passages to show.")
    var limit = 10

    @Option(name: .long, help: ArgumentHelp("bm25 | dense | hybrid.", valueName: "retriever"))
    var retriever: RetrieverKind = .hybrid

    @Flag(name: .long, help: "Print {\"results\":[{document, chunk_id, title, heading, text, score}]} on stdout.")
    var json = false

    func validate() throws {
        guard !query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError("the query is empty: give the words to search for, as in: rag search \"fts5 tokenizer\"")
        }
        guard (1...1000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000") }
    }

    func run() async throws {
        let engine = try Engine(configuration: indexOptions.configuration, readOnly: true)
        let results = try engine.search(query, limit: limit, retriever: retriever)
        if json {
            struct Output: Encodable { var results: [SearchResult] }
            try Terminal.printJSON(Output(results: results))
            return
        }
        if results.isEmpty { Terminal.error("no results for \"\(query)\""); return }
        for (rank, r) in results.enumerated() {
            let heading = r.heading.isEmpty || r.heading == r.title ? "" : " › \(r.heading)"
            let title = Terminal.visible(r.title.isEmpty ? r.document : r.title)
            print("\(rank + 1). \(title)\(Terminal.visible(heading))  [\(String(format: "%.3f", r.score))]")
            print("   \(Terminal.visible(r.document))")
            print("   \(Terminal.visible(Snippet.make(r.text, query: query)))")
        }
    }
}

extension RetrieverKind: ExpressibleByArgument {}

/// A short excerpt of a passage, centred on the first query word it contains.
enum Snippet {
    static func make(_ text: String, query: String, width: Int = 220) -> String {
        let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard flat.count > width else { return flat }
        let words = query.lowercased().split { !$0.isLetter && !$0.isNumber }.filter { $0.count > 2 }
        let lower = flat.lowercased()
        var startOffset = 0
        for w in words {
            if let r = lower.range(of: String(w)) { startOffset = max(0, lower.distance(from: lower.startIndex, to: r.lowerBound) - width / 4); break }
        }
        let start = flat.index(flat.startIndex, offsetBy: min(startOffset, flat.count - 1))
        let end = flat.index(start, offsetBy: width, limitedBy: flat.endIndex) ?? flat.endIndex
        return (startOffset > 0 ? "…" : "") + flat[start..<end] + (end < flat.endIndex ? "…" : "")
    }
}
