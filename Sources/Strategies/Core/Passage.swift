/// A retrieved passage as the strategies see it: where it comes from and its text.
///
/// The strategies never touch the index; a ``PassageRetriever`` hands them passages.
public struct Passage: Sendable, Equatable, Hashable, Codable {
    /// The chunk id in the index (unique per passage).
    public var chunkID: Int64
    /// The document name (file path, or a JSONL passage id).
    public var document: String
    public var title: String
    /// Heading path within the document (may be empty).
    public var heading: String
    public var text: String
    /// The retriever's score (higher is better; comparable within one retrieval).
    public var score: Double
    /// For a passage found by following a link: the chunk id of the passage that links to it (or
    /// that it links to) with the best score; nil for a passage found by a query.
    public var via: Int64?

    public init(chunkID: Int64, document: String, title: String, heading: String = "", text: String, score: Double = 0,
                via: Int64? = nil) {
        self.chunkID = chunkID
        self.document = document
        self.title = title
        self.heading = heading
        self.text = text
        self.score = score
        self.via = via
    }

    enum CodingKeys: String, CodingKey {
        case chunkID = "chunk_id", document, title, heading, text, score, via
    }

    /// The passage's label in a prompt: its title, and its heading when that says more.
    public var label: String {
        let name = title.isEmpty ? document : title
        return heading.isEmpty || heading == title ? name : "\(name) › \(heading)"
    }
}

extension Array where Element == Passage {
    /// Passages not already in `seen` (by chunk id), in order, without repeats.
    func unseen(in seen: [Passage]) -> [Passage] {
        var ids = Set(seen.map(\.chunkID))
        return filter { ids.insert($0.chunkID).inserted }
    }
}
