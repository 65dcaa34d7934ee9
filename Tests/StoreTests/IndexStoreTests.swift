import Foundation
import GRDB
import Testing
@testable import Store

@Suite struct IndexStoreWriteTests {
    @Test func writeAndReadBack() throws {
        let store = try IndexStore.inMemory()
        let summary = try store.write([
            makeSource("a.txt", documents: [("a.txt", "Alpha", ["the quick brown fox", "jumps over the lazy dog"])]),
            makeSource("b.txt", hash: "hb", documents: [("b.txt", "Beta", ["cats sleep all day"])]),
        ])
        #expect(summary == WriteSummary(chunksAdded: 3, chunksRemoved: 0))
        let stats = try store.statistics()
        #expect(stats.sources == 2 && stats.documents == 2 && stats.chunks == 3)

        let source = try #require(try store.source(path: "b.txt"))
        #expect(source.contentHash == "hb")
        #expect(source.size == 1234 && source.type == "text")
        #expect(source.modificationDate == Date(timeIntervalSince1970: 1_700_000_000.5))
        #expect(try store.source(path: "missing.txt") == nil)
        #expect(try store.allSources().map(\.path) == ["a.txt", "b.txt"])

        let ids = try store.chunkIDs(sourcePath: "a.txt")
        #expect(ids.count == 2)
        let chunks = try store.chunks(ids: [ids[1], 999, ids[0]])
        #expect(chunks.map(\.id) == [ids[1], ids[0]])
        #expect(chunks[0].text == "jumps over the lazy dog")
        #expect(chunks[0].title == "Alpha" && chunks[0].heading == "Intro > Part 1")
        #expect(chunks[0].sourcePath == "a.txt" && chunks[0].documentName == "a.txt")
        #expect(chunks[0].start == 100 && chunks[0].end == 123 && chunks[0].ordinal == 1)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func replaceRemovesOldChunksAndFTSRows() throws {
        let store = try IndexStore.inMemory()
        try store.write([makeSource("a.txt", documents: [("a.txt", "Alpha", ["zebra crossing", "yellow submarine"])])])
        #expect(try ftsMatches(store, "zebra").count == 1)
        let summary = try store.write([makeSource("a.txt", hash: "h2", documents: [("a.txt", "Alpha", ["violet sky"])])])
        #expect(summary == WriteSummary(chunksAdded: 1, chunksRemoved: 2))
        #expect(try store.source(path: "a.txt")?.contentHash == "h2")
        #expect(try ftsMatches(store, "zebra").isEmpty)
        #expect(try ftsMatches(store, "violet").count == 1)
        #expect(try ftsMatches(store, "alpha").count == 1)  // title is indexed
        #expect(try store.statistics().chunks == 1)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func removeCascadesToDocumentsChunksAndFTS() throws {
        let store = try IndexStore.inMemory()
        try store.write([
            makeSource("corpus.jsonl", documents: [("p1", "Paris", ["capital of france"]), ("p2", "Rome", ["capital of italy"])]),
            makeSource("b.txt", documents: [("b.txt", "Berlin", ["capital of germany"])]),
        ])
        #expect(try ftsMatches(store, "capital").count == 3)
        let summary = try store.removeSources(paths: ["corpus.jsonl", "never-indexed.txt"])
        #expect(summary == WriteSummary(chunksAdded: 0, chunksRemoved: 2))
        let stats = try store.statistics()
        #expect(stats.sources == 1 && stats.documents == 1 && stats.chunks == 1)
        #expect(try ftsMatches(store, "capital").count == 1)
        #expect(try ftsMatches(store, "paris OR rome OR france").isEmpty)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func rawSQLDeleteOfASourceCascadesToo() throws {
        let store = try IndexStore.inMemory()
        try store.write([makeSource("a.txt", documents: [("a.txt", "Alpha", ["one two", "three four"])])])
        try store.writer.write { db in try db.execute(sql: "DELETE FROM sources") }
        #expect(try store.statistics().chunks == 0)
        #expect(try store.statistics().documents == 0)
        #expect(try ftsMatches(store, "one OR three OR alpha").isEmpty)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func titleUpdateKeepsFTSInSync() throws {
        let store = try IndexStore.inMemory()
        try store.write([makeSource("a.txt", documents: [("a.txt", "Oldtitle", ["body text"])])])
        try store.writer.write { db in try db.execute(sql: "UPDATE documents SET title = 'Newtitle'") }
        #expect(try ftsMatches(store, "oldtitle").isEmpty)
        #expect(try ftsMatches(store, "newtitle").count == 1)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func failedBatchWritesNothing() throws {
        let store = try IndexStore.inMemory()
        try store.setEmbeddingModel(id: "m", dimension: 2)
        let good = makeSource("a.txt", documents: [("a.txt", "A", ["x"])], vectors: [[1, 2]])
        let bad = makeSource("b.txt", documents: [("b.txt", "B", ["y"])], vectors: [[1, 2, 3]])
        #expect(throws: StoreError.self) { try store.write([good, bad]) }
        #expect(try store.statistics().sources == 0)
        #expect(throws: StoreError.invalidInput("a source has an empty path")) {
            try store.write([makeSource("", documents: [])])
        }
    }

    @Test func generationIncreasesOnWrites() throws {
        let store = try IndexStore.inMemory()
        let g0 = try store.generation()
        try store.write([makeSource("a.txt", documents: [("a.txt", "A", ["x"])])])
        let g1 = try store.generation()
        try store.removeSources(paths: ["a.txt"])
        let g2 = try store.generation()
        #expect(g0 < g1 && g1 < g2)
    }
}

