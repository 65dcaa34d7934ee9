import Foundation
import Testing
import PostgresStore
import Embeddings
import Retrieval
import Store
import TestSupport

/// The index backends, each test run against every one available: SQLite always; PostgreSQL when
/// `$RAG_TEST_POSTGRES_URL` names a server (scripts/test.sh starts one on loopback). Under CI=true a
/// missing server fails the PostgreSQL cases instead of skipping them.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["RAG_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The backends to run: PostgreSQL only with a server (or on CI, where its absence must fail).
    static var available: [Backend] {
        postgresURL != nil || TestEnvironment.isCI ? allCases : [.sqlite]
    }
}

/// A fresh, empty index of one backend; its folder or database goes when the value is released.
final class FreshIndex {
    let backend: Backend
    let store: any IndexBackend
    /// Opens the same index again (a second writer, a reader).
    let reopen: (_ readOnly: Bool) throws -> any IndexBackend
    private let cleanup: () -> Void

    init(_ backend: Backend) throws {
        self.backend = backend
        switch backend {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rag-conformance-\(UUID().uuidString)")
            store = try IndexStore(directory: folder)
            reopen = { readOnly in try IndexStore(directory: folder, createIfMissing: false, readOnly: readOnly) }
            cleanup = { try? FileManager.default.removeItem(at: folder) }
        case .postgres:
            guard let server = Backend.postgresURL else {
                throw StoreError.invalidInput("RAG_TEST_POSTGRES_URL is not set: run the tests with scripts/test.sh, which starts a PostgreSQL server")
            }
            let name = "rag_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
            let url = try PostgresAdmin.createDatabase(name, like: server)
            store = try PostgresIndexStore(url: url)
            reopen = { readOnly in try PostgresIndexStore(url: url, createIfMissing: false, readOnly: readOnly) }
            cleanup = { try? PostgresAdmin.dropDatabase(name, like: server) }
        }
    }

    deinit { cleanup() }
}

/// A unit vector spread from a seed (deterministic, no model needed).
func unitVector(_ seed: Int, dimension: Int = 384) -> [Float] {
    var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1
    var values = (0..<dimension).map { _ -> Float in
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return Float(Int64(bitPattern: state % 2_000_001) - 1_000_000) / 1_000_000
    }
    let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
    values = values.map { $0 / norm }
    return values
}

func source(_ path: String, hash: String = "h1", _ documents: [(title: String, texts: [String])], vectorSeed: Int? = nil) -> SourceInput {
    var seed = vectorSeed ?? 0
    let inputs = documents.enumerated().map { index, document in
        DocumentInput(name: "\(path)#\(index)", title: document.title, type: "text", chunks: document.texts.enumerated().map { ordinal, text in
            defer { seed += 1 }
            return ChunkInput(ordinal: ordinal, text: text, heading: "Part \(ordinal)", start: ordinal * 100, end: ordinal * 100 + text.count,
                              vector: vectorSeed == nil ? nil : unitVector(seed))
        })
    }
    return SourceInput(path: path, contentHash: hash, modificationDate: Date(timeIntervalSince1970: 1_700_000_000.5),
                       size: 1234, type: "text", documents: inputs)
}

/// A small linked corpus: films and people that mention each other by title.
let films = source("films.jsonl", [
    ("Sinister (film)", ["Sinister is a 2012 supernatural horror film directed by Scott Derrickson.",
                         "The film stars Ethan Hawke as a true-crime writer."]),
    ("Doctor Strange (2016 film)", ["Doctor Strange was directed by Scott Derrickson and stars Benedict Cumberbatch."]),
], vectorSeed: 100)
let people = source("people.jsonl", [
    ("Scott Derrickson", ["Scott Derrickson (born 1966) is an American director and screenwriter.", "He directed Sinister."]),
    ("Ethan Hawke", ["Ethan Hawke is an American actor; he starred in Sinister (film)."]),
    ("Benedict Cumberbatch", ["Benedict Cumberbatch is an English actor known for Doctor Strange (2016 film)."]),
], vectorSeed: 200)

func prepared(_ index: FreshIndex, vectors: Bool = true) throws {
    if vectors { try index.store.setEmbeddingModel(id: "test-model", dimension: 384) }
    try index.store.write(vectors ? [films, people] : [films, people].map { var s = $0; s.documents = s.documents.map { d in
        var d = d; d.chunks = d.chunks.map { var c = $0; c.vector = nil; return c }; return d }; return s })
}

