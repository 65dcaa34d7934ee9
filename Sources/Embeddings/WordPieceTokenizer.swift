import Foundation

/// BERT's WordPiece tokenizer, matching the model's tokenizer.json (`BertNormalizer` with lower-casing
/// and accent stripping, `BertPreTokenizer`, WordPiece with `##` continuations and `[UNK]`, the
/// `[CLS] … [SEP]` template). Special-token text such as `[SEP]` in the input is recognised before
/// normalisation, as `tokenizers` does for added tokens.
///
/// For example:
/// ```swift
/// let tokenizer = try WordPieceTokenizer(vocabularyURL: dir.appendingPathComponent("vocab.txt"))
/// tokenizer.encode("Hello world")   // [101, 7592, 2088, 102]
/// ```
public struct WordPieceTokenizer: Sendable {
    /// Word-initial pieces by UTF-8 bytes.
    private let initial: [[UInt8]: Int32]
    /// Continuation pieces (without their `##`) by UTF-8 bytes.
    private let continuation: [[UInt8]: Int32]
    /// The longest piece, in Unicode scalars, bounding the greedy search.
    private let longestPiece: Int
    /// Special tokens matched verbatim in the raw text, longest first.
    private let specials: [(text: [Unicode.Scalar], id: Int32)]
    /// Ids of `[CLS]`, `[SEP]`, `[UNK]`, `[PAD]`.
    public let clsID: Int32, sepID: Int32, unknownID: Int32, padID: Int32
    /// The vocabulary size.
    public let vocabularySize: Int
    /// Words longer than this many scalars become `[UNK]` (tokenizer.json `max_input_chars_per_word`).
    public let maxInputCharsPerWord = 100

    /// Loads a vocab.txt (one token per line, the line number is the id).
    /// - Throws: ``EmbeddingsError/modelNotFound(path:)`` or ``EmbeddingsError/missingToken(token:path:)``.
    public init(vocabularyURL: URL) throws {
        guard let text = try? String(contentsOf: vocabularyURL, encoding: .utf8) else {
            if FileManager.default.fileExists(atPath: vocabularyURL.path) {
                throw EmbeddingsError.unreadable(path: vocabularyURL.path, reason: "not UTF-8 text")
            }
            throw EmbeddingsError.modelNotFound(path: vocabularyURL.path)
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        if lines.last?.isEmpty == true { lines.removeLast() }
        try self.init(tokens: lines.map(String.init), path: vocabularyURL.path)
    }

    /// Builds a tokenizer from tokens in id order.
    public init(tokens: [String], path: String = "<memory>") throws {
        var initial: [[UInt8]: Int32] = [:], continuation: [[UInt8]: Int32] = [:]
        var byText: [String: Int32] = [:]
        var longest = 1
        for (id, token) in tokens.enumerated() {
            let id = Int32(id)
            if byText[token] == nil { byText[token] = id }
            if token.hasPrefix("##") && token.utf8.count > 2 {
                let piece = Array(token.utf8.dropFirst(2))
                if continuation[piece] == nil { continuation[piece] = id }
                longest = max(longest, token.unicodeScalars.count - 2)
            } else {
                let piece = Array(token.utf8)
                if initial[piece] == nil { initial[piece] = id }
                longest = max(longest, token.unicodeScalars.count)
            }
        }
        func id(_ token: String) throws -> Int32 {
            guard let id = initial[Array(token.utf8)] else { throw EmbeddingsError.missingToken(token: token, path: path) }
            return id
        }
        clsID = try id("[CLS]"); sepID = try id("[SEP]"); unknownID = try id("[UNK]"); padID = try id("[PAD]")
        var specials: [(text: [Unicode.Scalar], id: Int32)] = []
        for token in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] {
            if let id = initial[Array(token.utf8)] { specials.append((Array(token.unicodeScalars), id)) }
        }
        self.specials = specials.sorted { $0.text.count > $1.text.count }
        self.initial = initial
        self.continuation = continuation
        self.longestPiece = longest
        self.vocabularySize = tokens.count
    }

    /// Token ids for `text`: `[CLS]`, at most `maxLength - 2` word pieces, `[SEP]`.
    ///
    /// `maxLength` defaults to 256 as sentence-transformers sets for all-MiniLM-L6-v2 (overriding the
    /// 128 in tokenizer.json).
    public func encode(_ text: String, maxLength: Int = 256) -> [Int32] {
        var ids: [Int32] = [clsID]
        ids.append(contentsOf: wordPieces(text, limit: max(0, maxLength - 2)))
        ids.append(sepID)
        return ids
    }

    /// The number of word pieces in `text` without truncation or `[CLS]`/`[SEP]`.
    public func countPieces(_ text: String) -> Int { wordPieces(text, limit: Int.max).count }

    /// Word-piece ids of `text` (no special tokens added), stopping after `limit` pieces.
    public func wordPieces(_ text: String, limit: Int) -> [Int32] {
        var ids: [Int32] = []
        for segment in splitOnSpecials(text) {
            if ids.count >= limit { break }
            switch segment {
            case .special(let id):
                ids.append(id)
            case .text(let range):
                for word in BertNormalizer.words(text[range]) {
                    if ids.count >= limit { break }
                    appendPieces(of: word, to: &ids)
                }
            }
        }
        if ids.count > limit { ids.removeLast(ids.count - limit) }
        return ids
    }

    private enum Segment { case text(Range<String.Index>), special(Int32) }

    /// Splits raw text at verbatim special tokens (leftmost, longest match).
    private func splitOnSpecials(_ text: String) -> [Segment] {
        let scalars = text.unicodeScalars
        guard text.utf8.contains(UInt8(ascii: "[")) else { return [.text(text.startIndex..<text.endIndex)] }
        var segments: [Segment] = []
        var segmentStart = scalars.startIndex
        var i = scalars.startIndex
        outer: while i < scalars.endIndex {
            if scalars[i] == "[" {
                for special in specials {
                    var j = i, matched = true
                    for s in special.text {
                        guard j < scalars.endIndex, scalars[j] == s else { matched = false; break }
                        j = scalars.index(after: j)
                    }
                    if matched {
                        if segmentStart < i { segments.append(.text(segmentStart..<i)) }
                        segments.append(.special(special.id))
                        i = j; segmentStart = j
                        continue outer
                    }
                }
            }
            i = scalars.index(after: i)
        }
        if segmentStart < scalars.endIndex { segments.append(.text(segmentStart..<scalars.endIndex)) }
        return segments
    }

    /// Greedy longest-match-first WordPiece of one normalised word; the whole word is `[UNK]` when
    /// any part cannot be matched.
    private func appendPieces(of word: [Unicode.Scalar], to ids: inout [Int32]) {
        if word.count > maxInputCharsPerWord { ids.append(unknownID); return }
        // UTF-8 bytes of the word and each scalar's starting byte offset.
        var bytes: [UInt8] = []
        var offsets: [Int] = []
        offsets.reserveCapacity(word.count + 1)
        for s in word {
            offsets.append(bytes.count)
            bytes.append(contentsOf: UTF8.encode(s)!)
        }
        offsets.append(bytes.count)
        let n = word.count
        let before = ids.count
        var start = 0
        while start < n {
            var end = min(n, start + longestPiece)
            var found: Int32? = nil
            let table = start == 0 ? initial : continuation
            while end > start {
                if let id = table[Array(bytes[offsets[start]..<offsets[end]])] { found = id; break }
                end -= 1
            }
            guard let id = found else {
                ids.removeLast(ids.count - before)
                ids.append(unknownID)
                return
            }
            ids.append(id)
            start = end
        }
    }
}
