import Foundation
import Documents
import Store
import Embeddings
import Retrieval
import LanguageModels
import PostgresStore

/// Which retriever answers a search.
public enum RetrieverKind: String, Sendable, CaseIterable, Codable {
    case bm25, dense, hybrid
}

/// One search result, with everything a caller shows or cites.
public struct SearchResult: Sendable, Codable {
    public var document: String
    public var chunkID: Int64
    public var title: String
    public var heading: String
    public var text: String
    public var score: Double
    public var start: Int
    public var end: Int

    enum CodingKeys: String, CodingKey {
        case document, chunkID = "chunk_id", title, heading, text, score, start, end
    }
}

/// What an index holds.
public struct IndexStatistics: Sendable, Codable {
    public var sources: Int
    public var documents: Int
    public var chunks: Int
    /// The embedding model the vectors were computed with, and their dimension (nil: BM25 only).
    public var embeddingModel: String?
    public var dimension: Int?
    /// The arithmetic the vectors were computed in: "fp32", "bf16", or "bf16+fp32" (nil: not recorded).
    public var embeddingPrecision: String?
}

/// The library facade and composition root: an index you ingest into, search and ask, with the
/// models it needs loaded once, on first use, and its retrievers kept warm.
///
/// For example:
/// ```swift
/// let engine = try Engine(configuration: .init(indexDirectory: url))
/// let report = try engine.ingest([docs])
/// let hits = try engine.search("fts5 tokenizer", limit: 5)
/// let answer = try await engine.ask("What does the FTS5 bm25 function return?")
/// print(answer.text, answer.citations.map(\.document))
/// ```
///
/// One engine may be shared by many tasks: searches run concurrently; answers are generated on
/// `configuration.languageModelSessions` sessions at once (one copy of the weights), the rest wait.
public final class Engine: Sendable {
    public let configuration: EngineConfiguration
    let store: any IndexBackend
    private let embedderBox = LazyBox<any Embedder>()
    private let queryEmbedderBox = LazyBox<CoalescingEmbedder>()
    private let modelBox = LazyBox<GeneratorPool>()
    let routerBox = LazyBox<LoadedRouter>()
    /// A model the strategies use instead of the GGUF generator (tests' scripted models).
    let answeringModel: (any LanguageModel)?

    /// Opens (or creates, when `createIfMissing`) the index in `configuration.indexDirectory` (a
    /// folder, or its `index.sqlite`).
    ///
    /// With `readOnly`, the index is opened for reading only: searches, answers and statistics work
    /// on an index this process may not write, and never wait behind a writer; ingesting or removing
    /// through such an engine throws.
    /// - Throws: `StoreError` for a foreign, corrupted or newer index; `RAGError.indexMissing`.
    public convenience init(configuration: EngineConfiguration, createIfMissing: Bool = true, readOnly: Bool = false) throws {
        try self.init(configuration: configuration, createIfMissing: createIfMissing, readOnly: readOnly, answeringModel: nil)
    }

    /// An engine whose strategies answer with `answeringModel` (for tests that script the model).
    init(configuration: EngineConfiguration, createIfMissing: Bool = true, readOnly: Bool = false,
         answeringModel: (any LanguageModel)?) throws {
        self.answeringModel = answeringModel
        self.configuration = configuration
        if let url = configuration.postgresURL {
            self.store = try PostgresIndexStore(url: url, createIfMissing: createIfMissing && !readOnly, readOnly: readOnly,
                                                lexical: ProcessInfo.processInfo.environment["RAG_POSTGRES_LEXICAL"])
            return
        }
        let dbURL = IndexStore.databaseURL(for: configuration.indexDirectory)
        if (!createIfMissing || readOnly) && !FileManager.default.fileExists(atPath: dbURL.path) {
            throw RAGError.indexMissing(path: configuration.indexDirectory.path)
        }
        self.store = try IndexStore(directory: configuration.indexDirectory, createIfMissing: createIfMissing && !readOnly,
                                    readOnly: readOnly)
    }

    /// Where the index is, for people: its folder, or its database URL without the password.
    public var indexLocation: String {
        configuration.postgresURL == nil ? configuration.indexDirectory.path : store.location
    }

    /// Which database holds the index (`sqlite`, `postgresql`) and how it ranks words.
    public var backend: (name: String, lexicalRanking: String) { (store.backendName, store.lexicalRanking) }

