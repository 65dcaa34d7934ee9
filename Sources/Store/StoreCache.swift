import Foundation

/// A per-store cache for values derived from the index (e.g. an in-memory BM25 index), tagged with the
/// store ``IndexStore/generation()`` they were built at so a later write makes them stale.
///
/// Thread-safe; a value is built at most once per generation even when many threads ask at once.
public final class StoreCache: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: (generation: Int, value: any Sendable)] = [:]
    private var counters: [String: Int] = [:]

    public init() {}

    /// The cached value for `key` if it was built at `generation`, else nil.
    public func value<T: Sendable>(_ key: String, generation: Int, as type: T.Type = T.self) -> T? {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = values[key], entry.generation == generation else { return nil }
        return entry.value as? T
    }

    /// The cached value for `key` at `generation`, building (and caching) it when absent or stale.
    public func value<T: Sendable>(_ key: String, generation: Int, build: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        if let entry = values[key], entry.generation == generation, let value = entry.value as? T {
            return value
        }
        let value = try build()
        values[key] = (generation, value)
        return value
    }

    /// Increments and returns a named counter (e.g. how many queries a store has served).
    public func increment(_ key: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        counters[key, default: 0] += 1
        return counters[key]!
    }

    /// Drops every cached value.
    public func removeAll() {
        lock.lock()
        defer { lock.unlock() }
        values.removeAll()
    }
}
