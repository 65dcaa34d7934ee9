import Foundation
import Store

/// What ``Engine/copy(to:partChunks:progress:)`` copied, and the content digest both indexes share.
public struct CopyReport: Sendable, Codable, Equatable {
    public var sources = 0
    public var documents = 0
    public var chunks = 0
    public var vectors = 0
    /// The title links the destination derived from the copied titles and texts.
    public var links = 0
    public var seconds = 0.0
    /// ``Engine/contentDigest()`` of the source, equal to the destination's after the copy.
    public var digest = ""
}

/// How far a copy is: after each part written.
public struct CopyProgress: Sendable {
    public var sourcesDone: Int
    public var sourcesTotal: Int
    public var chunksDone: Int
}

extension Engine {
    /// Copies every source, document, chunk and vector of this index into `destination`, an empty
    /// index of any backend (SQLite to PostgreSQL or back), without re-embedding: the vectors are
    /// copied bit for bit, the title links are rebuilt by the destination from the same titles and
    /// texts. Each source goes in parts of about `partChunks` chunks, each part one transaction (a
    /// source cut off mid-copy keeps a content hash marked incomplete, as a cut-off ingest does), and
    /// the copy is then checked: the counts of sources, chunks, vectors and links must agree (a
    /// document without chunks is not copied), and the destination's ``contentDigest()`` must equal this index's.
    ///
    /// - Throws: ``RAGError/copyTarget(_:)`` when the destination is not empty or the digests differ;
    ///   store errors from either side.
    public func copy(to destination: Engine, partChunks: Int = 2000,
                     progress: (@Sendable (CopyProgress) -> Void)? = nil) throws -> CopyReport {
        let started = Date()
        let target = destination.store
        let held = try target.statistics()
        guard held.sources == 0 && held.chunks == 0 else {
            throw RAGError.copyTarget("\(destination.indexLocation) already holds \(held.sources) file(s) and \(held.chunks) chunk(s): copy into a new, empty index")
        }
        if let model = try store.embeddingModel() {
            try target.setEmbeddingModel(id: model.id, dimension: model.dimension)
        }
        var report = CopyReport()
        var digest = RunningDigest()  // of this index, as it is read for the copy
        let sources = try store.allSources()
        try target.withBulkLoad {
            for (done, source) in sources.enumerated() {
                let documents = try documentInputs(of: source, digest: &digest)
                report.sources += 1
                report.documents += documents.count
                report.chunks += documents.reduce(0) { $0 + $1.chunks.count }
                report.vectors += documents.reduce(0) { $0 + $1.chunks.filter { $0.vector != nil }.count }
                try write(source, documents, into: target, partChunks: max(1, partChunks))
                progress?(CopyProgress(sourcesDone: done + 1, sourcesTotal: sources.count, chunksDone: report.chunks))
            }
        }
        try target.optimize()
        report.links = try target.linkCount()
        let counts = (try store.statistics(), try store.vectorCount(), try store.linkCount())
        let copiedCounts = (try target.statistics(), try target.vectorCount(), report.links)
        guard counts.0.sources == copiedCounts.0.sources, counts.0.chunks == copiedCounts.0.chunks, counts.1 == copiedCounts.1, counts.2 == copiedCounts.2 else {
            throw RAGError.copyTarget("the copy in \(destination.indexLocation) has \(copiedCounts.0.chunks) chunks, \(copiedCounts.1) vectors, \(copiedCounts.2) links; \(indexLocation) has \(counts.0.chunks), \(counts.1), \(counts.2): remove it and copy again")
        }
        report.digest = digest.hex
        let copied = try destination.contentDigest()
        guard copied == report.digest else {
            throw RAGError.copyTarget("the copy in \(destination.indexLocation) differs from \(indexLocation) (digest \(copied), expected \(report.digest)): remove it and copy again")
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// A digest of what an index holds, the same on every backend for the same content: each source
    /// (path, content hash, size, type, modification time) in path order, and each of its chunks in
    /// order (document name and title, heading, text, ordinal, offsets, the vector's bits). Row ids,
    /// ingest times and derived structures (search indexes, links) are left out.
    public func contentDigest() throws -> String {
        var digest = RunningDigest()
        for source in try store.allSources() {
            digest.add(source)
            try forEachChunk(of: source) { digest.add($0, vector: $1) }
        }
        return digest.hex
    }

    /// Each chunk of a source, in document and ordinal order, with its vector (read in slices).
    private func forEachChunk(of source: SourceRecord, _ body: (ChunkRecord, [Float]?) throws -> Void) throws {
        for slice in try store.chunkIDs(sourcePath: source.path).slices(of: 2000) {
            let records = try store.chunks(ids: Array(slice))
            let vectors = try store.vectors(ids: Array(slice))
            for record in records { try body(record, vectors[record.id]) }
        }
    }

    /// A source's documents with their chunks and vectors, each added to `digest` as it is read.
    private func documentInputs(of source: SourceRecord, digest: inout RunningDigest) throws -> [DocumentInput] {
        digest.add(source)
        var documents: [DocumentInput] = []
        try forEachChunk(of: source) { record, vector in
            digest.add(record, vector: vector)
            let chunk = ChunkInput(ordinal: record.ordinal, text: record.text, heading: record.heading,
                                   start: record.start, end: record.end, vector: vector)
            if documents.last?.name == record.documentName {
                documents[documents.count - 1].chunks.append(chunk)
            } else {
                // The document's own type is not kept apart from its source's: the source's is used.
                documents.append(DocumentInput(name: record.documentName, title: record.title, type: source.type, chunks: [chunk]))
            }
        }
        return documents
    }

    /// Writes one source in parts: the first replaces it (its hash marked incomplete when more
    /// follow), the others are appended, the last recording the real hash.
    private func write(_ record: SourceRecord, _ documents: [DocumentInput], into target: any IndexBackend, partChunks: Int) throws {
        var parts: [[DocumentInput]] = [[]]
        var chunks = 0
        for document in documents {
            if chunks >= partChunks { parts.append([]); chunks = 0 }
            parts[parts.count - 1].append(document)
            chunks += document.chunks.count
        }
        for (index, part) in parts.enumerated() {
            let last = index == parts.count - 1
            if index == 0 {
                let hash = last ? record.contentHash : "incomplete:" + record.contentHash
                _ = try target.write([SourceInput(path: record.path, contentHash: hash, modificationDate: record.modificationDate,
                                                  size: record.size, type: record.type, documents: part)])
            } else {
                _ = try target.append(part, toSource: record.path, contentHash: last ? record.contentHash : nil)
            }
        }
    }
}

/// FNV-1a (64-bit) over length-prefixed fields: a check that two copies hold the same content, not
/// a defence against anyone (as ``ContentHash``, and for the same reason: no crypto dependency).
struct RunningDigest {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325

    /// A source's fields (path, content hash, size, type, modification time's bits).
    mutating func add(_ source: SourceRecord) {
        add("source", source.path, source.contentHash, String(source.size), source.type,
            String(source.modificationDate.timeIntervalSince1970.bitPattern))
    }

    /// A chunk's fields (document name and title, heading, text, ordinal, offsets) and its vector's bits.
    mutating func add(_ chunk: ChunkRecord, vector: [Float]?) {
        add("chunk", chunk.documentName, chunk.title, chunk.heading, chunk.text,
            String(chunk.ordinal), String(chunk.start), String(chunk.end))
        add(vector.map { $0.map { String($0.bitPattern, radix: 16) }.joined(separator: ",") } ?? "-")
    }

    mutating func add(_ fields: String...) {
        for field in fields {
            var length = UInt64(field.utf8.count)
            for _ in 0..<8 { mix(UInt8(truncatingIfNeeded: length)); length >>= 8 }
            for byte in field.utf8 { mix(byte) }
        }
    }

    private mutating func mix(_ byte: UInt8) {
        state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    var hex: String {
        let text = String(state, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func slices(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
