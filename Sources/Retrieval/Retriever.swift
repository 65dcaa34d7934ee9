/// Something that finds the chunks most relevant to a query, best first.
public protocol Retriever: Sendable {
    /// Returns at most `limit` hits, best first. Any user text is a valid query.
    func search(_ query: String, limit: Int) throws -> [SearchHit]
}
