import Foundation

/// Errors of the RAG facade: each names what went wrong, where, and what to do.
public enum RAGError: Error, CustomStringConvertible, Sendable {
    case nothingToIngest(paths: [String])
    case nothingReadable(skipped: Int, first: SkippedFile?)
    /// The embedding model is not in any of the folders searched; `pull` is its catalogue name.
    case embeddingModelMissing(searched: [String], pull: String)
    case indexMissing(path: String)
    case noVectors(index: String)
    /// The language model file is missing or not a model; the message says where rag looked.
    case languageModelMissing(String)
    /// The index holds nothing to answer from.
    case indexEmpty(path: String)
    /// The question is empty.
    case emptyQuestion
    /// The index was embedded with another model than the one configured.
    case embeddingModelMismatch(index: String, indexModel: String, configured: String)
    /// A results or question file for `rag router train` cannot be used; the message says which and why.
    case routerInput(String)
    /// An index backend this operation does not support.
    case unsupportedBackend(String)
    /// A copy of an index cannot go where it was asked to, or did not arrive intact; the message says why.
    case copyTarget(String)

    public var description: String {
        switch self {
        case .nothingToIngest(let paths):
            return "no files found under \(paths.joined(separator: ", ")): check the path, or pass --hidden / --glob"
        case .nothingReadable(let skipped, let first):
            if let first, skipped == 1 { return "nothing indexed: \(first.path): \(first.reason)" }
            let example = first.map { " (first: \($0.path): \($0.reason))" } ?? ""
            return "nothing indexed: none of the \(skipped) file(s) could be read\(example)"
        case .embeddingModelMissing(let searched, let pull):
            let place = searched.count == 1 ? "at \(searched[0])" : "in \(searched.joined(separator: ", "))"
            return "embedding model not found \(place): run `rag models pull \(pull)`, pass --embedding-model DIR, or ingest with --no-embeddings"
        case .indexMissing(let path):
            return "no index at \(path): create one with `rag ingest PATH --index \(path)`"
        case .noVectors(let index):
            return "index \(index) has no embeddings: re-ingest with the embedding model, or use --retriever bm25"
        case .languageModelMissing(let message):
            return message
        case .indexEmpty(let path):
            return "the index at \(path) is empty: ingest documents first (`rag ingest PATH --index \(path)`)"
        case .emptyQuestion:
            return "the question is empty: ask something, e.g. rag ask \"What does FTS5 do?\""
        case .embeddingModelMismatch(let index, let indexModel, let configured):
            return "the index at \(index) was embedded with \(indexModel), not \(configured): use that model or re-ingest into a new index"
        case .routerInput(let message):
            return message
        case .unsupportedBackend(let name):
            return "this operation does not support a \(name) index: use an SQLite index folder"
        case .copyTarget(let message):
            return message
        }
    }
}
