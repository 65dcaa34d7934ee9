/// The merge table of a byte-level BPE vocabulary and the merge loop that runs inside one word.
///
/// Symbols are integers: vocabulary ids, and (for the rare merge result or part that is not itself
/// a vocabulary entry) extra ids from `vocabularySize` up, so merging never builds strings.
/// The loop is the classic one (Sennrich et al., arXiv 1508.07909 §3.1, as in GPT-2): repeatedly
/// merge the adjacent pair with the lowest rank, the leftmost one on ties; a binary heap of
/// (rank, position) with lazy invalidation keeps it O(n log n) for long words.
struct BPEMerges: Sendable {
    /// Number of real vocabulary entries; symbols at or above it are extra.
    let vocabularySize: Int
    /// `(left << 32 | right)` -> `(rank << 32 | result)`.
    private let table: PairTable
    /// Initial symbol of each byte value.
    let byteSymbols: [Int32]
    /// For each extra symbol (index = id - vocabularySize): the vocabulary ids spelling it out.
    let extraSpellings: [[Int32]]

    /// Builds the table from the GGUF merge strings (`"Ġ t"`: left and right spelling, one space).
    ///
    /// - Throws: `TokenizerError.malformedMerge` for a line without a separating space.
    init(merges: [String], spellings: SpellingTable, vocabularySize: Int) throws {
        self.vocabularySize = vocabularySize
        var extraIDs: [[UInt8]: Int32] = [:]
        var extraTexts: [[UInt8]] = []
        func symbol(_ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>) -> Int32 {
            if let id = spellings.find(first, second) { return id }
            let bytes = Array(first) + Array(second)
            if let id = extraIDs[bytes] { return id }
            let id = Int32(vocabularySize + extraTexts.count)
            extraIDs[bytes] = id
            extraTexts.append(bytes)
            return id
        }
        let none = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        var byteSymbols = [Int32](repeating: 0, count: 256)
        for byte in 0..<256 {
            var spelling = ByteLevelEncoding.text(forByte: UInt8(byte))
            byteSymbols[byte] = spelling.withUTF8 { symbol($0, none) }
        }
        var table = PairTable(capacity: merges.count)
        for (rank, line) in merges.enumerated() {
            var line = line
            // The separator is the first space after the first byte (a part is never empty).
            let key: UInt64? = line.withUTF8 { utf8 in
                guard utf8.count >= 3, let space = utf8[1...].firstIndex(of: 0x20), space < utf8.count - 1 else {
                    return nil
                }
                let left = UnsafeBufferPointer(rebasing: utf8[..<space])
                let right = UnsafeBufferPointer(rebasing: utf8[(space + 1)...])
                let leftID = symbol(left, none)
                let rightID = symbol(right, none)
                let resultID = symbol(left, right)
                let key = UInt64(UInt32(bitPattern: leftID)) << 32 | UInt64(UInt32(bitPattern: rightID))
                // A duplicated pair keeps its first (best) rank.
                table.insertIfAbsent(key, UInt64(rank) << 32 | UInt64(UInt32(bitPattern: resultID)))
                return key
            }
            if key == nil { throw TokenizerError.malformedMerge(index: rank, text: line) }
        }
        self.table = table
        self.byteSymbols = byteSymbols
        // Spell extra symbols with vocabulary ids, one per character where possible.
        self.extraSpellings = extraTexts.map { bytes in
            String(decoding: bytes, as: UTF8.self).unicodeScalars.compactMap { spellings.find(String($0)) }
        }
    }

    /// Rank and result of merging `left` then `right`, or nil when the pair never merges.
    @inline(__always)
    func merge(_ left: Int32, _ right: Int32) -> (rank: UInt32, result: Int32)? {
        let key = UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
        guard let value = table.value(for: key) else { return nil }
        return (UInt32(truncatingIfNeeded: value >> 32), Int32(bitPattern: UInt32(truncatingIfNeeded: value)))
    }

    /// Reusable buffers for `encode(word:workspace:into:)`.
    struct Workspace {
        var symbols: [Int32] = []
        var next: [Int32] = []
        var previous: [Int32] = []
        var pairRank: [UInt32] = []
        var heap: [UInt64] = []
    }

    private static let noPair = UInt32.max

