/// The FTS5 index of an ``IndexStore`` as compressed-sparse-row postings, read once to build an
/// in-memory BM25 scorer that ranks exactly like FTS5's `bm25()` (same tokens, same statistics).
///
/// Term `t` (index into ``terms``) occurs in documents `documents[termStarts[t] ..< termStarts[t + 1]]`,
/// with the column-weighted frequencies `frequencies[...]` (title, heading and text occurrences weighted
/// by ``IndexStore/bm25ColumnWeights``). Documents are dense indices into ``chunkIDs``.
public struct LexicalPostings: Sendable {
    /// Dense document index -> chunk id (ascending).
    public var chunkIDs: [Int64]
    /// Tokens per chunk over all columns (what FTS5's bm25 uses as document length).
    public var documentLengths: [Int32]
    /// Distinct terms (FTS5 tokens, i.e. porter stems), in FTS5's order.
    public var terms: [String]
    /// CSR offsets: `terms.count + 1` entries.
    public var termStarts: [Int]
    /// Document index of each posting.
    public var documents: [UInt32]
    /// Column-weighted term frequency of each posting.
    public var frequencies: [Double]
    /// Store generation the postings were read at.
    public var generation: Int

    public init(chunkIDs: [Int64], documentLengths: [Int32], terms: [String], termStarts: [Int],
                documents: [UInt32], frequencies: [Double], generation: Int) {
        self.chunkIDs = chunkIDs
        self.documentLengths = documentLengths
        self.terms = terms
        self.termStarts = termStarts
        self.documents = documents
        self.frequencies = frequencies
        self.generation = generation
    }
}
