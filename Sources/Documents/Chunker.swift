/// Sizes for ``Chunker``, in approximate word pieces (see ``TokenEstimator``).
public struct ChunkingParameters: Sendable, Equatable {
    /// A window is closed before it grows past this many pieces.
    public var targetTokens: Int
    /// Whole sentences from the end of a window, up to this many pieces, start the next one.
    public var overlapTokens: Int
    /// No chunk is longer than this (sentences longer than this are split at word boundaries);
    /// 256 is the embedding model's limit.
    public var maxTokens: Int

    public init(targetTokens: Int = 200, overlapTokens: Int = 40, maxTokens: Int = 256) {
        self.targetTokens = max(1, targetTokens)
        self.maxTokens = max(self.targetTokens, maxTokens)
        self.overlapTokens = max(0, min(overlapTokens, self.targetTokens / 2))
    }
}

/// One retrieval unit: a window of whole sentences inside one section.
public struct Chunk: Sendable, Equatable, Hashable {
    /// 0-based index within the document.
    public var ordinal: Int
    /// Exactly `Document.slice(start..<end)`.
    public var text: String
    /// The heading path of the section the chunk lies in.
    public var headingPath: [String]
    /// UTF-8 byte offsets into ``Document/text``: `document.slice(chunk.start..<chunk.end) == chunk.text`.
    public var start: Int
    public var end: Int
    /// The approximate word-piece count of `text`.
    public var tokenEstimate: Int

    public init(ordinal: Int, text: String, headingPath: [String], start: Int, end: Int, tokenEstimate: Int = 0) {
        self.ordinal = ordinal
        self.text = text
        self.headingPath = headingPath
        self.start = start
        self.end = end
        self.tokenEstimate = tokenEstimate
    }
}

extension Chunk {
    /// The chunk text prefixed with its context line — the document title and heading path joined by
    /// `" > "`, without repeats — for embedding, so a chunk like "It was founded in 1891." keeps
    /// its subject. The offsets still refer to ``text`` alone.
    ///
    /// For example, title `"Kettlewick"` and path `["History", "Founding"]` give
    /// `"Kettlewick > History > Founding\n\nIt was founded in 1891."`.
    public func contextualized(title: String) -> String {
        var parts: [String] = []
        for part in [title] + headingPath where !part.isEmpty && parts.last != part {
            parts.append(part)
        }
        guard !parts.isEmpty else { return text }
        return parts.joined(separator: " > ") + "\n\n" + text
    }
}

/// Cheap approximation of BERT WordPiece counts for all-MiniLM-L6-v2, fitted on the QA corpus and
/// the SQLite docs (mean error ~8% per passage, slightly over-counting): a run of letters of length L
/// counts `1 + max(0, L - 7) / 2`, a run of digits `ceil(L / 4)`, every other visible ASCII byte 1.
public enum TokenEstimator {
    /// The estimated word-piece count of `text` (no [CLS]/[SEP]).
    public static func count(_ text: String) -> Int {
        var copy = text
        return copy.withUTF8 { count($0, 0..<$0.count) }
    }

    static func count(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        var total = 0
        var letters = 0
        var digits = 0
        @inline(__always) func flush() {
            if letters > 0 { total += 1 + max(0, letters - 7) / 2; letters = 0 }
            if digits > 0 { total += (digits + 3) / 4; digits = 0 }
        }
        for i in range {
            let b = bytes[i]
            if (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A {
                if digits > 0 { flush() }
                letters += 1
            } else if b >= 0x80 {
                if digits > 0 { flush() }
                if b & 0xC0 != 0x80 { letters += 1 }
            } else if b >= 0x30 && b <= 0x39 {
                if letters > 0 { flush() }
                digits += 1
            } else {
                flush()
                if b > 0x20 && b != 0x7F { total += 1 }
            }
        }
        flush()
        return total
    }
}

/// Cuts documents into overlapping windows of whole sentences, section by section.
///
/// A window gathers sentences until the next would pass `targetTokens`; the next window starts
/// with the last sentences of the previous one worth at most `overlapTokens` (dropped if they would
/// push it past `maxTokens`). A chunk never crosses a section boundary; a section holding only its
/// heading gives no chunk (the heading is in the next chunks' `headingPath`) unless the document
/// has nothing else. Offsets are UTF-8 bytes.
///
/// For example:
/// ```swift
/// let chunks = Chunker().chunks(of: document)
/// assert(chunks.allSatisfy { document.slice($0.start..<$0.end) == $0.text })
/// ```
public struct Chunker: Sendable {
    public var parameters: ChunkingParameters
    public var segmenter: SentenceSegmenter

    public init(parameters: ChunkingParameters = .init(), segmenter: SentenceSegmenter = .init()) {
        self.parameters = parameters
        self.segmenter = segmenter
    }

    public func chunks(of document: Document) -> [Chunk] {
        var text = document.text
        return text.withUTF8 { bytes -> [Chunk] in
            var chunks = chunks(bytes, document.sections, skippingHeadingOnly: true)
            if chunks.isEmpty {
                // Nothing but headings (e.g. a page that is just a title): keep them after all.
                chunks = self.chunks(bytes, document.sections, skippingHeadingOnly: false)
            }
            return chunks
        }
    }