@Suite struct BackendConformanceTests {
    @Test(arguments: Backend.available)
    func writesReadsAndReplaces(_ backend: Backend) throws {
        let index = try FreshIndex(backend)
        let store = index.store
        try store.setEmbeddingModel(id: "test-model", dimension: 384)
        let generation = try store.generation()
        let summary = try store.write([films, people])
        #expect(summary == WriteSummary(chunksAdded: 7, chunksRemoved: 0))
        #expect(try store.generation() > generation)
        #expect(try store.statistics() == (sources: 2, documents: 5, chunks: 7))
        let stored = try #require(try store.source(path: "films.jsonl"))
        #expect(stored.contentHash == "h1" && stored.size == 1234 && stored.type == "text")
        #expect(stored.modificationDate.timeIntervalSince1970 == 1_700_000_000.5)
        #expect(try store.allSources().map(\.path) == ["films.jsonl", "people.jsonl"])
        let ids = try store.chunkIDs(sourcePath: "films.jsonl")
        #expect(ids.count == 3)
        let records = try store.chunks(ids: ids.reversed() + [999_999])
        #expect(records.map(\.id) == ids.reversed())
        #expect(records.last?.title == "Sinister (film)" && records.last?.heading == "Part 0" && records.last?.ordinal == 0)
        #expect(records.last?.sourcePath == "films.jsonl" && records.last?.documentName == "films.jsonl#0")
        #expect(try store.chunkCountsBySource()[stored.id] == 3)

        // Replacing a source drops its old chunks and their links; removing drops the rest.
        let replaced = try store.write([source("films.jsonl", hash: "h2", [("Sinister (film)", ["A new text."])])])
        #expect(replaced == WriteSummary(chunksAdded: 1, chunksRemoved: 3))
        #expect(try store.source(path: "films.jsonl")?.contentHash == "h2")
        #expect(try store.chunks(ids: ids).isEmpty)
        #expect(try store.removeSources(paths: ["people.jsonl", "nowhere"]) == WriteSummary(chunksAdded: 0, chunksRemoved: 4))
        #expect(try store.statistics() == (sources: 1, documents: 1, chunks: 1))
        #expect(try store.integrityCheck() == "ok")
    }

    @Test(arguments: Backend.available)
    func recordsTheEmbeddingPrecisions(_ backend: Backend) throws {
        let index = try FreshIndex(backend)
        let store = index.store
        #expect(try store.embeddingPrecision() == nil)
        try store.setEmbeddingModel(id: "test-model", dimension: 384)
        try store.recordEmbeddingPrecision("bf16")
        try store.recordEmbeddingPrecision("bf16")
        #expect(try store.embeddingPrecision() == "bf16")
        try store.recordEmbeddingPrecision("fp32")
        #expect(try store.embeddingPrecision() == "bf16+fp32")
    }

    @Test(arguments: Backend.available)
    func appendsInPartsAndMarksTheSourceComplete(_ backend: Backend) throws {
        let index = try FreshIndex(backend)
        let store = index.store
        try store.write([source("big.jsonl", hash: "partial", [("One", ["first part"])])])
        let part = source("big.jsonl", [("Two", ["second part"]), ("Three", ["third part"])]).documents
        #expect(try store.append(part, toSource: "big.jsonl", contentHash: "whole").chunksAdded == 2)
        #expect(try store.source(path: "big.jsonl")?.contentHash == "whole")
        #expect(try store.statistics().chunks == 3)
        #expect(throws: StoreError.self) { try store.append(part, toSource: "absent.jsonl", contentHash: nil) }
    }

    @Test(arguments: Backend.available)
    func aFailedWriteLeavesNothing(_ backend: Backend) throws {
        let index = try FreshIndex(backend)
        let store = index.store
        try store.setEmbeddingModel(id: "test-model", dimension: 384)
        var bad = source("bad.jsonl", [("Bad", ["wrong vector"])], vectorSeed: 1)
        bad.documents[0].chunks[0].vector = [1, 2, 3]
        #expect(throws: StoreError.self) { try store.write([films, bad]) }
        #expect(try store.statistics() == (sources: 0, documents: 0, chunks: 0))
        #expect(try store.linkCount() == 0)
    }

