import Documents
import Retrieval

/// An extractive note: for each passage seen, its first sentence (which usually says what the
/// document is about) and the sentences that share the most words with the question, kept verbatim.
///
/// The Adaptive-Note paper's notes are written by the model (arXiv 2410.08821 §3.1); a 0.5B model's
/// paraphrase drops the bridging fact, so this note copies instead. It grows append-only (new
/// passages go after the old ones), so the answer prompts of successive rounds share their prefix.
public struct ExtractiveNote: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var passage: Passage
        public var sentences: [String]
    }
    public var entries: [Entry] = []

    public init() {}

    /// The note as prompt text: a titled block per passage.
    public var text: String {
        entries.map { "[\($0.passage.label)]\n" + $0.sentences.joined(separator: " ") }.joined(separator: "\n\n")
    }

    public var passages: [Passage] { entries.map(\.passage) }
}

/// Picks the sentences of an ``ExtractiveNote``.
public struct NoteExtractor: Sendable {
    /// Sentences kept per passage (the first one included); nil keeps whole passages.
    public var sentencesPerPassage: Int?
    private let segmenter = SentenceSegmenter()

    public init(sentencesPerPassage: Int? = 3) {
        self.sentencesPerPassage = sentencesPerPassage
    }

    /// `note` with `passages` appended (those already in it are skipped).
    public func extend(_ note: ExtractiveNote, with passages: [Passage], question: String) -> ExtractiveNote {
        var note = note
        let questionWords = Set(FTSQueryBuilder.keywords(in: question).map(Self.stem))
        let known = Set(note.entries.map(\.passage.chunkID))
        // Titles of every passage in the note: a sentence naming another passage's document is the
        // bridge between two hops, so it is kept.
        let titles = (note.passages + passages).map { FTSQueryBuilder.words(in: $0.title) }.filter { !$0.isEmpty }
        for passage in passages where !known.contains(passage.chunkID) {
            note.entries.append(.init(passage: passage, sentences: select(passage, questionWords: questionWords, titles: titles)))
        }
        return note
    }

    /// Each passage with only the sentences a note would keep of it, in the same order.
    public func shorten(_ passages: [Passage], question: String) -> [Passage] {
        extend(ExtractiveNote(), with: passages, question: question).entries.map { entry in
            var p = entry.passage
            p.text = entry.sentences.joined(separator: " ")
            return p
        }
    }

    func select(_ passage: Passage, questionWords: Set<String>, titles: [[String]]) -> [String] {
        let sentences = split(passage.text)
        guard let limit = sentencesPerPassage, sentences.count > limit else { return sentences }
        let own = FTSQueryBuilder.words(in: passage.title)
        var scored: [(index: Int, score: Double)] = []
        for (i, sentence) in sentences.enumerated().dropFirst() {
            let words = FTSQueryBuilder.words(in: sentence)
            let stems = Set(words.map(Self.stem))
            var score = Double(stems.intersection(questionWords).count)
            for title in titles where title != own && Self.contains(words, title) { score += 1.5 }
            scored.append((i, score))
        }
        let extra = scored.filter { $0.score > 0 }.sorted { $0.score != $1.score ? $0.score > $1.score : $0.index < $1.index }
            .prefix(max(0, limit - 1)).map(\.index)
        return ([0] + extra.sorted()).map { sentences[$0] }
    }

    func split(_ text: String) -> [String] {
        let utf8 = Array(text.utf8)
        let ranges = segmenter.sentences(in: text)
        let sentences = ranges.map { String(decoding: utf8[$0], as: UTF8.self) }.filter { !$0.isEmpty }
        return sentences.isEmpty ? [text] : sentences
    }

    static func stem(_ word: String) -> String {
        word.count > 4 && word.hasSuffix("s") ? String(word.dropLast()) : word
    }

    static func contains(_ words: [String], _ phrase: [String]) -> Bool {
        guard !phrase.isEmpty, words.count >= phrase.count else { return false }
        for start in 0...(words.count - phrase.count) where words[start] == phrase[0] {
            if Array(words[start..<(start + phrase.count)]) == phrase { return true }
        }
        return false
    }
}