@Suite struct IndexStoreVectorTests {
    @Test func vectorsRoundTrip() throws {
        let store = try IndexStore.inMemory()
        #expect(try store.embeddingModel() == nil)
        #expect(try store.loadVectors().ids.isEmpty)
        try store.setEmbeddingModel(id: "all-MiniLM-L6-v2", dimension: 3)
        let model = try #require(try store.embeddingModel())
        #expect(model.id == "all-MiniLM-L6-v2" && model.dimension == 3)
        let values: [[Float]] = [[1, -2.5, 3e-8], [.pi, 0, -0], [Float.greatestFiniteMagnitude, 1, 2]]
        try store.write([makeSource("a.txt", documents: [("a.txt", "A", ["one", "two", "three"])], vectors: values)])
        let loaded = try store.loadVectors()
        #expect(loaded.dimension == 3)
        #expect(loaded.ids == (try store.chunkIDs(sourcePath: "a.txt")))
        #expect(loaded.matrix == values.flatMap { $0 })
        #expect(try store.vectorCount() == 3)
    }

    @Test func chunksWithoutVectorsCanBeFilledLater() throws {
        let store = try IndexStore.inMemory()
        try store.write([makeSource("a.txt", documents: [("a.txt", "A", ["one", "two"])])])
        #expect(throws: StoreError.embeddingModelNotSet) { try store.updateVectors([(id: 1, vector: [1])]) }
        try store.setEmbeddingModel(id: "m", dimension: 2)
        let missing = try store.chunksWithoutVectors()
        #expect(missing.map(\.text) == ["one", "two"])
        try store.updateVectors(missing.map { (id: $0.id, vector: [Float($0.id), 0.5]) })
        #expect(try store.chunksWithoutVectors().isEmpty)
        #expect(try store.loadVectors().matrix == [Float(missing[0].id), 0.5, Float(missing[1].id), 0.5])
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func modelMismatchIsRefusedWhileVectorsExist() throws {
        let store = try IndexStore.inMemory()
        try store.setEmbeddingModel(id: "a", dimension: 2)
        try store.setEmbeddingModel(id: "b", dimension: 4)  // no vectors yet: allowed
        try store.write([makeSource("a.txt", documents: [("a.txt", "A", ["x"])], vectors: [[1, 2, 3, 4]])])
        try store.setEmbeddingModel(id: "b", dimension: 4)  // same: no-op
        #expect(throws: StoreError.embeddingModelMismatch(stored: "b", storedDimension: 4, requested: "c", requestedDimension: 4)) {
            try store.setEmbeddingModel(id: "c", dimension: 4)
        }
        try store.clearVectors()
        #expect(try store.embeddingModel() == nil)
        try store.setEmbeddingModel(id: "c", dimension: 4)
    }

