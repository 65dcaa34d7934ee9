/// What the strategies need from an index: passages for a query, and passages linked to others.
///
/// The engine implements it over its retrievers and the index's title-link graph; tests give a
/// fixed list. Calls are synchronous (retrieval is fast and CPU-bound) and may run on any thread.
public protocol PassageRetriever: Sendable {
    /// The best `limit` passages for `query`, best first. Any text is a valid query.
    func retrieve(_ query: String, limit: Int) throws -> [Passage]

    /// Passages linked to `passages` (a document one of them names, or one that names theirs), not
    /// among `passages`, scored for `question` and best first: the bridge to a second hop found by
    /// following the documents instead of asking the model for a new query.
    func linked(to passages: [Passage], question: String, limit: Int) throws -> [Passage]

    /// Passages of documents whose titles `question` names, longest title first.
    func named(in question: String, limit: Int) throws -> [Passage]
}

extension PassageRetriever {
    public func linked(to passages: [Passage], question: String, limit: Int) throws -> [Passage] { [] }
    public func named(in question: String, limit: Int) throws -> [Passage] { [] }
}
