import Foundation
@testable import Store

/// A temporary folder removed when the value is released.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("rag-store-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

func makeSource(_ path: String, hash: String = "h1", documents: [(name: String, title: String, texts: [String])],
                vectors: [[Float]]? = nil) -> SourceInput {
    var vectorIndex = 0
    let docs = documents.map { document in
        DocumentInput(name: document.name, title: document.title, type: "text", chunks: document.texts.enumerated().map {
            ordinal, text in
            defer { vectorIndex += 1 }
            return ChunkInput(ordinal: ordinal, text: text, heading: "Intro > Part \(ordinal)", start: ordinal * 100,
                              end: ordinal * 100 + text.count, vector: vectors.map { $0[vectorIndex] })
        })
    }
    return SourceInput(path: path, contentHash: hash, modificationDate: Date(timeIntervalSince1970: 1_700_000_000.5),
                       size: 1234, type: "text", documents: docs)
}

/// Chunk ids matched by an FTS5 query, straight from the FTS table.
func ftsMatches(_ store: IndexStore, _ query: String) throws -> [Int64] {
    try store.writer.read { db in
        try Int64.fetchAll(db, sql: "SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY rowid", arguments: [query])
    }
}