    @Test func vectorsWithoutModelOrWrongDimensionAreRefused() throws {
        let store = try IndexStore.inMemory()
        #expect(throws: StoreError.embeddingModelNotSet) {
            try store.write([makeSource("a.txt", documents: [("a.txt", "A", ["x"])], vectors: [[1, 2]])])
        }
        try store.setEmbeddingModel(id: "m", dimension: 3)
        #expect(throws: StoreError.self) {
            try store.write([makeSource("a.txt", documents: [("a.txt", "A", ["x"])], vectors: [[1, 2]])])
        }
    }

    @Test func existingVectorsMatchTitleHeadingAndText() throws {
        let store = try IndexStore.inMemory()
        try store.setEmbeddingModel(id: "m", dimension: 2)
        try store.write([
            makeSource("a.txt", documents: [("a.txt", "A", ["same text", "other"])], vectors: [[1, 2], [3, 4]]),
            makeSource("b.txt", documents: [("b.txt", "B", ["no vector here"])]),
        ])
        let same = EmbeddedText(title: "A", heading: "Intro > Part 0", text: "same text")
        let found = try store.existingVectors(for: [
            same, EmbeddedText(title: "B", heading: "Intro > Part 0", text: "no vector here"),
            EmbeddedText(title: "A", heading: "Intro > Part 0", text: "absent"),
            // Same text under another title or heading was embedded from different words.
            EmbeddedText(title: "Renamed", heading: "Intro > Part 0", text: "same text"),
            EmbeddedText(title: "A", heading: "Intro", text: "same text"),
        ])
        #expect(found == [same: [1, 2]])
        #expect(try store.existingVectors(for: []).isEmpty)
    }
}

@Suite struct IndexStoreFileTests {
    @Test func persistsAcrossReopenInWALMode() throws {
        let folder = try TemporaryDirectory()
        let indexURL = folder.url.appendingPathComponent("idx")
        do {
            let store = try IndexStore(directory: indexURL)
            try store.setEmbeddingModel(id: "m", dimension: 2)
            try store.write([makeSource("a.txt", documents: [("a.txt", "A", ["persist me"])], vectors: [[0.25, -1]])])
        }
        #expect(FileManager.default.fileExists(atPath: indexURL.appendingPathComponent(IndexStore.fileName).path))
        let reopened = try IndexStore(directory: indexURL, createIfMissing: false)
        #expect(try reopened.statistics().chunks == 1)
        #expect(try reopened.loadVectors().matrix == [0.25, -1])
        #expect(try reopened.schemaVersion() == Schema.currentVersion)
        let mode = try reopened.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        // The database file itself can be given too.
        let byFile = try IndexStore(directory: indexURL.appendingPathComponent(IndexStore.fileName), createIfMissing: false)
        #expect(try byFile.statistics().sources == 1)
    }