    func chunks(_ bytes: UnsafeBufferPointer<UInt8>, _ sections: [Section], skippingHeadingOnly: Bool) -> [Chunk] {
        var chunks: [Chunk] = []
        for section in sections {
            let range = max(0, section.range.lowerBound)..<min(bytes.count, section.range.upperBound)
            guard !range.isEmpty else { continue }
            if skippingHeadingOnly && isHeadingOnly(bytes, range, section.headingPath) { continue }
            for window in windows(bytes, range) {
                let slice = String(decoding: UnsafeBufferPointer(rebasing: bytes[window.range]), as: UTF8.self)
                chunks.append(Chunk(ordinal: chunks.count, text: slice, headingPath: section.headingPath,
                                    start: window.range.lowerBound, end: window.range.upperBound, tokenEstimate: window.tokens))
            }
        }
        return chunks
    }

    /// Whether a section's text is just its own heading.
    func isHeadingOnly(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ path: [String]) -> Bool {
        guard let heading = path.last, heading.utf8.count == range.count else { return false }
        return heading.utf8.elementsEqual(UnsafeBufferPointer(rebasing: bytes[range]))
    }

    struct Piece { var range: Range<Int>; var tokens: Int }

    /// Sentences of a range, with over-long ones split into pieces of at most `targetTokens`.
    func pieces(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [Piece] {
        var result: [Piece] = []
        for sentence in segmenter.sentences(in: bytes, range: range) {
            let tokens = TokenEstimator.count(bytes, sentence)
            if tokens <= parameters.maxTokens {
                result.append(Piece(range: sentence, tokens: tokens))
            } else {
                result.append(contentsOf: split(bytes, sentence, limit: parameters.targetTokens))
            }
        }
        return result
    }

    /// Splits a long sentence at line breaks or spaces (or, for a giant word, at a character
    /// boundary) into pieces of at most `limit` estimated tokens.
    func split(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, limit: Int) -> [Piece] {
        var result: [Piece] = []
        var start = range.lowerBound
        while start < range.upperBound {
            // Grow word by word until the limit.
            var end = start
            var lastNewline = -1
            var tokens = 0
            var i = start
            while i < range.upperBound {
                var j = i
                while j < range.upperBound, bytes[j] == 0x20 || bytes[j] == 0x0A || bytes[j] == 0x09 { j += 1 }
                var k = j
                while k < range.upperBound, !(bytes[k] == 0x20 || bytes[k] == 0x0A || bytes[k] == 0x09) { k += 1 }
                let t = tokens + TokenEstimator.count(bytes, j..<k)   // white space separates runs, so counts add up
                if t > limit && end > start { break }
                if t > limit {
                    // One word over the limit: cut it at a scalar boundary near the limit.
                    var cut = start + max(1, (k - start) * limit / max(t, 1))
                    while cut < k, bytes[cut] & 0xC0 == 0x80 { cut += 1 }
                    end = cut; tokens = TokenEstimator.count(bytes, start..<cut)
                    break
                }
                if j > i, bytes[i..<j].contains(0x0A) { lastNewline = i }
                end = k; tokens = t; i = k
            }
            // Prefer a line break in the last third of the piece.
            if end < range.upperBound, lastNewline > start + (end - start) * 2 / 3 {
                end = lastNewline
                tokens = TokenEstimator.count(bytes, start..<end)
            }
            result.append(Piece(range: start..<end, tokens: tokens))
            start = end
            while start < range.upperBound, bytes[start] == 0x20 || bytes[start] == 0x0A || bytes[start] == 0x09 { start += 1 }
        }
        return result
    }

    /// Overlapping windows of pieces.
    func windows(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [Piece] {
        let pieces = pieces(bytes, range)
        guard !pieces.isEmpty else { return [] }
        var result: [Piece] = []
        var first = 0
        var mustReach = 0          // the first piece not yet in any window
        while first < pieces.count {
            var last = first
            var tokens = pieces[first].tokens
            while last + 1 < pieces.count {
                let extra = pieces[last + 1].tokens   // white space between sentences counts nothing
                if last + 1 > mustReach && tokens + extra > parameters.targetTokens { break }
                tokens += extra; last += 1
            }
            mustReach = last + 1
            // Overlap must never push a window past maxTokens: drop it from the front.
            while tokens > parameters.maxTokens && first < last {
                tokens -= pieces[first].tokens; first += 1
            }
            let range = pieces[first].range.lowerBound..<pieces[last].range.upperBound
            result.append(Piece(range: range, tokens: TokenEstimator.count(bytes, range)))
            if last == pieces.count - 1 { break }
            // Overlap: trailing sentences of this window worth at most overlapTokens.
            var next = last + 1
            var overlap = 0
            while next - 1 > first, overlap + pieces[next - 1].tokens <= parameters.overlapTokens {
                overlap += pieces[next - 1].tokens; next -= 1
            }
            first = next
        }
        return result
    }
}
