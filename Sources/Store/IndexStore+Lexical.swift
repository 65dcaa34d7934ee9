import Foundation
import GRDB
import GRDBSQLite

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
                // ~2 million rows per 12 MB of text: step the statement with SQLite's C API and compare
                // term bytes in place, creating a String only when the term changes.
                let statement = try db.makeStatement(sql: "SELECT term, doc, col FROM chunks_fts_instance")
                let handle = statement.sqliteStatement
                while true {
                    let code = sqlite3_step(handle)
                    if code == SQLITE_DONE { break }
                    guard code == SQLITE_ROW else {
                        throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                            message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                    }
                    let termText = sqlite3_column_text(handle, 0)  // text first, then its length
                    let termBytes = UnsafeRawBufferPointer(start: termText, count: Int(sqlite3_column_bytes(handle, 0)))
                    let sameTerm = termBytes.count == previousTerm.count && previousTerm.withUnsafeBytes {
                        termBytes.count == 0 || memcmp($0.baseAddress!, termBytes.baseAddress!, termBytes.count) == 0
                    }
                    if !sameTerm {
                        flushPosting()
                        previousTerm = Array(termBytes)
                        terms.append(String(decoding: previousTerm, as: UTF8.self))
                        termStarts.append(documents.count)
                    }
                    let document = sqlite3_column_int64(handle, 1)
                    if document != currentDocument {
                        flushPosting()
                        guard let index = indexOf[document] else { continue }
                        currentDocument = document
                        currentIndex = index
                    }
                    // Column names: "title", "heading", "text" (told apart by their first two bytes).
                    let column = sqlite3_column_text(handle, 2)
                    let weight: Double
                    if let column, column[0] == UInt8(ascii: "h") {
                        weight = columnWeight[1]
                    } else if let column, column[0] == UInt8(ascii: "t"), column[1] == UInt8(ascii: "i") {
                        weight = columnWeight[0]
                    } else {
                        weight = columnWeight[2]
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
