/// Vocabulary spellings looked up by their UTF-8 bytes without building strings: all spellings in
/// one byte arena, an open-addressing table keyed by an FNV-1a hash whose slots keep 32 bits of the
/// hash beside the id, so probes rarely touch the arena. Loading a 150k-token vocabulary and its
/// merges is dominated by these lookups.
struct SpellingTable: Sendable {
    private var arena: [UInt8] = []
    private var starts: [Int32] = [0]
    /// `hash32 << 32 | id`, or `empty`.
    private var slots: [UInt64]
    private let mask: Int
    private static let empty = UInt64.max

    init(spellings: [String]) {
        var size = 16
        while size < spellings.count * 2 { size <<= 1 }
        slots = [UInt64](repeating: Self.empty, count: size)
        mask = size - 1
        arena.reserveCapacity(spellings.count * 8)
        starts.reserveCapacity(spellings.count + 1)
        for (id, text) in spellings.enumerated() {
            let start = arena.count
            arena.append(contentsOf: text.utf8)
            starts.append(Int32(arena.count))
            let end = arena.count
            // Insert unless the spelling is already there (the first id wins).
            let (hash, duplicate, slot) = arena.withUnsafeBufferPointer { arena in
                let word = UnsafeBufferPointer(rebasing: arena[start..<end])
                let hash = Self.hash(word, UnsafeBufferPointer(start: nil, count: 0))
                let (found, slot) = probe(word, UnsafeBufferPointer(start: nil, count: 0), hash: hash, arena: arena)
                return (hash, found != nil, slot)
            }
            if !duplicate { slots[slot] = (hash & 0xFFFF_FFFF) << 32 | UInt64(id) }
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

    /// Finds `first + second`: its id if present, and the slot where the probe stopped.
    @inline(__always)
    private func probe(
        _ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>, hash: UInt64,
        arena: UnsafeBufferPointer<UInt8>
    ) -> (Int32?, Int) {
        let total = first.count + second.count
        let tag = hash & 0xFFFF_FFFF
        var index = Int(truncatingIfNeeded: hash >> 32) & mask
        while true {
            let entry = slots[index]
            if entry == Self.empty { return (nil, index) }
            if entry >> 32 == tag {
                let id = Int(entry & 0xFFFF_FFFF)
                let start = Int(starts[id])
                if Int(starts[id + 1]) - start == total {
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
                    if equal { return (Int32(id), index) }
                }
            }
            index = (index + 1) & mask
        }
    }

    /// The id spelled by `first` followed by `second`, if any.
    func find(_ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>) -> Int32? {
        let hash = Self.hash(first, second)
        return arena.withUnsafeBufferPointer { probe(first, second, hash: hash, arena: $0).0 }
    }

    /// The id spelled `text`, if any.
    func find(_ text: String) -> Int32? {
        var text = text
        return text.withUTF8 { find($0, UnsafeBufferPointer(start: nil, count: 0)) }
    }
}
