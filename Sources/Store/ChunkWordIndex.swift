import GRDB

/// Which chunks contain each normalised word (``NormalizedWords``): finds the existing
/// chunks that may mention a title that was just added or removed, so that only those are re-matched.
///
/// Answers are supersets, never subsets: words are stored as 64-bit hashes (a collision only adds a
/// candidate), and removed chunks stay listed until the next rebuild (their ids are simply not found
/// any more, or, when SQLite reuses an id, the chunk is re-matched for nothing). Callers verify every
/// candidate with the matcher.
///
/// Why not FTS5 phrase queries: measured on the 24k-passage wiki corpus (release build), a phrase
/// query cost ~0.25 ms, i.e. ~130 ms per ingest batch of 512 passages (~500 new titles), more than
/// the batch's inserts; intersecting these lists costs microseconds, and no porter stemming widens
/// the candidates. The price: ~23 MB for those 24k chunks (11 MB of text), built in ~0.7 s when the
/// cache is cold (the first write of a process), and kept in ``IndexStore/cache``.
struct ChunkWordIndex: Sendable {
    static let cacheKey = "store.chunkWords"

    /// Word hash → ids of the chunks containing the word, ascending, without duplicates.
    private var postings: [UInt64: [Int64]] = [:]

    init() {}

    /// The words of every stored chunk (one pass over the texts).
    static func load(_ db: Database) throws -> ChunkWordIndex {
        var index = ChunkWordIndex()
        let rows = try Row.fetchCursor(db, sql: "SELECT id, text FROM chunks ORDER BY id")
        while let row = try rows.next() {
            index.add(chunk: row[0], words: NormalizedWords(row[1]))
        }
        return index
    }

    /// Records the words of a chunk.
    mutating func add(chunk id: Int64, words: NormalizedWords) {
        var seen = Set<UInt64>()
        seen.reserveCapacity(words.count)
        for hash in words.hashes {
            guard seen.insert(hash).inserted else { continue }
            if let last = postings[hash]?.last, last >= id {
                // Out of order only when SQLite reuses a rowid: insert in place.
                var list = postings[hash]!
                var low = 0, high = list.count
                while low < high {
                    let middle = (low + high) / 2
                    if list[middle] < id { low = middle + 1 } else { high = middle }
                }
                if low == list.count || list[low] != id { list.insert(id, at: low) }
                postings[hash] = list
            } else {
                postings[hash, default: []].append(id)
            }
        }
    }

    /// Chunks that contain every word of `key` (a normalised title: words joined by spaces), ascending.
    func candidates(forKey key: String) -> [Int64] {
        var lists: [[Int64]] = []
        for word in key.split(separator: " ") {
            guard let list = postings[NormalizedWords.hash(word)] else { return [] }
            lists.append(list)
        }
        guard !lists.isEmpty else { return [] }
        lists.sort { $0.count < $1.count }
        var result = lists[0]
        for list in lists.dropFirst() {
            result = result.filter { id in
                var low = 0, high = list.count
                while low < high {
                    let middle = (low + high) / 2
                    if list[middle] < id { low = middle + 1 } else { high = middle }
                }
                return low < list.count && list[low] == id
            }
            if result.isEmpty { break }
        }
        return result
    }
}
