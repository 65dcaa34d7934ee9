import Foundation

/// Something that turns texts into fixed-size, L2-normalised vectors (cosine = dot product).
public protocol Embedder: Sendable {
    /// A stable name of the model, stored in indexes (e.g. "all-MiniLM-L6-v2").
    var modelID: String { get }
    /// The vector width (384 for all-MiniLM-L6-v2).
    var dimension: Int { get }
    /// One L2-normalised vector per text, in order; batches internally.
    func embed(_ texts: [String]) throws -> [[Float]]
    /// The arithmetic the vectors are computed in (recorded in indexes; fp32 unless the model says).
    var precision: EmbeddingPrecision { get }
}

extension Embedder {
    public var precision: EmbeddingPrecision { .fp32 }
}