    /// Finds this engine's models: ``ModelLocator`` with the index's neighbourhood searched too.
    public var modelLocator: ModelLocator { ModelLocator(indexDirectory: indexFolder) }

    /// The folder holding the index's database (`--index` may name the folder or the file).
    /// For a PostgreSQL index, the current folder (models are looked for from there).
    public var indexFolder: URL {
        if configuration.postgresURL != nil { return URL(fileURLWithPath: FileManager.default.currentDirectoryPath) }
        return IndexStore.databaseURL(for: configuration.indexDirectory).deletingLastPathComponent()
    }

    /// The embedding model (`configuration.embeddingModelDirectory`, else found by ``modelLocator``),
    /// loaded once on first use.
    /// - Throws: `RAGError.embeddingModelMissing` naming where it looked; `EmbeddingsError` for bad files.
    public func embedder() throws -> any Embedder {
        try embedderBox.get {
            try MiniLMEmbedder(directory: try modelLocator.embeddingModel(configuration.embeddingModelDirectory),
                               precision: configuration.embeddingPrecision)
        }
    }

    /// The language model (`configuration.languageModel`, found by ``modelLocator``), loaded once on
    /// first use: its first session (see ``languageModels()`` for all of them).
    /// - Throws: `RAGError.languageModelMissing` when the file is not found; `GGUFError` for a bad file.
    public func languageModel() throws -> Generator {
        try languageModels().generators[0]
    }

    /// The language model's sessions (`configuration.languageModelSessions` of them, over one copy of
    /// the weights), loaded once on first use; each answer leases one for all its calls.
    /// - Throws: `RAGError.languageModelMissing` when the file is not found; `GGUFError` for a bad file.
    public func languageModels() throws -> GeneratorPool {
        try modelBox.get {
            let url = try modelLocator.languageModel(configuration.languageModel)
            return try GeneratorPool(model: LlamaModel(url: url), sessions: configuration.languageModelSessions,
                                     contextLength: configuration.contextLength)
        }
    }

    /// The served model answers go to, when ``EngineConfiguration/servedModel`` is set.
    public func servedLanguageModel() -> OpenAICompatibleModel? {
        configuration.servedModel.map {
            OpenAICompatibleModel(baseURL: $0.url, modelName: $0.name, apiKey: $0.apiKey, contextLength: $0.contextLength)
        }
    }

    /// What the index holds.
    public func statistics() throws -> IndexStatistics {
        let s = try store.statistics()
        let model = try store.embeddingModel()
        return IndexStatistics(sources: s.sources, documents: s.documents, chunks: s.chunks,
                               embeddingModel: model?.id, dimension: model?.dimension,
                               embeddingPrecision: model == nil ? nil : try store.embeddingPrecision())
    }

    /// SQLite's integrity check of the index ("ok" when sound).
    public func integrityCheck() throws -> String { try store.integrityCheck() }

    /// Searches the index with the chosen retriever.
    public func search(_ query: String, limit: Int = 10, retriever kind: RetrieverKind = .hybrid) throws -> [SearchResult] {
        let retriever = try makeRetriever(kind)
        return try chunkRecords(for: retriever.search(query, limit: limit)).map { hit, c in
            SearchResult(document: c.documentName, chunkID: c.id, title: c.title, heading: c.heading,
                         text: c.text, score: hit.score, start: c.start, end: c.end)
        }
    }

    /// Each hit with its chunk record, in rank order; a retriever that returned bare ids is filled in
    /// with one store read, and hits whose chunk is gone are dropped.
    func chunkRecords(for hits: [SearchHit]) throws -> [(hit: SearchHit, chunk: ChunkRecord)] {
        let missing = hits.filter { $0.chunk == nil }.map(\.chunkID)
        var records: [Int64: ChunkRecord] = [:]
        if !missing.isEmpty { for r in try store.chunks(ids: missing) { records[r.id] = r } }
        return hits.compactMap { hit in (hit.chunk ?? records[hit.chunkID]).map { (hit, $0) } }
    }