    @Test(arguments: Backend.available)
    func vectorsRoundTripExactly(_ backend: Backend) throws {
        let index = try FreshIndex(backend)
        let store = index.store
        #expect(try store.embeddingModel() == nil)
        try prepared(index)
        #expect(try store.embeddingModel()?.id == "test-model" && store.embeddingModel()?.dimension == 384)
        #expect(throws: StoreError.self) { try store.setEmbeddingModel(id: "other", dimension: 128) }
        #expect(try store.vectorCount() == 7)
        let loaded = try store.loadVectors()
        #expect(loaded.ids.count == 7 && loaded.dimension == 384 && loaded.matrix.count == 7 * 384)
        #expect(Array(loaded.matrix[0..<384]) == unitVector(100))
        let first = try store.chunkIDs(sourcePath: "people.jsonl")[0]
        #expect(try store.vectors(ids: [first, 424_242]) == [first: unitVector(200)])
        let wanted = EmbeddedText(title: "Scott Derrickson", heading: "Part 0", text: people.documents[0].chunks[0].text)
        #expect(try store.existingVectors(for: [wanted, EmbeddedText(title: "x", heading: "", text: "y")]) == [wanted: unitVector(200)])
        #expect(try store.sourcesMissingVectors().isEmpty)
        try store.write([source("plain.jsonl", [("Plain", ["no vector here"])])])
        #expect(try store.sourcesMissingVectors() == ["plain.jsonl"])
    }

    /// The link graph follows the same rules on both backends, kept in step through writes and removals.
    @Test(arguments: Backend.available)
    func titleLinksAgreeWithTheRules(_ backend: Backend) throws {
        let index = try FreshIndex(backend)
        let store = index.store
        try store.setEmbeddingModel(id: "test-model", dimension: 384)
        try store.write([films])
        let sinister = try store.chunkIDs(sourcePath: "films.jsonl")[0]
        #expect(try store.linkedChunks(from: [sinister], limitPerDocument: 4, mentionedByLimit: 16).isEmpty)
        // The people arrive later: existing film chunks now mention them.
        try store.write([people])
        let links = try store.linkedChunks(from: [sinister], limitPerDocument: 4, mentionedByLimit: 16)
        #expect(links.filter { $0.direction == .mentions }.map(\.to.title) == ["Scott Derrickson", "Scott Derrickson"])
        // Scott Derrickson's "He directed Sinister." mentions it too, but that chunk is already among the mentions.
        #expect(Set(links.filter { $0.direction == .mentionedBy }.map(\.to.title)) == ["Ethan Hawke"])
        let count = try store.linkCount()
        #expect(count == 7)
        let named = try store.documentsTitled(in: "Did Ethan Hawke and Benedict Cumberbatch meet?", limit: 4)
        #expect(Set(named.map(\.title)) == ["Ethan Hawke", "Benedict Cumberbatch"])
        // Removing the people removes every link to them.
        try store.removeSources(paths: ["people.jsonl"])
        #expect(try store.linkedChunks(from: [sinister], limitPerDocument: 4, mentionedByLimit: 16).isEmpty)
        #expect(try store.linkCount() == 0)
    }

    /// Titles arriving after the chunks that name them: found by the matcher's words, whatever a
    /// stemmer or stopword list would make of them ("The Who" is all stopwords; "Zürich" folds to "zurich").
    @Test(arguments: Backend.available)
    func titlesArrivingLaterLinkTheChunksNamingThem(_ backend: Backend) throws {
        let index = try FreshIndex(backend)
        let store = index.store
        try store.write([source("mentions.txt", [("Notes", ["They saw The Who play in Zürich, running.", "Nothing here."])])])
        try store.write([source("titles.txt", [("The Who", ["An English rock band."]), ("Zurich", ["A city in Switzerland."]),
                                               ("Runs", ["A word the stemmer would take for running."])])])
        let notes = try store.chunkIDs(sourcePath: "mentions.txt")[0]
        let links = try store.linkedChunks(from: [notes], limitPerDocument: 1, mentionedByLimit: 0)
        #expect(Set(links.map(\.to.title)) == ["The Who", "Zurich"])
        #expect(try store.linkCount() == 2)
    }

