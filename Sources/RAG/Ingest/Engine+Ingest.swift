import Foundation
import Documents
import Store
import Embeddings

extension Engine {
    /// Indexes files and folders: new and changed files are (re)loaded, chunked, embedded and written
    /// in batches, one SQLite transaction each; unchanged files (same content hash) are skipped.
    ///
    /// For example:
    /// ```swift
    /// let report = try engine.ingest([URL(fileURLWithPath: "docs")]) { print($0.filesDone) }
    /// ```
    /// - Parameters:
    ///   - paths: files and folders; folders are walked (hidden and VCS folders skipped unless asked).
    ///   - parameters: walking, pruning, embedding and batching options.
    ///   - progress: called after each file and each embedding slice.
    /// - Returns: counts of what was indexed, skipped (with reasons) and removed.
    /// - Throws: `StoreError` when the index cannot be written; `RAGError` when nothing could be read
    ///   or the embedding model is missing. A file that cannot be read is reported, not thrown.
    public func ingest(_ paths: [URL], parameters: IngestParameters = IngestParameters(),
                       progress: (@Sendable (IngestProgress) -> Void)? = nil) throws -> IngestReport {
        let elapsed = Self.stopwatch()
        var report = IngestReport()

        var walkOptions = WalkOptions()
        walkOptions.includeHidden = parameters.includeHidden
        walkOptions.globs = parameters.globs
        walkOptions.maxFileSize = parameters.maxFileSize
        let walked = FileWalker(options: walkOptions).walk(paths.map { $0.standardizedFileURL })
        report.filesSkipped = walked.problems.map { SkippedFile(path: $0.path, reason: $0.reason) }
        // A file indexed before that can no longer be read (or is now too large, or gone from a
        // folder walk's reach) keeps nothing stale in the index.
        try removeStale(report.filesSkipped.map(\.path), report: &report)
        let items = walked.files.map { file in
            IngestItem(path: file.url.path, size: file.size, modificationDate: file.modificationDate) {
                try RawPath.contents(of: file.url.path)
            }
        }
        try index(items, parameters: parameters, report: &report, elapsed: elapsed, progress: progress)

        if parameters.prune {
            let gone = try store.allSources().map(\.path).filter { !RawPath.exists($0) }
            if !gone.isEmpty {
                let summary = try store.removeSources(paths: gone)
                report.filesRemoved = gone.count
                report.chunksRemoved += summary.chunksRemoved
            }
        }
        report.seconds = elapsed()

        if walked.files.isEmpty && report.filesSkipped.isEmpty && report.filesRemoved == 0 {
            throw RAGError.nothingToIngest(paths: paths.map(\.path))
        }
        if report.filesIndexed == 0 && report.filesUnchanged == 0 && !report.filesSkipped.isEmpty
            && report.filesRemoved == 0 {
            throw RAGError.nothingReadable(skipped: report.filesSkipped.count, first: report.filesSkipped.first)
        }
        return report
    }

    /// Indexes documents given as bytes with a name (uploaded through `rag serve`, or made by the
    /// caller): each is stored as a source whose path is its name, and its format is told by the
    /// name's extension as for files (`.md`, `.html`, `.jsonl`, ...; anything else is plain text).
    /// A document whose name is already indexed with the same bytes is left as it is; with other
    /// bytes it is replaced.
    ///
    /// For example:
    /// ```swift
    /// let report = try engine.ingest([NamedDocument(name: "notes.md", data: Data("# Notes\n...".utf8))])
    /// ```
    /// - Parameters:
    ///   - documents: the documents; names must be unique and non-empty.
    ///   - parameters: embedding and batching options (walking options do not apply).
    ///   - progress: called after each document and each embedding slice.
    /// - Returns: counts of what was indexed and skipped (with reasons).
    /// - Throws: `RAGError.nothingReadable` when no document had text to index; `StoreError` when the
    ///   index cannot be written.
    public func ingest(_ documents: [NamedDocument], parameters: IngestParameters = IngestParameters(),
                       progress: (@Sendable (IngestProgress) -> Void)? = nil) throws -> IngestReport {
        let elapsed = Self.stopwatch()
        var report = IngestReport()
        let items = documents.map { document in
            IngestItem(path: document.name, size: document.data.count, modificationDate: Date()) { document.data }
        }
        try index(items, parameters: parameters, report: &report, elapsed: elapsed, progress: progress)
        report.seconds = elapsed()
        if report.filesIndexed == 0 && report.filesUnchanged == 0 {
            throw RAGError.nothingReadable(skipped: report.filesSkipped.count, first: report.filesSkipped.first)
        }
        return report
    }