    /// A retriever over this index. The vectors and the BM25 memory index are loaded once per index
    /// generation and shared by every retriever (a write makes them reload on next use).
    func makeRetriever(_ kind: RetrieverKind) throws -> any Retriever {
        if let server = store as? any ServerRankedBackend { return try serverRetriever(kind, server) }
        guard let store = store as? IndexStore else { throw RAGError.unsupportedBackend(store.backendName) }
        switch kind {
        case .bm25:
            return BM25Retriever(store: store)
        case .dense:
            return try denseRetriever()
        case .hybrid:
            // No vectors (BM25-only ingest, even if a model was once recorded): words alone.
            guard try store.embeddingModel() != nil else { return BM25Retriever(store: store) }
            let dense: DenseRetriever
            do {
                dense = try denseRetriever()
            } catch RAGError.noVectors {
                return BM25Retriever(store: store)
            }
            return HybridRetriever([BM25Retriever(store: store), dense], fusion: configuration.hybridFusion)
        }
    }

    /// Retrievers that let the database rank (PostgreSQL): nothing of the index is loaded here.
    func serverRetriever(_ kind: RetrieverKind, _ server: any ServerRankedBackend) throws -> any Retriever {
        let lexical = ServerLexicalRetriever(backend: server)
        if kind == .bm25 { return lexical }
        let hasVectors = try server.embeddingModel() != nil && server.vectorCount() > 0
        guard hasVectors else {
            if kind == .dense { throw RAGError.noVectors(index: indexLocation) }
            return lexical
        }
        let queries = try queryEmbedderBox.get { CoalescingEmbedder(try embedder()) }
        if kind == .dense { return ServerDenseRetriever(backend: server, embedder: queries) }
        return ServerHybridRetriever(backend: server, embedder: queries, fusion: configuration.hybridFusion)
    }

    static let vectorCacheKey = "rag.vectors"

    /// The index's vectors as one matrix, loaded once per store generation.
    func vectorIndex() throws -> VectorIndex {
        try store.cache.value(Self.vectorCacheKey, generation: store.generation()) {
            let loaded = try store.loadVectors()
            return VectorIndex(ids: loaded.ids, dimension: loaded.dimension, matrix: loaded.matrix)
        }
    }

    func denseRetriever() throws -> DenseRetriever {
        let index = try vectorIndex()
        guard index.count > 0 else { throw RAGError.noVectors(index: indexLocation) }
        // Queries from concurrent searches are embedded together (one batch per turn of the model).
        let queries = try queryEmbedderBox.get { CoalescingEmbedder(try embedder()) }
        return DenseRetriever(index: index, embedder: queries, store: store)
    }

    /// Removes the documents of the given files (paths as given at ingest, made absolute).
    public func remove(paths: [String]) throws -> WriteSummary {
        try store.removeSources(paths: paths.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
    }

    /// Removes one source by the name it is stored under: a ``NamedDocument``'s name, or a file's
    /// path (as stored, or relative to the current folder).
    ///
    /// - Returns: what was removed, or `nil` when no source has that name.
    /// - Throws: `StoreError` when the index cannot be read or written.
    public func remove(source name: String) throws -> WriteSummary? {
        let candidates = [name, URL(fileURLWithPath: name).standardizedFileURL.path]
        for path in candidates where try store.source(path: path) != nil {
            return try store.removeSources(paths: [path])
        }
        return nil
    }

    /// The indexed sources (files and named documents), ordered by path.
    public func sources() throws -> [IndexedSource] {
        let chunks = try store.chunkCountsBySource()
        return try store.allSources().map {
            IndexedSource(name: $0.path, type: $0.type, size: $0.size, chunks: chunks[$0.id] ?? 0, indexedAt: $0.indexedAt)
        }
    }
}

/// A source in the index: a file or a named document.
public struct IndexedSource: Sendable, Codable, Equatable {
    /// The path (or name) it is stored under; ``Engine/remove(source:)`` takes it.
    public var name: String
    /// Its format (`html`, `markdown`, `text`, `jsonl`, ...).
    public var type: String
    /// Its size in bytes.
    public var size: Int
    /// How many chunks (passages) it was cut into.
    public var chunks: Int
    /// When it was (re)indexed.
    public var indexedAt: Date

    enum CodingKeys: String, CodingKey { case name, type, size, chunks, indexedAt = "indexed_at" }
}

/// A value made once, on first use, behind a lock, so `Engine` stays `Sendable`.
final class LazyBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value?

    func get(_ make: () throws -> Value) throws -> Value {
        lock.lock(); defer { lock.unlock() }
        if let value { return value }
        let made = try make()
        value = made
        return made
    }
}
