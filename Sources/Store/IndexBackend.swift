import Foundation

/// What the engine needs of an index, whichever database holds it: sources with content hashes,
/// documents and chunks, vectors, the title-link graph, transactions per write, removal, statistics.
///
/// Two backends implement it: ``IndexStore`` (one SQLite file; lexical and dense search run in this
/// process over structures built from it) and the PostgreSQL store of the `PostgresStore` module
/// (search runs in the server: see ``ServerRankedBackend``). Every write call is one transaction:
/// a killed writer leaves the index as of its last committed call.
public protocol IndexBackend: AnyObject, Sendable {
    /// Where the index is, for messages (a file path, or a database URL without its password).
    var location: String { get }
    /// Values derived from the index (in-memory search structures), keyed by ``generation()``.
    var cache: StoreCache { get }
    /// Which database holds the index (`sqlite`, `postgresql`), for `rag stats`.
    var backendName: String { get }
    /// How lexical search ranks (`bm25 (fts5)`, `bm25 (pg_textsearch)`, `ts_rank_cd`), for `rag stats`.
    var lexicalRanking: String { get }

    /// A counter every committed write bumps: caches compare it to know when they are stale.
    func generation() throws -> Int
    /// Counts of sources, documents and chunks.
    func statistics() throws -> (sources: Int, documents: Int, chunks: Int)
    /// The schema version recorded in the index.
    func schemaVersion() throws -> Int
    /// The database's own consistency check; `"ok"` when it passes.
    func integrityCheck() throws -> String
    /// Compacts or re-optimises search structures after a large write.
    func optimize() throws

    // Sources, documents and chunks.
    /// The stored source at `path`, or nil. Callers compare its `contentHash` to skip unchanged files.
    func source(path: String) throws -> SourceRecord?
    /// Every stored source, ordered by path.
    func allSources() throws -> [SourceRecord]
    /// The number of chunks of each source, by source id (sources without chunks absent).
    func chunkCountsBySource() throws -> [Int64: Int]
    /// The chunks with the given ids, in the order given; unknown ids are skipped.
    func chunks(ids: [Int64]) throws -> [ChunkRecord]
    /// Ids of the chunks of the source at `sourcePath`, in document and ordinal order.
    func chunkIDs(sourcePath: String) throws -> [Int64]
    /// Replaces each source (by path) with the given one, in one transaction.
    func write(_ sources: [SourceInput]) throws -> WriteSummary
    /// Adds documents to a source already written (a large file in parts), in one transaction;
    /// `contentHash` is recorded on the last part, so an interrupted file is re-read next time.
    func append(_ documents: [DocumentInput], toSource path: String, contentHash: String?) throws -> WriteSummary
    /// Removes the sources at `paths` and everything derived from them, in one transaction.
    func removeSources(paths: [String]) throws -> WriteSummary

    // Vectors.
    /// The embedding model the vectors were made with, and their dimension (nil: none recorded).
    func embeddingModel() throws -> (id: String, dimension: Int)?
    /// Records the embedding model; throws ``StoreError/embeddingModelMismatch`` when vectors of another exist.
    func setEmbeddingModel(id: String, dimension: Int) throws
    /// The arithmetic precisions the vectors were computed in: "fp32", "bf16", or "bf16+fp32" for an
    /// index written in both (nil: none recorded, e.g. an index from before precisions were recorded).
    func embeddingPrecision() throws -> String?
    /// Adds `precision` to the recorded ones (see ``embeddingPrecision()``).
    func recordEmbeddingPrecision(_ precision: String) throws
    /// Stored vectors of chunks whose title, heading and text equal one of `wanted` (re-ingest reuse).
    func existingVectors(for wanted: [EmbeddedText]) throws -> [EmbeddedText: [Float]]
    /// Paths of the sources having a chunk without a vector.
    func sourcesMissingVectors() throws -> Set<String>
    /// How many chunks have a vector.
    func vectorCount() throws -> Int
    /// Every vector with its chunk id, as one row-major matrix (chunk id order).
    func loadVectors() throws -> (ids: [Int64], dimension: Int, matrix: [Float])
    /// The vectors of the given chunks (chunks without one are absent).
    func vectors(ids: [Int64]) throws -> [Int64: [Float]]

    // The title-link graph.
    /// Chunks linked to the given ones by title mentions (see ``IndexStore/linkedChunks(from:limitPerDocument:mentionedByLimit:)``).
    func linkedChunks(from chunkIDs: [Int64], limitPerDocument: Int, mentionedByLimit: Int) throws -> [ChunkLink]
    /// The first chunk of each document whose title `text` mentions, longest titles first.
    func documentsTitled(in text: String, limit: Int) throws -> [ChunkRecord]
    /// The number of stored links (chunk → mentioned document).
    func linkCount() throws -> Int

    /// Runs a large load into this index (`rag migrate` into an empty one): a backend may set aside
    /// search structures that are cheaper to build once afterwards than to keep up row by row (the
    /// PostgreSQL store drops its HNSW index and builds it again at the end, also when `body` throws).
    /// Searches during the load still work, perhaps slower.
    func withBulkLoad<T>(_ body: () throws -> T) throws -> T
}

extension IndexBackend {
    public func withBulkLoad<T>(_ body: () throws -> T) throws -> T { try body() }
}

/// A chunk and its score from a search the database ran.
public struct RankedChunk: Sendable, Equatable {
    public var chunk: ChunkRecord
    /// Higher is better; comparable only within one result list.
    public var score: Double

    public init(chunk: ChunkRecord, score: Double) {
        self.chunk = chunk
        self.score = score
    }
}

/// How a backend fuses its lexical and vector lists in one query.
public enum BackendFusion: Sendable, Equatable {
    /// Reciprocal rank fusion with constant `k`.
    case reciprocalRank(k: Double)
    /// Convex combination of min-max normalised scores: lexical weight, vector weight.
    case convex(lexical: Double, vector: Double)
}

/// A backend whose database ranks chunks itself (a server: PostgreSQL), so that no process has to
/// hold the whole index in memory; the engine's retrievers then ask it instead of building their own
/// structures.
public protocol ServerRankedBackend: IndexBackend {
    /// The best `limit` chunks for the keywords (any of them), by the backend's lexical ranking.
    func lexicalSearch(keywords: [String], limit: Int) throws -> [RankedChunk]
    /// The `limit` chunks nearest `vector` by cosine (approximate index unless `exact`).
    func vectorSearch(_ vector: [Float], limit: Int, exact: Bool) throws -> [RankedChunk]
    /// Lexical and vector top `candidates` fused in one round trip.
    func hybridSearch(keywords: [String], vector: [Float], limit: Int, candidates: Int,
                      fusion: BackendFusion) throws -> [RankedChunk]
}

/// The recorded set of embedding precisions, kept as one meta value: sorted names joined by "+".
public enum EmbeddingPrecisions {
    /// `stored` with `precision` added (nothing changes when it is already there).
    public static func adding(_ precision: String, to stored: String?) -> String {
        var names = Set((stored ?? "").split(separator: "+").map(String.init))
        names.insert(precision)
        return names.sorted().joined(separator: "+")
    }
}
