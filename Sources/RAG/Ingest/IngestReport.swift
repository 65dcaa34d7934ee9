import Foundation

/// A file that was not indexed, and why.
public struct SkippedFile: Sendable, Codable, Equatable {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) { self.path = path; self.reason = reason }
}

/// What an ingest did; `rag ingest --json` prints it with snake_case keys.
public struct IngestReport: Sendable, Codable {
    public var filesIndexed = 0
    public var filesUnchanged = 0
    public var filesRemoved = 0
    public var filesSkipped: [SkippedFile] = []
    public var documentsIndexed = 0
    public var chunksAdded = 0
    public var chunksRemoved = 0
    public var chunksEmbedded = 0
    public var vectorsReused = 0
    public var bytesRead = 0
    public var warnings: [String] = []
    public var seconds = 0.0

    public init() {}

    /// Adds another ingest's counts, skips and warnings to these.
    public mutating func add(_ other: IngestReport) {
        filesIndexed += other.filesIndexed
        filesUnchanged += other.filesUnchanged
        filesRemoved += other.filesRemoved
        filesSkipped += other.filesSkipped
        documentsIndexed += other.documentsIndexed
        chunksAdded += other.chunksAdded
        chunksRemoved += other.chunksRemoved
        chunksEmbedded += other.chunksEmbedded
        vectorsReused += other.vectorsReused
        bytesRead += other.bytesRead
        warnings += other.warnings
        seconds += other.seconds
    }

    enum CodingKeys: String, CodingKey {
        case filesIndexed = "files_indexed", filesUnchanged = "files_unchanged", filesRemoved = "files_removed"
        case filesSkipped = "files_skipped", documentsIndexed = "documents_indexed"
        case chunksAdded = "chunks_added", chunksRemoved = "chunks_removed", chunksEmbedded = "chunks_embedded"
        case vectorsReused = "vectors_reused", bytesRead = "bytes_read", warnings, seconds
    }
}

/// A snapshot of a running ingest, for progress bars.
public struct IngestProgress: Sendable {
    public var filesDone: Int
    public var filesTotal: Int
    public var bytesDone: Int
    public var bytesTotal: Int
    public var chunksAdded: Int
    public var chunksEmbedded: Int
    public var elapsed: Double
    /// The file being worked on, if any.
    public var currentPath: String?
    /// Its size, its chunks and how many of them are embedded so far (0 before it is parsed), so a
    /// single large file (a JSONL corpus) shows progress while it is embedded.
    public var currentBytes = 0, currentChunks = 0, currentChunksEmbedded = 0

    /// The share of the work done, 0...1: by bytes of finished files, plus the embedded share of the
    /// file being embedded.
    public var fraction: Double {
        guard bytesTotal > 0 else { return Double(filesDone) / Double(max(filesTotal, 1)) }
        let inFile = currentChunks > 0 ? Double(currentBytes) * Double(currentChunksEmbedded) / Double(currentChunks) : 0
        return min(1, (Double(bytesDone) + inFile) / Double(bytesTotal))
    }
}

/// How an ingest runs; the CLI's flags map onto these.
public struct IngestParameters: Sendable {
    /// Include hidden files and folders.
    public var includeHidden = false
    /// Globs to include; a leading `!` excludes.
    public var globs: [String] = []
    /// Files larger than this are skipped.
    public var maxFileSize = 50 << 20
    /// Remove indexed documents whose files are gone.
    public var prune = false
    /// Compute embeddings for each chunk (needs the embedding model).
    public var embed = true
    /// Commit after this many chunks have accumulated (a batch is at least one whole file).
    public var batchChunks = 512
    public init() {}
}
