/// Keys and values of every layer for the cached positions, in f32.
///
/// Layout per layer: keys in tiles of 16 positions, `keys[kvHead][position / 16][dimension][16]`
/// (one query's scores against a tile are `headDimension` broadcast FMAs over one contiguous
/// 4 KB read, no horizontal sums); values `values[position][kvHeads × headDimension]`. Invariant: positions
/// `0..<count` hold the keys/values of the session's cached tokens; later ones are garbage.
/// Buffers are allocated zeroed for the full capacity; untouched pages cost no memory.
final class KVCache {
    /// Positions the cache can hold.
    let capacity: Int
    /// Positions per kv head in the key tiles (capacity rounded up to 16).
    let keyStride: Int
    /// Floats per position per layer (kvHeads × headDimension).
    let width: Int
    let layerCount: Int
    /// Positions currently valid.
    var count = 0
    private let storage: UnsafeMutablePointer<Float>

    /// Number of kv heads (width = heads × headDimension).
    let heads: Int

    init(layers: Int, capacity: Int, width: Int, heads: Int) {
        self.heads = heads
        self.capacity = capacity
        self.keyStride = (capacity + 15) / 16 * 16
        self.width = width
        self.layerCount = layers
        let floats = layers * (keyStride + capacity) * width
        // calloc: zero pages are mapped lazily, so a long context only costs what it uses.
        storage = calloc(max(floats, 1), MemoryLayout<Float>.stride)!.assumingMemoryBound(to: Float.self)
    }

    deinit { free(storage) }

    /// Key tiles of `layer`; kv head g starts at `g × headDimension × keyStride`.
    @inline(__always) func keys(_ layer: Int) -> UnsafeMutablePointer<Float> {
        storage + layer * (keyStride + capacity) * width
    }

    /// Values of `layer`, `capacity × width`.
    @inline(__always) func values(_ layer: Int) -> UnsafeMutablePointer<Float> {
        keys(layer) + keyStride * width
    }

    /// Stores `n` tokens' keys `k[n × width]` and values `v[n × width]` at positions `start...`.
    func store(layer: Int, keys k: UnsafePointer<Float>, values v: UnsafePointer<Float>, start: Int, count n: Int) {
        let kt = keys(layer)
        let hd = width / max(heads, 1)
        for t in 0..<n {
            let position = start + t
            let tile = (position / 16) * hd * 16 + position % 16
            for g in 0..<heads {
                let head = kt + g * hd * keyStride + tile
                for d in 0..<hd { head[d * 16] = k[t * width + g * hd + d] }
            }
        }
        (values(layer) + start * width).update(from: v, count: n * width)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
