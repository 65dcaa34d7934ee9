import Foundation

/// Errors raised by the index store. Each description is one line: what happened, where, and what to do.
public enum StoreError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The index folder or file does not exist and creation was not requested.
    case indexNotFound(path: String)
    /// The file exists but is not an SQLite database (or is damaged beyond opening).
    case notADatabase(path: String)
    /// The file is an SQLite database, but not a rag index (no `meta` table, or a wrong format marker).
    case foreignDatabase(path: String)
    /// An existing empty file that is not named like an index: rag does not turn it into one.
    case notAnIndex(path: String)
    /// A read-only index whose schema is older than this rag's: opening it for writing once upgrades it.
    case readOnlyNeedsUpgrade(path: String)
    /// The index was written by a newer rag with a schema this build does not know.
    case newerSchema(path: String, found: Int, supported: Int)
    /// The index's embedding model differs from the one requested while vectors exist.
    case embeddingModelMismatch(stored: String, storedDimension: Int, requested: String, requestedDimension: Int)
    /// A vector was supplied before any embedding model was recorded in the index.
    case embeddingModelNotSet
    /// A vector's length differs from the index's embedding dimension.
    case vectorDimensionMismatch(expected: Int, found: Int, context: String)
    /// A stored vector blob has a length that is not `dimension * 4` bytes.
    case corruptVector(chunkID: Int64, bytes: Int, dimension: Int)
    /// An input value is invalid (empty path, negative size, ...).
    case invalidInput(String)
    /// An SQLite error, with the operation and database path.
    case database(operation: String, path: String, message: String)

    public var description: String {
        switch self {
        case let .indexNotFound(path):
            return "no index at \(path): run `rag ingest` to create one, or pass --index with an existing index folder"
        case let .notADatabase(path):
            return "\(path) is not an SQLite database (or it is damaged): point --index at a rag index folder, or move the file away and re-ingest"
        case let .foreignDatabase(path):
            return "\(path) is an SQLite database but not a rag index (no rag meta table): use another --index folder"
        case let .notAnIndex(path):
            return "\(path) is an empty file, not a rag index: point --index at an index folder (or its \(IndexStore.fileName)); the file was left as it is"
        case let .readOnlyNeedsUpgrade(path):
            return "index \(path) was made by an older rag and must be upgraded, which needs write access: run `rag ingest` or `rag stats` on it once as its owner"
        case let .newerSchema(path, found, supported):
            return "index \(path) has schema version \(found), newer than this rag supports (\(supported)): upgrade rag or re-ingest into a new index"
        case let .embeddingModelMismatch(stored, storedDimension, requested, requestedDimension):
            return "index vectors were made with \(stored) (dimension \(storedDimension)) but \(requested) (dimension \(requestedDimension)) was requested: use the same embedding model, or clear the vectors / re-ingest into a new index"
        case .embeddingModelNotSet:
            return "chunk vectors were given but the index has no embedding model recorded: call setEmbeddingModel(id:dimension:) first"
        case let .vectorDimensionMismatch(expected, found, context):
            return "vector for \(context) has \(found) values but the index dimension is \(expected): embed with the index's model"
        case let .corruptVector(chunkID, bytes, dimension):
            return "stored vector of chunk \(chunkID) has \(bytes) bytes, expected \(dimension * 4): the index is damaged; re-ingest (or clear vectors and re-embed)"
        case let .invalidInput(message):
            return "invalid input: \(message)"
        case let .database(operation, path, message):
            return "SQLite error while \(operation) in \(path): \(message)"
        }
    }
}