    @Test(arguments: Backend.available)
    func twoWritersDoNotCorruptOrDuplicate(_ backend: Backend) async throws {
        let index = try FreshIndex(backend)
        let second = try index.reopen(false)
        let first = index.store
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (store, prefix) in [(first, "a"), (second, "b")] {
                group.addTask {
                    for i in 0..<10 {
                        try store.write([source("\(prefix)\(i).txt", [("Doc \(prefix) \(i)", ["text \(i) of \(prefix)", "more"])])])
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try first.statistics() == (sources: 20, documents: 20, chunks: 40))
        #expect(Set(try first.allSources().map(\.path)).count == 20)
        #expect(try first.integrityCheck() == "ok")
    }

    @Test(arguments: Backend.available)
    func aReaderSeesWritesAndCannotWrite(_ backend: Backend) throws {
        let index = try FreshIndex(backend)
        try prepared(index)
        let reader = try index.reopen(true)
        #expect(try reader.statistics().chunks == 7)
        #expect(throws: (any Error).self) { try reader.write([source("x.txt", [("X", ["x"])])]) }
        try index.store.removeSources(paths: ["films.jsonl"])
        #expect(try reader.statistics().chunks == 4)
    }

    @Test(arguments: Backend.available)
    func anAbsentIndexIsNotCreatedForReading(_ backend: Backend) throws {
        switch backend {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rag-absent-\(UUID().uuidString)")
            #expect(throws: StoreError.indexNotFound(path: folder.path)) { try IndexStore(directory: folder, createIfMissing: false) }
        case .postgres:
            let server = try #require(Backend.postgresURL)
            let name = "rag_t_absent_" + String(UInt32.random(in: 0...UInt32.max))
            let url = try PostgresAdmin.createDatabase(name, like: server)
            defer { try? PostgresAdmin.dropDatabase(name, like: server) }
            #expect(throws: StoreError.self) { try PostgresIndexStore(url: url, createIfMissing: false) }
            #expect(throws: StoreError.self) { try PostgresIndexStore(url: url, readOnly: true) }
        }
    }
}

/// Search through the retrievers: the database-ranked ones (PostgreSQL) against the in-process ones (SQLite).
@Suite struct BackendSearchTests {
    /// What each backend ranks first for some questions, by lexical, dense and hybrid search.
    func firstTitles(_ backend: Backend, _ queries: [String], vectorFor: @escaping @Sendable (String) -> [Float]) throws -> [String: [String]] {
        let index = try FreshIndex(backend)
        try prepared(index)
        let embedder = FixedEmbedder(vectorFor: vectorFor)
        let retrievers: [(String, any Retriever)]
        if let server = index.store as? any ServerRankedBackend {
            retrievers = [("lexical", ServerLexicalRetriever(backend: server)),
                          ("dense", ServerDenseRetriever(backend: server, embedder: embedder)),
                          ("exact", ServerDenseRetriever(backend: server, embedder: embedder, exact: true)),
                          ("hybrid", ServerHybridRetriever(backend: server, embedder: embedder, fusion: .convex(weights: [0.5, 0.5])))]
        } else {
            let sqlite = try #require(index.store as? IndexStore)
            let loaded = try sqlite.loadVectors()
            let dense = DenseRetriever(index: VectorIndex(ids: loaded.ids, dimension: loaded.dimension, matrix: loaded.matrix),
                                       embedder: embedder, store: sqlite)
            retrievers = [("lexical", BM25Retriever(store: sqlite)), ("dense", dense), ("exact", dense),
                          ("hybrid", HybridRetriever([BM25Retriever(store: sqlite), dense], fusion: .convex(weights: [0.5, 0.5])))]
        }
        var result: [String: [String]] = [:]
        for (name, retriever) in retrievers {
            result[name] = try queries.map { try retriever.search($0, limit: 3).first.flatMap { $0.chunk?.title } ?? "-" }
        }
        return result
    }

    @Test(arguments: Backend.available)
    func ranksLikeTheSQLiteIndex(_ backend: Backend) throws {
        let queries = ["Who is Benedict Cumberbatch?", "true-crime writer", "screenwriter born 1966", "zzyzx qqxv"]
        // The dense query vector of each question is a stored chunk's vector (its nearest neighbour).
        let targets: [String: Int] = [queries[0]: 203, queries[1]: 101, queries[2]: 200, queries[3]: 102]
        let vectorFor: @Sendable (String) -> [Float] = { unitVector(targets[$0] ?? 0) }
        let got = try firstTitles(backend, queries, vectorFor: vectorFor)
        #expect(got["lexical"] == ["Benedict Cumberbatch", "Sinister (film)", "Scott Derrickson", "-"])
        #expect(got["dense"] == ["Benedict Cumberbatch", "Sinister (film)", "Scott Derrickson", "Doctor Strange (2016 film)"])
        #expect(got["exact"] == got["dense"])
        #expect(got["hybrid"] == got["dense"])
    }
}

/// An embedder giving fixed vectors (the test's query vectors).
struct FixedEmbedder: Embedder {
    let vectorFor: @Sendable (String) -> [Float]
    var modelID: String { "test-model" }
    var dimension: Int { 384 }
    func embed(_ texts: [String]) throws -> [[Float]] { texts.map(vectorFor) }
}
