import Foundation
import Store
import Retrieval
import Strategies

/// The strategies' view of an index: retrieval by the chosen retriever, and bridging through the
/// index's title-link graph, scored as in the title-bridge probe of ../shared/notes/adaptive-design.md §2:
/// `h(c) = sim(q, c) + 0.5 · max{ s(i) : i links to c }`, with `s` the linking passages' scores scaled
/// to [0, 1] and `sim` the cosine of the question and passage embeddings (keyword overlap when the
/// index has no vectors).
struct IndexPassageRetriever: PassageRetriever {
    let engine: Engine
    let retriever: any Retriever
    /// The question's embedding, computed once per question (nil without vectors).
    let questionVector: LazyBox<[Float]?>

    init(engine: Engine, kind: RetrieverKind) throws {
        self.engine = engine
        self.retriever = try engine.makeRetriever(kind)
        self.questionVector = LazyBox()
    }

    func retrieve(_ query: String, limit: Int) throws -> [Passage] {
        try engine.chunkRecords(for: retriever.search(query, limit: limit)).map { Self.passage($0.chunk, score: $0.hit.score) }
    }

    func named(in question: String, limit: Int) throws -> [Passage] {
        try engine.store.documentsTitled(in: question, limit: limit).map { Self.passage($0, score: 1) }
    }

    func linked(to passages: [Passage], question: String, limit: Int) throws -> [Passage] {
        guard !passages.isEmpty, limit > 0 else { return [] }
        let links = try titleLinks(from: passages.map(\.chunkID))
        guard !links.isEmpty else { return [] }
        let known = Set(passages.map(\.chunkID))
        let top = passages.map(\.score).max() ?? 1
        let seedScore = Dictionary(passages.map { ($0.chunkID, top > 0 ? max(0, $0.score) / top : 0) }, uniquingKeysWith: max)
        var bridge: [Int64: (score: Double, from: Int64)] = [:]
        var records: [Int64: ChunkRecord] = [:]
        for link in links where !known.contains(link.to.id) {
            // The best-scoring passage that links to it (the lowest id among equals) is the one it is reached from.
            let score = seedScore[link.from] ?? 0
            let kept = bridge[link.to.id].map { $0.score > score || ($0.score == score && $0.from < link.from) } ?? false
            if !kept { bridge[link.to.id] = (score, link.from) }
            records[link.to.id] = link.to
        }
        let similarity = try similarities(question, to: Array(records.values))
        return records.values.map { record in
            var p = Self.passage(record, score: (similarity[record.id] ?? 0) + 0.5 * (bridge[record.id]?.score ?? 0))
            p.via = bridge[record.id]?.from
            return p
        }
        .sorted { $0.score != $1.score ? $0.score > $1.score : $0.chunkID < $1.chunkID }
        .prefix(limit).map { $0 }
    }

    /// Links from the given chunks to chunks of the documents they name or that name theirs (the
    /// index's title-link graph).
    func titleLinks(from chunkIDs: [Int64]) throws -> [(from: Int64, to: ChunkRecord)] {
        try engine.store.linkedChunks(from: chunkIDs, limitPerDocument: 4, mentionedByLimit: 16).map { ($0.from, $0.to) }
    }

    /// Cosine similarity of the question to each chunk's stored vector; keyword overlap without vectors.
    func similarities(_ question: String, to chunks: [ChunkRecord]) throws -> [Int64: Double] {
        if let vector = try questionEmbedding(question) {
            return try engine.cosines(vector, to: chunks.map(\.id))
        }
        let words = Set(FTSQueryBuilder.keywords(in: question))
        guard !words.isEmpty else { return [:] }
        var out: [Int64: Double] = [:]
        for chunk in chunks {
            let found = Set(FTSQueryBuilder.words(in: chunk.title + " " + chunk.text)).intersection(words).count
            out[chunk.id] = Double(found) / Double(words.count)
        }
        return out
    }

    func questionEmbedding(_ question: String) throws -> [Float]? {
        try questionVector.get {
            guard try engine.hasChunkVectors() else { return nil }
            return try engine.embedder().embed([question]).first
        }
    }

    static func passage(_ c: ChunkRecord, score: Double) -> Passage {
        Passage(chunkID: c.id, document: c.documentName, title: c.title, heading: c.heading, text: c.text, score: score)
    }
}

/// Chunk id → row of the vector matrix, to score a few chosen chunks against a query.
struct VectorLookup: Sendable {
    let index: VectorIndex
    let rows: [Int64: Int]

    init(index: VectorIndex) {
        self.index = index
        var rows: [Int64: Int] = [:]
        rows.reserveCapacity(index.count)
        for (row, id) in index.ids.enumerated() { rows[id] = row }
        self.rows = rows
    }

    func cosine(_ vector: [Float], _ id: Int64) -> Double? {
        guard let row = rows[id], vector.count == index.dimension else { return nil }
        let base = row * index.dimension
        var sum: Float = 0
        for i in 0..<index.dimension { sum += vector[i] * index.matrix[base + i] }
        return Double(sum)
    }

    /// The dot product (the cosine of unit vectors) of two vectors of one length.
    static func dot(_ a: [Float], _ b: [Float]) -> Double {
        var sum: Float = 0
        for i in 0..<min(a.count, b.count) { sum += a[i] * b[i] }
        return Double(sum)
    }
}

extension Engine {
    static let vectorLookupKey = "rag.vector-lookup"

    /// The vector rows by chunk id (nil when the index has no vectors), built once per generation.
    func vectorLookup() throws -> VectorLookup? {
        guard try store.embeddingModel() != nil else { return nil }
        let lookup = try store.cache.value(Self.vectorLookupKey, generation: store.generation()) {
            VectorLookup(index: try vectorIndex())
        }
        return lookup.index.count > 0 ? lookup : nil
    }

    /// Whether the index has chunk vectors to compare a question with.
    func hasChunkVectors() throws -> Bool {
        if store is any ServerRankedBackend { return try store.embeddingModel() != nil && store.vectorCount() > 0 }
        return try vectorLookup() != nil
    }

    /// Cosines of a unit query vector to some chunks' stored vectors (chunks without one are absent):
    /// from the matrix in memory, or, where the database keeps the vectors (PostgreSQL), fetched for
    /// just these chunks.
    func cosines(_ vector: [Float], to ids: [Int64]) throws -> [Int64: Double] {
        var out: [Int64: Double] = [:]
        if store is any ServerRankedBackend {
            for (id, stored) in try store.vectors(ids: ids) where stored.count == vector.count {
                out[id] = VectorLookup.dot(vector, stored)
            }
        } else if let lookup = try vectorLookup() {
            for id in ids { if let s = lookup.cosine(vector, id) { out[id] = s } }
        }
        return out
    }
}
