/// Vocabulary spellings looked up by their UTF-8 bytes without building strings: all spellings in
/// one byte arena, an open-addressing table of ids keyed by an FNV-1a hash. Loading a 150k-token
/// vocabulary and its merges is dominated by these lookups.
struct SpellingTable: Sendable {
    private var arena: [UInt8] = []
    private var starts: [Int32] = [0]
    private var slots: [Int32]
    private let mask: Int

    init(spellings: [String]) {
        var size = 16
        while size < spellings.count * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        arena.reserveCapacity(spellings.count * 8)
        for (id, text) in spellings.enumerated() {
            var bytes = text.utf8.withContiguousStorageIfAvailable { Array($0) } ?? Array(text.utf8)
            arena.append(contentsOf: bytes)
            starts.append(Int32(arena.count))
            bytes.withUnsafeBufferPointer { buffer in
                // The first id wins for a duplicated spelling.
                if find(buffer, UnsafeBufferPointer(start: nil, count: 0)) == nil { insert(Int32(id), hash: Self.hash(buffer, .init(start: nil, count: 0))) }
            }
            bytes.removeAll()
        }
    }

    /// FNV-1a over the concatenation of two byte runs.
    @inline(__always)
    static func hash(_ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in first { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        for byte in second { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash ^ (hash >> 29)
    }

    private mutating func insert(_ id: Int32, hash: UInt64) {
        var index = Int(truncatingIfNeeded: hash) & mask
        while slots[index] >= 0 { index = (index + 1) & mask }
        slots[index] = id
    }

    /// The id spelled by `first` followed by `second`, if any.
    func find(_ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>) -> Int32? {
        let total = first.count + second.count
        var index = Int(truncatingIfNeeded: Self.hash(first, second)) & mask
        return arena.withUnsafeBufferPointer { arena in
            while true {
                let id = slots[index]
                if id < 0 { return nil }
                let start = Int(starts[Int(id)])
                if Int(starts[Int(id) + 1]) - start == total {
                    var equal = true
                    for offset in 0..<first.count where arena[start + offset] != first[offset] {
                        equal = false
                        break
                    }
                    if equal {
                        for offset in 0..<second.count where arena[start + first.count + offset] != second[offset] {
                            equal = false
                            break
                        }
                    }
                    if equal { return id }
                }
                index = (index + 1) & mask
            }
        }
    }

    /// The id spelled `text`, if any.
    func find(_ text: String) -> Int32? {
        var text = text
        return text.withUTF8 { find($0, UnsafeBufferPointer(start: nil, count: 0)) }
    }
}
