import Foundation
import GRDB

extension IndexStore: IndexBackend {
    public var location: String { path }
    public var backendName: String { "sqlite" }
    public var lexicalRanking: String { "bm25 (fts5)" }

    /// The stored vectors of the given chunks (chunks without one, or unknown ids, are absent).
    public func vectors(ids: [Int64]) throws -> [Int64: [Float]] {
        if ids.isEmpty { return [:] }
        return try run("reading vectors") {
            try writer.read { db in
                var result: [Int64: [Float]] = [:]
                let list = "[" + ids.map(String.init).joined(separator: ",") + "]"
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT id, vector FROM chunks WHERE vector IS NOT NULL AND id IN (SELECT value FROM json_each(?))
                    """, arguments: [list])
                while let row = try rows.next() {
                    if let data: Data = row[1] { result[row[0]] = VectorCoding.decode(data) }
                }
                return result
            }
        }
    }
}
