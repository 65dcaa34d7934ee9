import Foundation
import GRDB

extension IndexStore {
    /// FTS5 column weights (title, heading, text) used by ``searchFTS(_:limit:)`` and ``lexicalPostings()``.
    ///
    /// Measured on the wiki QA corpus (recall@10 of gold passages over 2,249 questions, FTS5 bm25):
    /// 1/1/1 → 0.854, 1.5/1/1 → 0.859, 2/1.5/1 → 0.859, 3/1.5/1 → 0.861, 5/2/1 → 0.860: a title
    /// weight of 1.5–3 helps a little; headings (absent there) get a weight between title and text.
    public static let bm25ColumnWeights: (title: Double, heading: Double, text: Double) = (2.0, 1.5, 1.0)

    /// Runs an FTS5 MATCH expression and returns the best chunks by FTS5's `bm25()` (title and heading
    /// weighted above the text), best first, with score = −bm25 (higher is better).
    ///
    /// The expression must be valid FTS5 syntax: build it from user text with `FTSQueryBuilder`.
    ///
    /// For example:
    /// ```swift
    /// let hits = try store.searchFTS(#""sqlite" OR "tokenizer""#, limit: 10)
    /// ```
    /// - Throws: ``StoreError/database(operation:path:message:)`` (e.g. on an FTS5 syntax error).
    public func searchFTS(_ matchExpression: String, limit: Int) throws -> [(chunk: ChunkRecord, score: Double)] {
        guard limit > 0, !matchExpression.isEmpty else { return [] }
        let weights = Self.bm25ColumnWeights
        return try run("searching for \(matchExpression)") {
            try writer.read { db in
                // Rank inside FTS5 first (a subquery keeps the join from driving the scan), then join.
                let statement = try db.cachedStatement(sql: """
                    WITH hits AS (
                        SELECT rowid AS id, bm25(chunks_fts, \(weights.title), \(weights.heading), \(weights.text)) AS rank
                        FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rank LIMIT ?
                    )
                    SELECT c.id, d.name, d.title, c.heading, c.text, c.start, c."end", c.ordinal, s.path, hits.rank
                    FROM hits JOIN chunks c ON c.id = hits.id JOIN documents d ON d.id = c.document_id
                    JOIN sources s ON s.id = d.source_id
                    ORDER BY hits.rank, c.id
                    """)
                let rows = try Row.fetchCursor(statement, arguments: [matchExpression, limit])
                var result: [(chunk: ChunkRecord, score: Double)] = []
                while let row = try rows.next() {
                    let record = ChunkRecord(id: row[0], documentName: row[1], title: row[2], heading: row[3],
                                             text: row[4], start: row[5], end: row[6], ordinal: row[7], sourcePath: row[8])
                    let rank: Double = row[9]
                    result.append((record, -rank))
                }
                return result
            }
        }
    }

    /// Merges the FTS5 index segments into one (faster queries); call after a large ingest.
    public func optimize() throws {
        try run("optimizing the full-text index") {
            try writer.writeWithoutTransaction { db in
                try db.execute(sql: "INSERT INTO chunks_fts(chunks_fts) VALUES ('optimize')")
                try db.execute(sql: "PRAGMA optimize")
            }
        }
    }
}
