import Foundation
import PostgresNIO
import Store

extension PostgresIndexStore {
    public func lexicalSearch(keywords: [String], limit: Int) throws -> [RankedChunk] {
        guard limit > 0, !keywords.isEmpty else { return [] }
        let ranked = usesBM25 ? PostgresSQL.rankBM25 : PostgresSQL.rankCD
        return try read("searching words") { session in
            try Self.rankedChunks(session.query(PostgresSQL.withRecords(ranked), try binds(keywords, Int64(limit)), "searching words"))
        }
    }

    public func vectorSearch(_ vector: [Float], limit: Int, exact: Bool = false) throws -> [RankedChunk] {
        guard limit > 0 else { return [] }
        return try read("searching vectors") { session in
            let statement = PostgresSQL.withRecords(PostgresSQL.nearest)
            let arguments = try binds(PostgresVector.encode(vector), Int64(limit))
            if exact {
                // Without the index: a sequential scan computes every distance (the reference).
                return try session.transaction("searching vectors exactly") {
                    try session.query("SET LOCAL enable_indexscan = off", PostgresBindings(), "searching vectors exactly")
                    return try Self.rankedChunks(session.query(statement, arguments, "searching vectors exactly"))
                }
            }
            try raiseSearchDepth(session, to: limit)
            return try Self.rankedChunks(session.query(statement, arguments, "searching vectors"))
        }
    }

    public func hybridSearch(keywords: [String], vector: [Float], limit: Int, candidates: Int,
                             fusion: BackendFusion) throws -> [RankedChunk] {
        guard limit > 0 else { return [] }
        let depth = max(candidates, limit)
        var weights = (lexical: 0.0, vector: 0.0, k: 0.0)
        switch fusion {
        case let .convex(lexical, vector): weights = (lexical, vector, 0)
        case let .reciprocalRank(k): weights = (0, 0, max(k, 1e-9))
        }
        let statement = PostgresSQL.hybrid(lexical: usesBM25 ? PostgresSQL.rankBM25 : PostgresSQL.rankCD)
        return try read("searching words and vectors") { session in
            try raiseSearchDepth(session, to: depth)
            return try Self.rankedChunks(session.query(statement, try binds(
                keywords, PostgresVector.encode(vector), Int64(depth), weights.lexical, weights.vector, weights.k, Int64(limit)),
                "searching words and vectors"))
        }
    }

    /// HNSW returns at most `hnsw.ef_search` rows and finds more of the true nearest the larger it
    /// is: ``searchBreadth``, raised to the depth of deeper searches.
    func raiseSearchDepth(_ session: PostgresSession, to depth: Int) throws {
        try session.query("SELECT set_config('hnsw.ef_search', $1, false)", try binds(String(max(searchBreadth, depth))),
                          "setting the search depth")
    }

    static func rankedChunks(_ rows: PostgresQueryResult) throws -> [RankedChunk] {
        try rows.map { row in
            let (id, name, title, heading, text, start, end, ordinal, path, score) =
                try row.decode((Int64, String, String, String, String, Int64, Int64, Int64, String, Double).self)
            return RankedChunk(chunk: ChunkRecord(id: id, documentName: name, title: title, heading: heading, text: text,
                                                  start: Int(start), end: Int(end), ordinal: Int(ordinal), sourcePath: path),
                               score: score)
        }
    }
}