    /// Runs the merges over one word given as bytes, appending the resulting ids to `output`.
    func encode(word: UnsafeBufferPointer<UInt8>, workspace: inout Workspace, into output: inout [Int32]) {
        let count = word.count
        if count == 0 { return }
        if count == 1 {
            emit(byteSymbols[Int(word[0])], into: &output)
            return
        }
        workspace.symbols.removeAll(keepingCapacity: true)
        workspace.next.removeAll(keepingCapacity: true)
        workspace.previous.removeAll(keepingCapacity: true)
        workspace.pairRank.removeAll(keepingCapacity: true)
        workspace.heap.removeAll(keepingCapacity: true)
        for (index, byte) in word.enumerated() {
            workspace.symbols.append(byteSymbols[Int(byte)])
            workspace.next.append(Int32(index + 1 < count ? index + 1 : -1))
            workspace.previous.append(Int32(index - 1))
            workspace.pairRank.append(Self.noPair)
        }
        for index in 0..<(count - 1) {
            if let found = merge(workspace.symbols[index], workspace.symbols[index + 1]) {
                workspace.pairRank[index] = found.rank
                Self.push(&workspace.heap, UInt64(found.rank) << 32 | UInt64(index))
            }
        }
        while let top = Self.pop(&workspace.heap) {
            let rank = UInt32(top >> 32)
            let left = Int(UInt32(truncatingIfNeeded: top))
            guard workspace.pairRank[left] == rank else { continue }  // stale entry
            let right = Int(workspace.next[left])
            guard right >= 0, let found = merge(workspace.symbols[left], workspace.symbols[right]) else { continue }
            // Merge `right` into `left`.
            workspace.symbols[left] = found.result
            let after = workspace.next[right]
            workspace.next[left] = after
            if after >= 0 { workspace.previous[Int(after)] = Int32(left) }
            workspace.pairRank[right] = Self.noPair
            workspace.next[right] = -1
            // New pairs with both neighbours.
            workspace.pairRank[left] = Self.noPair
            if after >= 0, let pair = merge(found.result, workspace.symbols[Int(after)]) {
                workspace.pairRank[left] = pair.rank
                Self.push(&workspace.heap, UInt64(pair.rank) << 32 | UInt64(left))
            }
            let before = Int(workspace.previous[left])
            if before >= 0 {
                workspace.pairRank[before] = Self.noPair
                if let pair = merge(workspace.symbols[before], found.result) {
                    workspace.pairRank[before] = pair.rank
                    Self.push(&workspace.heap, UInt64(pair.rank) << 32 | UInt64(before))
                }
            }
        }
        var index = 0
        while index >= 0 {
            emit(workspace.symbols[index], into: &output)
            index = Int(workspace.next[index])
        }
    }

    @inline(__always)
    private func emit(_ symbol: Int32, into output: inout [Int32]) {
        if Int(symbol) < vocabularySize {
            output.append(symbol)
        } else {
            output.append(contentsOf: extraSpellings[Int(symbol) - vocabularySize])
        }
    }

    // A binary min-heap of packed (rank, position) keys.
    @inline(__always)
    private static func push(_ heap: inout [UInt64], _ value: UInt64) {
        heap.append(value)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) >> 1
            if heap[parent] <= value { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = value
    }

    @inline(__always)
    private static func pop(_ heap: inout [UInt64]) -> UInt64? {
        guard let last = heap.popLast() else { return nil }
        if heap.isEmpty { return last }
        let top = heap[0]
        var parent = 0
        let count = heap.count
        while true {
            var child = 2 * parent + 1
            if child >= count { break }
            if child + 1 < count && heap[child + 1] < heap[child] { child += 1 }
            if heap[child] >= last { break }
            heap[parent] = heap[child]
            parent = child
        }
        heap[parent] = last
        return top
    }
}

/// An open-addressing hash map from packed symbol pairs to packed (rank, result): the merge lookup
/// is the tokenizer's innermost operation, and a multiplicative hash with linear probing is several
/// times cheaper than `Dictionary`'s seeded SipHash.
struct PairTable: Sendable {
    private static let empty = UInt64.max
    /// Interleaved key, value pairs: one cache line brings both.
    private var slots: [UInt64]
    private let shift: UInt64
    private let mask: Int

    init(capacity: Int) {
        var bits = 4
        while (1 << bits) < capacity + capacity / 2 { bits += 1 }
        slots = [UInt64](repeating: Self.empty, count: 2 << bits)
        shift = UInt64(64 - bits)
        mask = (1 << bits) - 1
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    mutating func insertIfAbsent(_ key: UInt64, _ value: UInt64) {
        var index = slot(key)
        while slots[2 * index] != Self.empty {
            if slots[2 * index] == key { return }
            index = (index + 1) & mask
        }
        slots[2 * index] = key
        slots[2 * index + 1] = value
    }

    @inline(__always)
    func value(for key: UInt64) -> UInt64? {
        slots.withUnsafeBufferPointer { slots in
            var index = slot(key)
            while true {
                let found = slots[2 * index]
                if found == key { return slots[2 * index + 1] }
                if found == Self.empty { return nil }
                index = (index + 1) & mask
            }
        }
    }
}
