import Foundation

/// Remembers the ids of words already merged: text repeats its words, and one hash lookup is much
/// cheaper than re-running the merges (whose pair table does not stay in cache on varied text).
///
/// Shared by all copies of a tokenizer; `withLock` serialises users. Bounded: it starts over when
/// it holds `maximumWords` words.
final class WordCache: @unchecked Sendable {
    private let lock = NSLock()
    private var table = Table()
    let maximumWords: Int

    init(maximumWords: Int = 1 << 16) {
        self.maximumWords = maximumWords
    }

    /// Runs `body` with exclusive access to the table.
    func withLock<T>(_ body: (inout Table) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        if table.count >= maximumWords { table = Table() }
        return body(&table)
    }

    struct Table {
        private var wordBytes: [UInt8] = []
        private var ids: [Int32] = []
        /// Per entry: hash, word start, word length, ids start, ids count.
        private var entries: [(hash: UInt64, word: Int32, wordLength: Int32, ids: Int32, idCount: Int32)] = []
        private var slots = [Int32](repeating: -1, count: 1 << 17)
        private let mask = (1 << 17) - 1

        var count: Int { entries.count }

        @inline(__always)
        static func hash(_ word: UnsafeBufferPointer<UInt8>) -> UInt64 {
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for byte in word { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
            return hash ^ (hash >> 31)
        }

        /// Appends the cached ids of `word` to `output`; false when the word is not cached.
        func lookup(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, into output: inout [Int32]) -> Bool {
            var index = Int(truncatingIfNeeded: hash) & mask
            while true {
                let entryIndex = slots[index]
                if entryIndex < 0 { return false }
                let entry = entries[Int(entryIndex)]
                if entry.hash == hash && Int(entry.wordLength) == word.count {
                    let start = Int(entry.word)
                    var equal = true
                    for offset in 0..<word.count where wordBytes[start + offset] != word[offset] {
                        equal = false
                        break
                    }
                    if equal {
                        output.append(contentsOf: ids[Int(entry.ids)..<Int(entry.ids + entry.idCount)])
                        return true
                    }
                }
                index = (index + 1) & mask
            }
        }

        /// Stores the ids of a word (not already cached); does nothing once the table is 3/4 full
        /// (one huge text can bring more new words than the table has slots).
        mutating func insert(_ word: UnsafeBufferPointer<UInt8>, hash: UInt64, ids newIDs: ArraySlice<Int32>) {
            guard entries.count < slots.count / 4 * 3, word.count <= 256 else { return }
            var index = Int(truncatingIfNeeded: hash) & mask
            while slots[index] >= 0 { index = (index + 1) & mask }
            slots[index] = Int32(entries.count)
            entries.append((hash, Int32(wordBytes.count), Int32(word.count), Int32(ids.count), Int32(newIDs.count)))
            wordBytes.append(contentsOf: word)
            ids.append(contentsOf: newIDs)
        }
    }
}
