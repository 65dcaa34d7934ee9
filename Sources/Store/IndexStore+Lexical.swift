import Foundation
import GRDB

extension IndexStore {
    /// Reads the whole FTS5 index as postings (one pass over `fts5vocab` in term order), within one
    /// read transaction so the postings match one committed state of the index.
    ///
    /// Costs about a second per 2 million indexed tokens; build once and cache (see ``cache``).
    public func lexicalPostings() throws -> LexicalPostings {
        let weights = Self.bm25ColumnWeights
        let columnWeight = [weights.title, weights.heading, weights.text]
        return try run("reading the full-text index") {
            try writer.read { db in
                let generation = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'generation'")
                    .flatMap { Int($0) } ?? 0
                let chunkIDs = try Int64.fetchAll(db, sql: "SELECT id FROM chunks ORDER BY id")
                var indexOf: [Int64: UInt32] = [:]
                indexOf.reserveCapacity(chunkIDs.count)
                for (index, id) in chunkIDs.enumerated() { indexOf[id] = UInt32(index) }
                var lengths = [Int32](repeating: 0, count: chunkIDs.count)
                var terms: [String] = []
                var termStarts: [Int] = []
                var documents: [UInt32] = []
                var frequencies: [Double] = []

                var previousTerm: [UInt8] = []
                var currentDocument: Int64 = -1
                var currentIndex: UInt32 = 0
                var currentFrequency = 0.0
                func flushPosting() {
                    if currentDocument >= 0 {
                        documents.append(currentIndex)
                        frequencies.append(currentFrequency)
                    }
                    currentDocument = -1
                    currentFrequency = 0
                }
                let rows = try Row.fetchCursor(db, sql: "SELECT term, doc, col FROM chunks_fts_instance")
                while let row = try rows.next() {
                    let document: Int64 = row[1]
                    // Column names: "title", "heading", "text" (told apart by their first two bytes).
                    let weight = try row.withUnsafeData(atIndex: 2) { data -> Double in
                        guard let data, let first = data.first else { return columnWeight[2] }
                        if first == UInt8(ascii: "h") { return columnWeight[1] }
                        return data.dropFirst().first == UInt8(ascii: "i") ? columnWeight[0] : columnWeight[2]
                    }
                    let isNewTerm = try row.withUnsafeData(atIndex: 0) { data -> Bool in
                        guard let data else { return false }
                        if data.elementsEqual(previousTerm) { return false }
                        previousTerm = Array(data)
                        return true
                    }
                    if isNewTerm {
                        flushPosting()
                        terms.append(String(decoding: previousTerm, as: UTF8.self))
                        termStarts.append(documents.count)
                    }
                    if document != currentDocument {
                        flushPosting()
                        guard let index = indexOf[document] else { continue }
                        currentDocument = document
                        currentIndex = index
                    }
                    currentFrequency += weight
                    lengths[Int(currentIndex)] += 1
                }
                flushPosting()
                termStarts.append(documents.count)
                return LexicalPostings(chunkIDs: chunkIDs, documentLengths: lengths, terms: terms,
                                       termStarts: termStarts, documents: documents, frequencies: frequencies,
                                       generation: generation)
            }
        }
    }

    /// FTS5's tokens (`porter unicode61`: case-folded, diacritics removed, stemmed) for each word.
    ///
    /// For example: `try store.ftsTokens(["Running", "Cafés"])` is `[["run"], ["cafe"]]`.
    public func ftsTokens(_ words: [String]) throws -> [[String]] {
        if words.isEmpty { return [] }
        return try run("tokenizing a query") {
            try writer.read { db in
                let tokenizer = try db.makeTokenizer(.porter(wrapping: .unicode61()))
                return try words.map { try tokenizer.tokenize(query: $0).map(\.token) }
            }
        }
    }
}
