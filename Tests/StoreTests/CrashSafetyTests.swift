import Foundation
import GRDB
import Testing
@testable import Store

/// A process killed mid-write leaves the files as they are at that instant: copying them while a
/// transaction is open (with its pages already spilled into the WAL) simulates `kill -9`.
@Suite struct CrashSafetyTests {
    struct Abort: Error {}

    @Test func killDuringAWriteKeepsTheLastCommittedBatch() throws {
        let folder = try TemporaryDirectory()
        let original = folder.url.appendingPathComponent("index")
        let snapshot = folder.url.appendingPathComponent("snapshot")
        let store = try IndexStore(directory: original)
        try store.write([makeSource("committed.txt", documents: [("committed.txt", "Committed", ["safe and sound"])])])

        #expect(throws: Abort.self) {
            try store.writer.write { db in
                try db.execute(sql: "PRAGMA cache_size = 8")  // force dirty pages out to the WAL mid-transaction
                for index in 0..<300 {
                    try db.execute(sql: "INSERT INTO sources(path, content_hash, mtime, size, type, indexed_at) VALUES (?, 'h', 0, 1, 'text', 0)",
                                   arguments: ["pending\(index).txt"])
                    let source = db.lastInsertedRowID
                    try db.execute(sql: "INSERT INTO documents(source_id, name, title, type) VALUES (?, 'p', 'Pending', 'text')",
                                   arguments: [source])
                    let document = db.lastInsertedRowID
                    try db.execute(sql: "INSERT INTO chunks(document_id, ordinal, text, heading, start, \"end\", text_key) VALUES (?, 0, ?, '', 0, 0, 0)",
                                   arguments: [document, String(repeating: "uncommitted words \(index) ", count: 40)])
                }
                // "kill -9" now: the files as they are on disk.
                try FileManager.default.createDirectory(at: snapshot, withIntermediateDirectories: true)
                for suffix in ["", "-wal"] {
                    let source = original.appendingPathComponent(IndexStore.fileName + suffix)
                    if FileManager.default.fileExists(atPath: source.path) {
                        try FileManager.default.copyItem(at: source, to: snapshot.appendingPathComponent(IndexStore.fileName + suffix))
                    }
                }
                throw Abort()
            }
        }
        let walSize = (try? FileManager.default.attributesOfItem(
            atPath: snapshot.appendingPathComponent(IndexStore.fileName + "-wal").path)[.size] as? Int) ?? 0
        #expect(walSize > 0)  // the uncommitted pages did reach the WAL
        let recovered = try IndexStore(directory: snapshot, createIfMissing: false)
        #expect(try recovered.allSources().map(\.path) == ["committed.txt"])
        #expect(try recovered.statistics().chunks == 1)
        #expect(try recovered.integrityCheck() == "ok")
        #expect(try ftsMatches(recovered, "uncommitted").isEmpty)
        #expect(try ftsMatches(recovered, "safe").count == 1)
    }
}