    @Test func missingIndexIsReportedWhenNotCreating() throws {
        let folder = try TemporaryDirectory()
        let url = folder.url.appendingPathComponent("nope")
        #expect(throws: StoreError.indexNotFound(path: url.path)) { try IndexStore(directory: url, createIfMissing: false) }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }

    @Test func foreignFileIsRefused() throws {
        let folder = try TemporaryDirectory()
        let file = folder.url.appendingPathComponent(IndexStore.fileName)
        try Data(String(repeating: "this is not a database, just some text\n", count: 200).utf8).write(to: file)
        let error = try #require(throws: StoreError.self) { try IndexStore(directory: folder.url) }
        #expect(error == .notADatabase(path: file.path))
        #expect(error.description.contains(file.path))
        #expect(error.description.contains("not an SQLite database"))
    }

    @Test func nonRagSQLiteFileIsRefusedAndLeftUntouched() throws {
        let folder = try TemporaryDirectory()
        let file = folder.url.appendingPathComponent(IndexStore.fileName)
        do {
            let queue = try DatabaseQueue(path: file.path)
            try queue.write { db in try db.execute(sql: "CREATE TABLE people(name TEXT); INSERT INTO people VALUES ('x')") }
        }
        let before = try Data(contentsOf: file)
        let error = try #require(throws: StoreError.self) { try IndexStore(directory: folder.url) }
        #expect(error == .foreignDatabase(path: file.path))
        #expect(error.description.contains("not a rag index"))
        #expect(try Data(contentsOf: file) == before)
        #expect(!FileManager.default.fileExists(atPath: file.path + "-wal"))
    }

    @Test func newerSchemaIsRefused() throws {
        let folder = try TemporaryDirectory()
        do {
            let store = try IndexStore(directory: folder.url)
            try store.writer.write { db in
                try db.execute(sql: "UPDATE meta SET value = '99' WHERE key = 'schema_version'")
            }
        }
        let error = try #require(throws: StoreError.self) { try IndexStore(directory: folder.url) }
        #expect(error == .newerSchema(path: folder.url.appendingPathComponent(IndexStore.fileName).path, found: 99,
                                      supported: Schema.currentVersion))
        #expect(error.description.contains("upgrade rag"))
    }

    @Test func unknownMigrationIsRefused() throws {
        let folder = try TemporaryDirectory()
        do {
            let store = try IndexStore(directory: folder.url)
            try store.writer.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('v9: from the future')")
            }
        }
        #expect(throws: StoreError.self) { try IndexStore(directory: folder.url) }
    }

    @Test func emptySQLiteFileIsInitialised() throws {
        let folder = try TemporaryDirectory()
        let file = folder.url.appendingPathComponent(IndexStore.fileName)
        #expect(FileManager.default.createFile(atPath: file.path, contents: Data()))
        let store = try IndexStore(directory: folder.url)
        #expect(try store.statistics().sources == 0)
    }

    @Test func errorDescriptionsAreOneLine() {
        let errors: [StoreError] = [
            .indexNotFound(path: "/x"), .notADatabase(path: "/x"), .foreignDatabase(path: "/x"),
            .newerSchema(path: "/x", found: 2, supported: 1),
            .embeddingModelMismatch(stored: "a", storedDimension: 1, requested: "b", requestedDimension: 2),
            .embeddingModelNotSet, .vectorDimensionMismatch(expected: 1, found: 2, context: "c"),
            .corruptVector(chunkID: 1, bytes: 3, dimension: 1), .invalidInput("x"),
            .database(operation: "o", path: "/x", message: "m"),
        ]
        for error in errors {
            #expect(!error.description.contains("\n"))
            #expect(!error.description.isEmpty)
        }
    }
}

@Suite struct StoreCacheTests {
    @Test func valuesAreKeptPerGeneration() throws {
        let cache = StoreCache()
        var builds = 0
        let a = cache.value("k", generation: 1) { builds += 1; return 10 }
        let b = cache.value("k", generation: 1) { builds += 1; return 20 }
        #expect(a == 10 && b == 10 && builds == 1)
        #expect(cache.value("k", generation: 2, as: Int.self) == nil)
        #expect(cache.value("k", generation: 2) { builds += 1; return 30 } == 30)
        #expect(builds == 2)
        #expect(cache.increment("n") == 1 && cache.increment("n") == 2)
        cache.removeAll()
        #expect(cache.value("k", generation: 2, as: Int.self) == nil)
    }

    /// A build that reads another cached value (the vector lookup built from the cached vectors) must
    /// not deadlock: this hung `rag ask --strategy notes` once links were found.
    @Test func aBuildMayReadTheCache() throws {
        let cache = StoreCache()
        let outer = cache.value("outer", generation: 1) { () -> Int in
            let inner = cache.value("inner", generation: 1) { 20 }
            return inner + 1
        }
        #expect(outer == 21)
        #expect(cache.value("inner", generation: 1, as: Int.self) == 20)
    }
}
