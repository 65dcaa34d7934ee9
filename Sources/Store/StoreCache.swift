import Foundation

/// A per-store cache for values derived from the index (e.g. an in-memory BM25 index), tagged with the
/// store ``IndexStore/generation()`` they were built at so a later write makes them stale.
///
/// Thread-safe; a value is built at most once per generation even when many threads ask at once. A
/// build may itself read the cache (a lookup table built from the cached vectors): the lock is recursive.
public final class StoreCache: @unchecked Sendable {
    private let lock = NSRecursiveLock()
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

    /// Removes and returns the value for `key` if it was built at `generation` (else removes nothing):
    /// a writer that updates a cached value takes it out so that it owns the only copy, and puts the
    /// result back under the new generation once its transaction has committed.
    public func take<T: Sendable>(_ key: String, generation: Int, as type: T.Type = T.self) -> T? {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = values[key], entry.generation == generation, let value = entry.value as? T else { return nil }
        values[key] = nil
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
