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
    private let table: [UInt64: UInt64]
    /// Initial symbol of each byte value.
    let byteSymbols: [Int32]
    /// For each extra symbol (index = id - vocabularySize): the vocabulary ids spelling it out.
    let extraSpellings: [[Int32]]

    /// Builds the table from the GGUF merge strings (`"Ġ t"`: left and right spelling, one space).
    ///
    /// - Throws: `TokenizerError.malformedMerge` for a line without a separating space.
    init(merges: [String], tokenToID: [String: Int32], vocabularySize: Int) throws {
        self.vocabularySize = vocabularySize
        var extraIDs: [String: Int32] = [:]
        var extraTexts: [String] = []
        func symbol(_ text: String) -> Int32 {
            if let id = tokenToID[text] { return id }
            if let id = extraIDs[text] { return id }
            let id = Int32(vocabularySize + extraTexts.count)
            extraIDs[text] = id
            extraTexts.append(text)
            return id
        }
        var byteSymbols = [Int32](repeating: 0, count: 256)
        for byte in 0..<256 { byteSymbols[byte] = symbol(ByteLevelEncoding.text(forByte: UInt8(byte))) }
        var table: [UInt64: UInt64] = [:]
        table.reserveCapacity(merges.count)
        for (rank, line) in merges.enumerated() {
            // The separator is the first space after the first character (a part is never empty).
            let utf8 = Array(line.utf8)
            guard utf8.count >= 3, let space = utf8.dropFirst().firstIndex(of: 0x20) else {
                throw TokenizerError.malformedMerge(index: rank, text: line)
            }
            let left = String(decoding: utf8[..<space], as: UTF8.self)
            let right = String(decoding: utf8[(space + 1)...], as: UTF8.self)
            let leftID = symbol(left)
            let rightID = symbol(right)
            let resultID = symbol(left + right)
            let key = UInt64(UInt32(bitPattern: leftID)) << 32 | UInt64(UInt32(bitPattern: rightID))
            if table[key] == nil {  // a duplicated pair keeps its first (best) rank
                table[key] = UInt64(rank) << 32 | UInt64(UInt32(bitPattern: resultID))
            }
        }
        self.table = table
        self.byteSymbols = byteSymbols
        // Spell extra symbols with vocabulary ids, one per character where possible.
        self.extraSpellings = extraTexts.map { text in
            text.unicodeScalars.compactMap { tokenToID[String($0)] }
        }
    }

    /// Rank and result of merging `left` then `right`, or nil when the pair never merges.
    @inline(__always)
    func merge(_ left: Int32, _ right: Int32) -> (rank: UInt32, result: Int32)? {
        let key = UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
        guard let value = table[key] else { return nil }
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
