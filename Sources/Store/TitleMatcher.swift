import Foundation

/// Finds the document titles a text mentions: the in-memory dictionary behind the `links` table.
///
/// Rules (one place, used by the backfill, by every write and by ``IndexStore/documentsTitled(in:limit:)``):
/// - Titles and texts are normalised the same way (``NormalizedWords``): letters, numbers and marks
///   make words (as in FTS5's `unicode61`), everything else separates; words are lower-cased and
///   diacritics folded ("Zürich" → "zurich").
/// - A document is found under its whole title and under its "core" title without a trailing
///   parenthetical ("Scott Derrickson (director)" → "scott derrickson director" and "scott derrickson").
/// - A title (key) is linkable when it has 1...``maximumTitleWords`` words and at least
///   ``minimumTitleCharacters`` characters, is not only numbers ("1984"), is not one common English
///   word (``TitleStopwords``), and at most ``maximumDocumentsPerTitle`` documents share it (so
///   "Introduction" in every file, or a long article split in many passages, is not linked).
/// - A text mentions a key when the key's words occur in it as consecutive words (all occurrences,
///   nested ones too: "New York City" mentions "New York" as well).
/// - A chunk never links to documents with its own document's whole title (its own document, or
///   sibling passages of the same article); its links are capped at ``maximumLinksPerChunk``
///   documents, longest titles first.
///
/// ``linkedDocuments(inText:ownTitle:)`` walks a trie of word hashes from each start position (up to
/// ``maximumTitleWords`` words) and checks the bytes of every key it reaches (so a hash collision
/// cannot link); ``referenceLinkedDocuments(inText:ownTitle:documents:)`` is its plain twin (strings,
/// naive search, ``NormalizedWords/reference(_:)``) that tests compare against.
package struct TitleMatcher: Sendable {
    static let maximumTitleWords = 8
    static let minimumTitleCharacters = 4
    package static let maximumDocumentsPerTitle = 20
    static let maximumLinksPerChunk = 32

    private struct Key: Sendable {
        var text: String
        /// `text`'s UTF-8 bytes (words separated by single spaces), to verify a trie hit.
        var bytes: [UInt8]
        var characters: Int
        /// Documents found under this key, ascending.
        var documents: [Int64] = []
    }

    /// Word hash (``NormalizedWords/hash(_:)``) → word id, for every word of every key ever added.
    private var wordIDs = WordHashTable()
    /// Trie edges: (node << 32 | word id) → child node; node 0 is the root.
    private var edges = WordHashTable()
    /// Key index ending at each node, or -1.
    private var keyOfNode: [Int32] = [-1]
    private var keys: [Key] = []
    /// Each added document's normalised whole title (valid key or not): a chunk never links to
    /// documents with its own document's whole title.
    private var wholeTitleOfDocument: [Int64: String] = [:]

    package init() {}

    package init(documents: [(id: Int64, title: String)]) {
        for document in documents { add(document: document.id, title: document.title) }
    }

    // MARK: - Normalisation and rules

    /// The normalised words of `text` (see ``NormalizedWords``).
    ///
    /// For example: `words(in: "Zürich's AC/DC (1979)")` is `["zurich", "s", "ac", "dc", "1979"]`.
    package static func words(in text: String) -> [String] {
        NormalizedWords(text).strings
    }

    /// The keys a document is found under: its whole title first, then its core title (without a
    /// trailing parenthetical) when that differs; only keys that pass ``isValidKey(_:)``.
    ///
    /// For example: `keys(forTitle: "Scott Derrickson (director)")` is
    /// `["scott derrickson director", "scott derrickson"]`.
    package static func keys(forTitle title: String) -> [String] {
        var result: [String] = []
        let whole = words(in: title)
        if isValidKey(whole) { result.append(whole.joined(separator: " ")) }
        if let core = coreTitle(title) {
            let coreWords = words(in: core)
            let coreKey = coreWords.joined(separator: " ")
            if isValidKey(coreWords), !result.contains(coreKey) { result.append(coreKey) }
        }
        return result
    }

    /// The title without a trailing parenthetical, or nil when it has none (or nothing before it).
    static func coreTitle(_ title: String) -> String? {
        let trimmed = title.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasSuffix(")"), let open = trimmed.lastIndex(of: "(") else { return nil }
        let core = trimmed[..<open].trimmingCharacters(in: .whitespaces)
        return core.isEmpty ? nil : core
    }

    /// The static rules for a key: 1...``maximumTitleWords`` words, ≥ ``minimumTitleCharacters``
    /// characters, not only numbers, not one common English word.
    static func isValidKey(_ words: [String]) -> Bool {
        guard !words.isEmpty, words.count <= maximumTitleWords else { return false }
        let characters = words.reduce(words.count - 1) { $0 + $1.count }
        guard characters >= minimumTitleCharacters else { return false }
        if words.allSatisfy({ $0.unicodeScalars.allSatisfy { $0.properties.numericType != nil } }) { return false }
        if words.count == 1, TitleStopwords.english.contains(words[0]) { return false }
        return true
    }

    // MARK: - Updating

    /// Adds a document under the keys of its title.
    package mutating func add(document id: Int64, title: String) {
        let keyTexts = Self.keys(forTitle: title)
        if keyTexts.isEmpty { return }
        wholeTitleOfDocument[id] = Self.words(in: title).joined(separator: " ")
        for keyText in keyTexts {
            guard let key = insertKey(keyText) else { continue }
            let index = keys[Int(key)].documents.insertionIndex(of: id)
            if index == keys[Int(key)].documents.count || keys[Int(key)].documents[index] != id {
                keys[Int(key)].documents.insert(id, at: index)
            }
        }
    }

    /// Removes a document (added with the same title) from its keys.
    package mutating func remove(document id: Int64, title: String) {
        wholeTitleOfDocument[id] = nil
        for keyText in Self.keys(forTitle: title) {
            guard let key = findKey(keyText) else { continue }
            let index = keys[Int(key)].documents.insertionIndex(of: id)
            if index < keys[Int(key)].documents.count, keys[Int(key)].documents[index] == id {
                keys[Int(key)].documents.remove(at: index)
            }
        }
    }

    /// The documents found under a key (a normalised title), ascending.
    package func documents(forKey keyText: String) -> [Int64] {
        findKey(keyText).map { keys[Int($0)].documents } ?? []
    }

    /// Whether a key with this many documents is linked (1...``maximumDocumentsPerTitle``).
    static func isLinkable(documentCount: Int) -> Bool {
        documentCount > 0 && documentCount <= maximumDocumentsPerTitle
    }

    private mutating func insertKey(_ keyText: String) -> Int32? {
        var node: Int32 = 0
        for word in keyText.split(separator: " ") {
            let hash = NormalizedWords.hash(word)
            let wordID: Int32
            if let known = wordIDs[hash] {
                wordID = known
            } else {
                wordID = Int32(wordIDs.count)
                wordIDs.set(hash, wordID)
            }
            let edge = UInt64(node) << 32 | UInt64(wordID)
            if let child = edges[edge] {
                node = child
            } else {
                let child = Int32(keyOfNode.count)
                keyOfNode.append(-1)
                edges.set(edge, child)
                node = child
            }
        }
        if keyOfNode[Int(node)] < 0 {
            keyOfNode[Int(node)] = Int32(keys.count)
            keys.append(Key(text: keyText, bytes: Array(keyText.utf8), characters: keyText.count))
        }
        let key = keyOfNode[Int(node)]
        // Two title words with one 64-bit hash (odds ~10⁻¹⁰ for 10⁵ words): the later title is not indexed.
        return keys[Int(key)].text == keyText ? key : nil
    }

    private func findKey(_ keyText: String) -> Int32? {
        var node: Int32 = 0
        for word in keyText.split(separator: " ") {
            guard let wordID = wordIDs[NormalizedWords.hash(word)],
                  let child = edges[UInt64(node) << 32 | UInt64(wordID)] else { return nil }
            node = child
        }
        let key = keyOfNode[Int(node)]
        return key >= 0 && keys[Int(key)].text == keyText ? key : nil
    }

    // MARK: - Matching

    /// The documents a chunk text links to: documents of the linkable keys it mentions, without those
    /// sharing `ownTitle`'s whole key, longest keys first, at most ``maximumLinksPerChunk``.
    ///
    /// For example: with "Scott Derrickson (director)" added, `linkedDocuments(inText: "directed by
    /// Scott Derrickson", ownTitle: "Sinister")` is that document's id.
    package func linkedDocuments(inText text: String, ownTitle: String?) -> [Int64] {
        linkedDocuments(in: NormalizedWords(text), ownTitle: ownTitle)
    }

    /// ``linkedDocuments(inText:ownTitle:)`` for a text already split.
    func linkedDocuments(in words: NormalizedWords, ownTitle: String?) -> [Int64] {
        let ownWholeTitle = ownTitle.map { Self.words(in: $0).joined(separator: " ") }
        return select(mentionedKeys(in: words), excludingWholeTitle: ownWholeTitle, limit: Self.maximumLinksPerChunk)
    }

    /// The documents whose titles `text` mentions, longest titles first, at most `limit`.
    package func titledDocuments(inText text: String, limit: Int) -> [Int64] {
        select(mentionedKeys(in: NormalizedWords(text)), excludingWholeTitle: nil, limit: limit)
    }

    /// Indexes of the keys with documents that occur in `words` (each start position, trie walk).
    private func mentionedKeys(in words: NormalizedWords) -> [Int32] {
        let ids = words.hashes.map { wordIDs[$0] ?? -1 }
        var found: [Int32] = []  // a handful per chunk: a linear search beats a Set
        for start in ids.indices where ids[start] >= 0 {
            var node: Int32 = 0
            for position in start..<min(start + Self.maximumTitleWords, ids.count) {
                let wordID = ids[position]
                guard wordID >= 0, let child = edges[UInt64(node) << 32 | UInt64(wordID)] else { break }
                node = child
                let key = keyOfNode[Int(child)]
                if key >= 0, !keys[Int(key)].documents.isEmpty, !found.contains(key),
                   words.matches(keys[Int(key)].bytes, at: start) {
                    found.append(key)
                }
            }
        }
        return found
    }

    private func select(_ found: [Int32], excludingWholeTitle ownWholeTitle: String?, limit: Int) -> [Int64] {
        guard limit > 0, !found.isEmpty else { return [] }
        let ordered = found.filter { Self.isLinkable(documentCount: keys[Int($0)].documents.count) }.sorted { a, b in
            let first = keys[Int(a)].characters, second = keys[Int(b)].characters
            return first != second ? first > second : keys[Int(a)].text < keys[Int(b)].text
        }
        var result: [Int64] = []
        var seen = Set<Int64>()  // only for long results: a chunk's few links are searched linearly
        for key in ordered {
            for document in keys[Int(key)].documents {
                if let ownWholeTitle, wholeTitleOfDocument[document] == ownWholeTitle { continue }
                if limit <= Self.maximumLinksPerChunk {
                    guard !result.contains(document) else { continue }
                } else {
                    guard seen.insert(document).inserted else { continue }
                }
                result.append(document)
                if result.count >= limit { return result }
            }
        }
        return result
    }

    // MARK: - Reference

    /// The plain twin of ``linkedDocuments(inText:ownTitle:)``: every key of every document searched
    /// for in the text's words one by one, no trie, no ids.
    static func referenceLinkedDocuments(inText text: String, ownTitle: String?,
                                         documents: [(id: Int64, title: String)]) -> [Int64] {
        let textWords = NormalizedWords.reference(text)
        func occurs(_ key: [String]) -> Bool {
            guard key.count <= textWords.count else { return false }
            for start in 0...(textWords.count - key.count) where Array(textWords[start..<start + key.count]) == key {
                return true
            }
            return false
        }
        func keys(_ title: String) -> [[String]] {
            var result: [[String]] = []
            for words in [NormalizedWords.reference(title)] + (coreTitle(title).map { [NormalizedWords.reference($0)] } ?? [])
            where isValidKey(words) && !result.contains(words) {
                result.append(words)
            }
            return result
        }
        var documentsOfKey: [[String]: Set<Int64>] = [:]
        var wholeTitle: [Int64: [String]] = [:]
        for document in documents {
            for key in keys(document.title) { documentsOfKey[key, default: []].insert(document.id) }
            wholeTitle[document.id] = NormalizedWords.reference(document.title)
        }
        let own = ownTitle.map(NormalizedWords.reference)
        let mentioned = documentsOfKey
            .filter { isLinkable(documentCount: $0.value.count) && occurs($0.key) }
            .map { (key: $0.key.joined(separator: " "), ids: $0.value) }
            .sorted { $0.key.count != $1.key.count ? $0.key.count > $1.key.count : $0.key < $1.key }
        var result: [Int64] = []
        for (_, ids) in mentioned {
            for id in ids.sorted() where wholeTitle[id] != own && !result.contains(id) {
                result.append(id)
                if result.count == maximumLinksPerChunk { return result }
            }
        }
        return result
    }
}

extension Array where Element == Int64 {
    /// The first index whose element is not less than `value` (the array is ascending).
    fileprivate func insertionIndex(of value: Int64) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
