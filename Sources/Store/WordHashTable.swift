/// A map from 64-bit keys to non-negative `Int32` values (open addressing, linear probing, no
/// removal): the trie of ``TitleMatcher`` looks one up per word of every chunk, and the keys are
/// already hashes, so Swift's `Dictionary` (SipHash on every lookup) would be most of the matching time.
struct WordHashTable: Sendable {
    private var keys: [UInt64]
    /// The value of each slot, -1 when empty.
    private var values: [Int32]
    private var shift: UInt64
    private(set) var count = 0

    init() {
        keys = Array(repeating: 0, count: 16)
        values = Array(repeating: -1, count: 16)
        shift = 64 - 4
    }

    /// The slot to start probing at: Fibonacci hashing spreads keys that are not hashes themselves
    /// (trie edges are `node << 32 | word`).
    private func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    subscript(key: UInt64) -> Int32? {
        let mask = values.count - 1
        var index = slot(key)
        while true {
            let value = values[index]
            if value < 0 { return nil }
            if keys[index] == key { return value }
            index = (index + 1) & mask
        }
    }

    /// Sets the value of `key` (`value` must be ≥ 0).
    mutating func set(_ key: UInt64, _ value: Int32) {
        precondition(value >= 0, "WordHashTable values are non-negative")
        if (count + 1) * 4 > values.count * 3 { grow() }
        let mask = values.count - 1
        var index = slot(key)
        while values[index] >= 0 && keys[index] != key { index = (index + 1) & mask }
        if values[index] < 0 { count += 1 }
        keys[index] = key
        values[index] = value
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = Array(repeating: 0, count: oldValues.count * 2)
        values = Array(repeating: -1, count: oldValues.count * 2)
        shift -= 1
        count = 0
        for (key, value) in zip(oldKeys, oldValues) where value >= 0 { set(key, value) }
    }
}
