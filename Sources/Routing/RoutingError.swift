import Foundation

/// Errors of the router: each names the file or the data, what is wrong, and what to do.
public enum RoutingError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file is not JSON of a router, or its numbers do not fit together.
    case corruptFile(path: String, reason: String)
    /// A router file of another format version.
    case unsupportedVersion(path: String, found: Int, supported: Int)
    /// The router was trained on embeddings of another model or width than the engine's.
    case embeddingMismatch(path: String, router: String, engine: String)
    /// Too few labelled questions to train on, or only one class.
    case notEnoughExamples(String)
    /// A feature name the router does not know.
    case unknownFeature(path: String, name: String)

    public var description: String {
        switch self {
        case .corruptFile(let path, let reason):
            let fallback = path.hasSuffix(".json") ? ", or delete it to use the shipped router" : ""
            return "\(path) is not a usable router file (\(reason)): retrain it with `rag router train`\(fallback)"
        case .unsupportedVersion(let path, let found, let supported):
            return "\(path) is router format version \(found), this rag reads versions 1 to \(supported): retrain it with `rag router train`"
        case .embeddingMismatch(let path, let router, let engine):
            return "\(path) was trained on \(router) embeddings, but this index uses \(engine): retrain it with `rag router train` on this index's model"
        case .notEnoughExamples(let message):
            return message
        case .unknownFeature(let path, let name):
            return "\(path) uses the feature '\(name)', which this rag does not compute: retrain it with `rag router train`"
        }
    }
}
