import Store

/// One retrieved chunk: its id, a score (higher is better; comparable only within one retriever),
/// and the chunk itself when the retriever already loaded it.
public struct SearchHit: Sendable, Equatable {
    public var chunkID: Int64
    public var score: Double
    /// The chunk, when the retriever has it at hand (BM25 always does); else load it with `IndexStore.chunks(ids:)`.
    public var chunk: ChunkRecord?

    public init(chunkID: Int64, score: Double, chunk: ChunkRecord? = nil) {
        self.chunkID = chunkID
        self.score = score
        self.chunk = chunk
    }
}