    /// Seconds since the call, each time the returned closure is called.
    private static func stopwatch() -> () -> Double {
        let clock = ContinuousClock()
        let started = clock.now
        return {
            let d = clock.now - started
            return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
    }

    /// Loads, chunks, embeds and writes `items` in batches, adding to `report`.
    ///
    /// Three stages overlap: the next files are read, parsed and chunked on their own thread (a
    /// couple of files ahead), the current ones are embedded here, and the previous batch is written
    /// on the writer thread. Batches and their transactions are the same as when run one after the
    /// other, and are committed in the same order.
    private func index(_ items: [IngestItem], parameters: IngestParameters, report: inout IngestReport,
                       elapsed: () -> Double, progress: (@Sendable (IngestProgress) -> Void)?) throws {
        let embedder: (any Embedder)? = parameters.embed ? try embedder() : nil
        if let embedder {
            try store.setEmbeddingModel(id: embedder.modelID, dimension: embedder.dimension)
        }
        // Sources whose chunks lack vectors (an ingest with --no-embeddings before) are indexed
        // again even when unchanged, so an ingest with embeddings leaves every chunk with one.
        let lackingVectors = embedder == nil ? [] : try store.sourcesMissingVectors()
        var stale: [String] = []

        let chunker = Chunker(parameters: configuration.chunking)
        let bytesTotal = items.reduce(0) { $0 + $1.size }
        var state = IngestProgress(filesDone: 0, filesTotal: items.count, bytesDone: 0,
                                   bytesTotal: bytesTotal, chunksAdded: 0, chunksEmbedded: 0,
                                   elapsed: 0, currentPath: nil)
        let store = self.store
        let writes = BackgroundWrites()
        defer { writes.waitIdle() }   // never return while a write of this ingest is still running
        let prepared = Prefetch(items, depth: 2) { item in
            Self.prepare(item, store: store, chunker: chunker, lackingVectors: lackingVectors)
        }
        defer { prepared.cancel() }
        var batch: [SourceInput] = []
        var batchChunks = 0

        func commit() throws {
            guard !batch.isEmpty else { return }
            let sources = batch
            try writes.submit { try store.write(sources) }
            batch.removeAll(keepingCapacity: true)
            batchChunks = 0
        }

        for file in items {
            guard let outcome = prepared.next() else { break }
            let path = file.path
            state.currentPath = path
            state.currentBytes = file.size
            state.currentChunks = 0
            state.currentChunksEmbedded = 0
            defer {
                state.filesDone += 1
                state.bytesDone += file.size
                state.currentChunks = 0
                state.elapsed = elapsed()
                progress?(state)
            }
            let parsed: ParsedSource
            switch outcome {
            case .failed(let error):
                throw error
            case .unreadable(let reason):
                report.filesSkipped.append(SkippedFile(path: path, reason: reason))
                stale.append(path)
                continue
            case .unchanged(let bytes):
                report.bytesRead += bytes
                report.filesUnchanged += 1
                continue
            case .skipped(let reason, let bytes, let wasIndexed):
                // A changed file that is skipped: what the index holds of it is stale.
                report.bytesRead += bytes
                report.filesSkipped.append(SkippedFile(path: path, reason: reason))
                if wasIndexed { stale.append(path) }
                continue
            case .parsed(let source):
                parsed = source
            }
            report.bytesRead += parsed.bytes
            report.warnings.append(contentsOf: parsed.warnings.map { "\(path): \($0)" })
            report.filesIndexed += 1
            report.documentsIndexed += parsed.documents.count
            state.chunksAdded += parsed.chunkCount
            state.currentChunks = parsed.chunkCount
            var documents = parsed.documents
            let notify: (Int) -> Void = { done in
                state.chunksEmbedded += done
                state.currentChunksEmbedded += done
                state.elapsed = elapsed()
                progress?(state)
            }
            if let embedder, parsed.chunkCount > parameters.batchChunks {
                // A large source (a JSONL corpus) is embedded and committed in parts, so a killed
                // ingest keeps what it finished; the re-run reuses those vectors.
                try commit()
                try writeInParts(documents, texts: parsed.embeddingTexts, source: parsed.source, embedder: embedder,
                                 partChunks: parameters.batchChunks, writes: writes, report: &report, progress: notify)
                continue
            }
            if let embedder {
                try reuseStoredVectors(&documents, dimension: embedder.dimension, report: &report)
                try embedMissing(&documents, in: documents.indices, texts: parsed.embeddingTexts, with: embedder,
                                 report: &report, progress: notify)
            }
            var whole = parsed.source
            whole.documents = documents
            batch.append(whole)
            batchChunks += parsed.chunkCount
            if batchChunks >= parameters.batchChunks { try commit() }
        }
        try commit()
        let written = try writes.finish()
        report.chunksAdded += written.summary.chunksAdded
        report.chunksRemoved += written.summary.chunksRemoved
        try removeStale(stale, report: &report)
        // Merging FTS5's segments after a large ingest keeps queries fast; small ingests skip it.
        if report.chunksAdded >= 2_000 { try store.optimize() }
    }

    /// Reads, hashes, parses and chunks one item (on the prepare thread): everything before embedding.
    private static func prepare(_ file: IngestItem, store: any IndexBackend, chunker: Chunker,
                                lackingVectors: Set<String>) -> PreparedItem {
        let path = file.path
        let data: Data
        do {
            data = try file.read()
        } catch {
            return .unreadable(reason: "cannot read: \(error.localizedDescription)")
        }
        let hash = ContentHash.hex(of: data)
        let existing: SourceRecord?
        do { existing = try store.source(path: path) } catch { return .failed(error) }
        if let existing, existing.contentHash == hash, !lackingVectors.contains(path) {
            return .unchanged(bytes: data.count)
        }
        func skip(_ reason: String) -> PreparedItem { .skipped(reason: reason, bytes: data.count, wasIndexed: existing != nil) }
        let loaded: LoadedSource
        do {
            loaded = try DocumentLoader.load(data: data, name: path)
        } catch let error as DocumentError {
            return skip(error.reason)
        } catch {
            return skip("\(error)")
        }
        var documents: [DocumentInput] = []
        documents.reserveCapacity(loaded.documents.count)
        var embeddingTexts: [[String]] = []
        var chunkCount = 0
        for document in loaded.documents {
            let pieces = chunker.chunks(of: document)
            // Embedded with title and heading path: they give a passage its topic.
            embeddingTexts.append(pieces.map { $0.contextualized(title: document.title) })
            let chunks = pieces.map {
                ChunkInput(ordinal: $0.ordinal, text: $0.text, heading: $0.headingPath.joined(separator: " > "),
                           start: $0.start, end: $0.end, vector: nil)
            }
            chunkCount += chunks.count
            documents.append(DocumentInput(name: document.name, title: document.title,
                                           type: document.type.rawValue, chunks: chunks))
        }
        if loaded.documents.isEmpty || chunkCount == 0 { return skip("no text to index (empty after extraction)") }
        let source = SourceInput(path: path, contentHash: hash, modificationDate: file.modificationDate,
                                 size: file.size, type: loaded.type.rawValue, documents: [])
        return .parsed(ParsedSource(source: source, documents: documents, embeddingTexts: embeddingTexts,
                                    chunkCount: chunkCount, warnings: loaded.warnings, bytes: data.count))
    }

    /// Removes the indexed sources among `paths` (files that were skipped this time), counting them
    /// as removed and saying so in their skip reasons.
    private func removeStale(_ paths: [String], report: inout IngestReport) throws {
        let indexed = try paths.filter { try store.source(path: $0) != nil }
        guard !indexed.isEmpty else { return }
        let summary = try store.removeSources(paths: indexed)
        report.filesRemoved += indexed.count
        report.chunksRemoved += summary.chunksRemoved
        let removed = Set(indexed)
        for i in report.filesSkipped.indices where removed.contains(report.filesSkipped[i].path) {
            report.filesSkipped[i].reason += "; its old chunks were removed from the index"
        }
    }

    /// Writes one large source in parts of about `partChunks` chunks, one transaction each: the first
    /// part replaces the source under a placeholder hash, the others are appended, and the last
    /// records the real hash. Stored vectors are looked up for the whole source before the first part
    /// replaces it, so a re-run after a kill embeds only what was not committed.
    private func writeInParts(_ documents: [DocumentInput], texts: [[String]], source: SourceInput,
                              embedder: any Embedder, partChunks: Int, writes: BackgroundWrites,
                              report: inout IngestReport, progress: (Int) -> Void) throws {
        var documents = documents
        try reuseStoredVectors(&documents, dimension: embedder.dimension, report: &report)
        var parts: [Range<Int>] = []
        var start = 0, chunks = 0
        for d in documents.indices {
            chunks += documents[d].chunks.count
            if chunks >= partChunks || d == documents.count - 1 {
                parts.append(start..<d + 1)
                start = d + 1
                chunks = 0
            }
        }
        for (index, range) in parts.enumerated() {
            try embedMissing(&documents, in: range, texts: texts, with: embedder, report: &report, progress: progress)
            let part = Array(documents[range])
            let last = index == parts.count - 1
            let store = self.store
            if index == 0 {
                var first = source
                first.documents = part
                if !last { first.contentHash = "incomplete:" + source.contentHash }
                let replacement = first
                try writes.submit { try store.write([replacement]) }
            } else {
                let hash = last ? source.contentHash : nil
                try writes.submit { try store.append(part, toSource: source.path, contentHash: hash) }
            }
        }
    }

    /// Fills in the vectors of chunks whose title, heading and text (what a vector is computed from)
    /// match a stored chunk's.
    private func reuseStoredVectors(_ documents: inout [DocumentInput], dimension: Int, report: inout IngestReport) throws {
        func embedded(_ d: Int, _ c: Int) -> EmbeddedText {
            let chunk = documents[d].chunks[c]
            return EmbeddedText(title: documents[d].title, heading: chunk.heading, text: chunk.text)
        }
        let reusable = try store.existingVectors(for: documents.indices.flatMap { d in
            documents[d].chunks.indices.map { embedded(d, $0) }
        })
        for d in documents.indices {
            for c in documents[d].chunks.indices {
                if let v = reusable[embedded(d, c)], v.count == dimension {
                    documents[d].chunks[c].vector = v
                    report.vectorsReused += 1
                }
            }
        }
    }

    /// Embeds the chunks of `documents[range]` that have no vector yet, in slices of 256.
    private func embedMissing(_ documents: inout [DocumentInput], in range: Range<Int>, texts embeddingTexts: [[String]],
                              with embedder: any Embedder, report: inout IngestReport,
                              progress: (Int) -> Void) throws {
        var pending: [(d: Int, c: Int)] = []
        for d in range {
            for c in documents[d].chunks.indices where documents[d].chunks[c].vector == nil { pending.append((d, c)) }
        }
        // The first vectors this ingest computes add their precision to the index's record.
        if !pending.isEmpty && report.chunksEmbedded == 0 {
            try store.recordEmbeddingPrecision(embedder.precision.rawValue)
        }
        let slice = 256
        var start = 0
        while start < pending.count {
            let part = pending[start..<min(start + slice, pending.count)]
            let vectors = try embedder.embed(part.map { embeddingTexts[$0.d][$0.c] })
            for (slot, v) in zip(part, vectors) { documents[slot.d].chunks[slot.c].vector = v }
            report.chunksEmbedded += part.count
            progress(part.count)
            start += slice
        }
    }
}

/// A document given as bytes with a name, for ``Engine/ingest(_:parameters:progress:)-(NamedDocument)``.
public struct NamedDocument: Sendable {
    /// Its name: the source path it is stored (and later removed) under; its extension tells its format.
    public var name: String
    /// Its bytes (UTF-8 text, HTML, XML, Markdown or JSONL).
    public var data: Data
    public init(name: String, data: Data) { self.name = name; self.data = data }
}

/// One file or named document to index.
private struct IngestItem: Sendable {
    var path: String
    var size: Int
    var modificationDate: Date
    var read: @Sendable () throws -> Data
}

/// What reading and parsing one item gave, before embedding (computed ahead on the prepare thread).
private enum PreparedItem: Sendable {
    /// The index could not be read (thrown by the ingest).
    case failed(any Error)
    /// The file could not be read.
    case unreadable(reason: String)
    /// Same content hash as indexed.
    case unchanged(bytes: Int)
    /// Read but not indexable; `wasIndexed`: the index holds an older version of it.
    case skipped(reason: String, bytes: Int, wasIndexed: Bool)
    case parsed(ParsedSource)
}

/// A parsed and chunked source, its chunks not yet embedded.
private struct ParsedSource: Sendable {
    var source: SourceInput   // without documents
    var documents: [DocumentInput]
    var embeddingTexts: [[String]]
    var chunkCount: Int
    var warnings: [String]
    var bytes: Int
}
