/// Finds stop sequences in streamed text, holding back any tail that could be the start of one,
/// so text after (or part of) a stop sequence is never released.
struct StopSequenceMatcher {
    private let stops: [[UInt8]]
    private var bytes: [UInt8] = []
    private var released = 0
    /// Whether a stop sequence was found; `text` then ends before it.
    private(set) var matched = false
    private var end: Int?

    init(_ stops: [String]) {
        self.stops = stops.map { Array($0.utf8) }.filter { !$0.isEmpty }
    }

    /// All text accepted so far, cut before a matched stop sequence.
    var text: String { String(decoding: bytes[..<(end ?? bytes.count)], as: UTF8.self) }

    /// Adds complete text and returns the part that is now safe to show.
    mutating func append(_ piece: String) -> String {
        guard !matched else { return "" }
        let previous = bytes.count
        bytes.append(contentsOf: piece.utf8)
        guard !stops.isEmpty else { return release(upTo: bytes.count) }
        var firstMatch: Int?
        for stop in stops {
            let from = max(0, previous - stop.count + 1)
            if let at = Self.find(stop, in: bytes, from: from), at < (firstMatch ?? Int.max) { firstMatch = at }
        }
        if let at = firstMatch {
            matched = true
            end = at
            return release(upTo: at)
        }
        // Hold back the longest tail that is a proper prefix of some stop sequence.
        var hold = 0
        for stop in stops {
            var length = min(stop.count - 1, bytes.count)
            while length > hold {
                if bytes[(bytes.count - length)...].elementsEqual(stop[..<length]) {
                    hold = length
                    break
                }
                length -= 1
            }
        }
        return release(upTo: max(released, bytes.count - hold))
    }

    /// Adds the final text (no more will come) and returns everything not yet released.
    mutating func finish(_ piece: String) -> String {
        guard !matched else { return "" }
        var out = append(piece)
        if !matched { out += release(upTo: bytes.count) }
        return out
    }

    private mutating func release(upTo limit: Int) -> String {
        guard limit > released else { return "" }
        let text = String(decoding: bytes[released..<limit], as: UTF8.self)
        released = limit
        return text
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0] && haystack[index..<(index + needle.count)].elementsEqual(needle) {
                return index
            }
            index += 1
        }
        return nil
    }
}
