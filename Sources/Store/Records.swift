import Foundation

/// One chunk to store: its text, heading path and character span in the document text, and optionally its vector.
public struct ChunkInput: Sendable, Equatable {
    /// Position of the chunk within its document (0-based).
    public var ordinal: Int
    /// The chunk text (what is indexed by FTS5 and embedded).
    public var text: String
    /// Heading path joined with " > " (empty when the document has no structure).
    public var heading: String
    /// Start offset of the chunk in the document text (characters).
    public var start: Int
    /// End offset (exclusive) of the chunk in the document text (characters).
    public var end: Int
    /// The embedding (float32), or nil until embeddings are configured.
    public var vector: [Float]?

    public init(ordinal: Int, text: String, heading: String = "", start: Int = 0, end: Int = 0, vector: [Float]? = nil) {
        self.ordinal = ordinal
        self.text = text
        self.heading = heading
        self.start = start
        self.end = end
        self.vector = vector
    }
}

/// What a chunk's vector is computed from: its document's title, its heading path and its text.
public struct EmbeddedText: Sendable, Hashable {
    public var title: String
    public var heading: String
    public var text: String

    public init(title: String, heading: String, text: String) {
        self.title = title
        self.heading = heading
        self.text = text
    }
}

/// One document of a source: a file yields one document, a JSONL corpus yields one per passage.
public struct DocumentInput: Sendable, Equatable {
    /// The document name: the file path, or a JSONL passage id.
    public var name: String
    /// The document title (indexed, weighted above the body).
    public var title: String
    /// The document type (`html`, `markdown`, `text`, `jsonl`, ...).
    public var type: String
    /// The chunks of the document, in order.
    public var chunks: [ChunkInput]

    public init(name: String, title: String, type: String, chunks: [ChunkInput]) {
        self.name = name
        self.title = title
        self.type = type
        self.chunks = chunks
    }
}

/// One source file with everything extracted from it; writing it replaces any previous version of the same path.
public struct SourceInput: Sendable, Equatable {
    /// The source path (unique in the index).
    public var path: String
    /// A hash of the file content, used by callers to skip unchanged files.
    public var contentHash: String
    /// The file's modification date.
    public var modificationDate: Date
    /// The file size in bytes.
    public var size: Int
    /// The detected file type.
    public var type: String
    /// The documents extracted from the file.
    public var documents: [DocumentInput]

    public init(path: String, contentHash: String, modificationDate: Date, size: Int, type: String, documents: [DocumentInput]) {
        self.path = path
        self.contentHash = contentHash
        self.modificationDate = modificationDate
        self.size = size
        self.type = type
        self.documents = documents
    }
}

/// A source as stored in the index.
public struct SourceRecord: Sendable, Equatable {
    public var id: Int64
    public var path: String
    public var contentHash: String
    public var modificationDate: Date
    public var size: Int
    public var type: String
    /// When the source was (re)indexed.
    public var indexedAt: Date

    public init(id: Int64, path: String, contentHash: String, modificationDate: Date, size: Int, type: String, indexedAt: Date) {
        self.id = id
        self.path = path
        self.contentHash = contentHash
        self.modificationDate = modificationDate
        self.size = size
        self.type = type
        self.indexedAt = indexedAt
    }
}

/// A chunk as stored, joined with its document and source (what retrieval returns and answers cite).
public struct ChunkRecord: Sendable, Equatable {
    public var id: Int64
    /// The document name (file path or JSONL passage id).
    public var documentName: String
    public var title: String
    public var heading: String
    public var text: String
    /// Character span of the chunk in its document text.
    public var start: Int
    public var end: Int
    /// Position of the chunk within its document.
    public var ordinal: Int
    /// The path of the source file the chunk came from.
    public var sourcePath: String

    public init(id: Int64, documentName: String, title: String, heading: String, text: String,
                start: Int, end: Int, ordinal: Int = 0, sourcePath: String) {
        self.id = id
        self.documentName = documentName
        self.title = title
        self.heading = heading
        self.text = text
        self.start = start
        self.end = end
        self.ordinal = ordinal
        self.sourcePath = sourcePath
    }
}

/// What a write or removal changed.
public struct WriteSummary: Sendable, Equatable {
    public var chunksAdded: Int
    public var chunksRemoved: Int

    public init(chunksAdded: Int = 0, chunksRemoved: Int = 0) {
        self.chunksAdded = chunksAdded
        self.chunksRemoved = chunksRemoved
    }
}
