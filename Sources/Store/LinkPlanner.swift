import Foundation

/// The rules of `linkedChunks(from:limitPerDocument:mentionedByLimit:)`, in one place for every
/// backend (each answers the three lookups with its own SQL):
/// - each given chunk once, in the order given; a chunk of unknown id is passed over;
/// - `.mentions`: the first `limitPerDocument` chunks of each document the chunk mentions, longest
///   titles first;
/// - `.mentionedBy`: up to `mentionedByLimit` chunks of other documents that mention the chunk's
///   document, by chunk id;
/// - never a given chunk, and never one chunk twice for the same given chunk.
package enum LinkPlanner {
    package typealias Planned = (from: Int64, to: Int64, direction: LinkDirection)

    /// - Parameters:
    ///   - documentOf: The document of a chunk (nil: no such chunk).
    ///   - mentionedChunks: For a chunk, the first `limitPerDocument` chunks of each document it
    ///     mentions, longest titles first.
    ///   - mentioning: For a document, the chunks of other documents mentioning it that are not
    ///     given, by id, at most `limit`.
    package static func plan(from chunkIDs: [Int64], limitPerDocument: Int, mentionedByLimit: Int,
                             documentOf: (Int64) throws -> Int64?,
                             mentionedChunks: (Int64) throws -> [Int64],
                             mentioning: (_ document: Int64, _ limit: Int) throws -> [Int64]) rethrows -> [Planned] {
        let given = Set(chunkIDs)
        var planned: [Planned] = []
        var seenFrom = Set<Int64>()
        for from in chunkIDs where seenFrom.insert(from).inserted {
            guard let document = try documentOf(from) else { continue }
            var seen = Set<Int64>()
            if limitPerDocument > 0 {
                for chunk in try mentionedChunks(from) where !given.contains(chunk) && seen.insert(chunk).inserted {
                    planned.append((from, chunk, .mentions))
                }
            }
            if mentionedByLimit > 0 {
                // Over-fetch by what `seen` may drop, then trim, so that the limit is met.
                var added = 0
                for chunk in try mentioning(document, mentionedByLimit + seen.count)
                where added < mentionedByLimit && seen.insert(chunk).inserted {
                    planned.append((from, chunk, .mentionedBy))
                    added += 1
                }
            }
        }
        return planned
    }

    /// The planned links with their chunk records (links to chunks without a record dropped).
    package static func links(_ planned: [Planned], records: [ChunkRecord]) -> [ChunkLink] {
        let byID = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return planned.compactMap { link in byID[link.to].map { ChunkLink(from: link.from, to: $0, direction: link.direction) } }
    }
}
