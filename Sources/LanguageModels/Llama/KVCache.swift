/// Keys and values of every layer for the cached positions, in f32.
///
/// Layout per layer: `keys[position][kvHeads × headDimension]`, values likewise. Invariant:
/// positions `0..<count` hold the keys/values of the session's cached tokens; later ones are
/// garbage. Buffers are allocated zeroed for the full capacity; untouched pages cost no memory.
final class KVCache {
    /// Positions the cache can hold.
    let capacity: Int
    /// Floats per position per layer (kvHeads × headDimension).
    let width: Int
    let layerCount: Int
    /// Positions currently valid.
    var count = 0
    private let storage: UnsafeMutablePointer<Float>

    init(layers: Int, capacity: Int, width: Int) {
        self.capacity = capacity
        self.width = width
        self.layerCount = layers
        let floats = layers * 2 * capacity * width
        // calloc: zero pages are mapped lazily, so a long context only costs what it uses.
        storage = calloc(max(floats, 1), MemoryLayout<Float>.stride)!.assumingMemoryBound(to: Float.self)
    }

    deinit { free(storage) }

    /// Keys of `layer`, `capacity × width`.
    @inline(__always) func keys(_ layer: Int) -> UnsafeMutablePointer<Float> {
        storage + (layer * 2) * capacity * width
    }

    /// Values of `layer`, `capacity × width`.
    @inline(__always) func values(_ layer: Int) -> UnsafeMutablePointer<Float> {
        storage + (layer * 2 + 1) * capacity * width
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
