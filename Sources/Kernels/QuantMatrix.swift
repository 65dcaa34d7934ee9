import CKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A weight matrix stored in one of ggml's formats (F32, F16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K,
/// Q5_K, Q6_K), multiplied in place without dequantizing it first.
///
/// The matrix does not own its bytes: `data` usually points into a memory-mapped GGUF file that must
/// outlive the matrix. Row `r` starts at `data + r * rowSize`. Products quantize the activations to
/// 8 bits (as llama.cpp does) and use integer SIMD dot products on the kernel thread pool.
///
/// For example:
/// ```swift
/// let wq = QuantizedMatrix(type: 6 /* Q5_0 */, rows: 896, columns: 896, data: pointer)
/// wq.multiply(vector: x, into: q)              // decode: one token
/// wq.multiply(batch: xs, count: 32, into: qs)  // prefill: 32 tokens, row-major
/// ```
public struct QuantizedMatrix: @unchecked Sendable {
    /// ggml type id of the weights (see `QuantizedMatrix.supports(_:)`).
    public let type: UInt32
    /// Number of output rows.
    public let rows: Int
    /// Number of input columns (elements per row).
    public let columns: Int
    /// First byte of row 0.
    public let data: UnsafeRawPointer
    /// Bytes per row.
    public let rowSize: Int
    /// The interleaved copy the kernels read, for types that have one.
    private let packed: PackedWeights?

    /// Whether products run on an interleaved (repacked) copy of the weights (made at the first
    /// product, or by `prepare()`).
    public var isRepacked: Bool { packed != nil }

    /// Builds the interleaved copy now instead of at the first product (e.g. at model load, so the
    /// first token's latency does not include it). Does nothing for matrices without one.
    public func prepare() { _ = packed?.pointer() }

    /// Wraps weights of `type` laid out as `rows` rows of `columns` elements.
    ///
    /// Quantized types (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K) are repacked once, at the
    /// first product (or `prepare()`), into an interleaved 8-row copy that the fast kernels read
    /// (about the size of the original; the original bytes are then only read by `dequantizeRow`,
    /// so an embedding table used only for lookups is never copied). Build matrices once at model
    /// load, not per product.
    ///
    /// - Parameter repack: set to false to keep computing on the file layout (slower; for tests and
    ///   benchmarks).
    /// - Precondition: `QuantizedMatrix.supports(type)` and `columns` is a multiple of
    ///   `QuantizedMatrix.blockElements(type)`. Check both when reading a model file and report a
    ///   proper error there; violating them here is a programming error.
    public init(type: UInt32, rows: Int, columns: Int, data: UnsafeRawPointer, repack: Bool = true) {
        precondition(QuantizedMatrix.supports(type), "unsupported ggml weight type \(type)")
        let block = QuantizedMatrix.blockElements(type)
        precondition(rows >= 0 && columns >= 0 && columns % block == 0,
                     "columns (\(columns)) must be a multiple of \(block) for ggml type \(type)")
        self.type = type
        self.rows = rows
        self.columns = columns
        self.data = data
        self.rowSize = ck_row_size(type, Int64(columns))
        self.packed = repack && ck_repack_size(type, Int64(rows), Int64(columns)) > 0
            ? PackedWeights(type: type, rows: rows, columns: columns, data: data) : nil
    }

    /// Whether the kernels implement ggml type id `type`.
    public static func supports(_ type: UInt32) -> Bool { ck_type_supported(type) != 0 }

    /// Elements per quantization block of `type` (1, 32 or 256); 0 if unsupported.
    public static func blockElements(_ type: UInt32) -> Int { Int(ck_block_elements(type)) }

    /// Bytes of one row of `columns` elements of `type`; 0 if unsupported.
    public static func rowSize(type: UInt32, columns: Int) -> Int { ck_row_size(type, Int64(columns)) }

    /// Total bytes of the matrix.
    public var byteCount: Int { rowSize * rows }

    /// y[rows] = W · x, where x has `columns` floats.
    public func multiply(vector x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        if let p = packed?.pointer() {
            ck_matmul_repacked(type, p, Int64(rows), Int64(columns), x, 1, y)
        } else {
            ck_matvec(type, data, Int64(rows), Int64(columns), x, y)
        }
    }

    /// Y[n × rows] = X[n × columns] · Wᵀ (both row-major; `n` tokens).
    public func multiply(batch x: UnsafePointer<Float>, count n: Int, into y: UnsafeMutablePointer<Float>) {
        guard n > 0 else { return }
        if let p = packed?.pointer() {
            ck_matmul_repacked(type, p, Int64(rows), Int64(columns), x, Int64(n), y)
        } else {
            ck_matmul(type, data, Int64(rows), Int64(columns), x, Int64(n), y)
        }
    }

    /// y[rows] = W · x with activations already quantized by `QuantizedActivations` for this type;
    /// lets matrices that read the same input (Q/K/V, gate/up) share one quantization.
    public func multiply(quantized x: QuantizedActivations, into y: UnsafeMutablePointer<Float>) {
        precondition(x.weightType == type || x.compatible(with: type), "activations quantized for another type")
        precondition(x.count == columns, "activations have \(x.count) elements, matrix has \(columns) columns")
        x.withBytes { q in
            if let p = packed?.pointer() {
                ck_matmul_repacked_q8(type, p, Int64(rows), Int64(columns), q, 1, y)
            } else {
                ck_matvec_q8(type, data, Int64(rows), Int64(columns), q, y)
            }
        }
    }

    /// Writes row `row` as floats into y[columns] (embedding lookups).
    public func dequantizeRow(_ row: Int, into y: UnsafeMutablePointer<Float>) {
        precondition(row >= 0 && row < rows, "row \(row) out of range 0..<\(rows)")
        ck_dequantize_row(type, data + row * rowSize, y, Int64(columns))
    }
}

/// Owns the interleaved 8-row copy of a quantized matrix (see ck_repack.c, ck_repack_k.c), built
/// at first use under a lock; copies of a `QuantizedMatrix` share it.
final class PackedWeights: @unchecked Sendable {
    private let type: UInt32
    private let rows: Int
    private let columns: Int
    private let data: UnsafeRawPointer
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var storage: UnsafeMutableRawPointer?  // guarded by mutex
    private var attempted = false                   // guarded by mutex

    init(type: UInt32, rows: Int, columns: Int, data: UnsafeRawPointer) {
        self.type = type
        self.rows = rows
        self.columns = columns
        self.data = data
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    /// The repacked bytes, building them on first call; nil if they could not be built (the
    /// caller then uses the file layout).
    func pointer() -> UnsafeRawPointer? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if !attempted {
            attempted = true
            let size = ck_repack_size(type, Int64(rows), Int64(columns))
            if size > 0 {
                let p = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
                if ck_repack(type, data, Int64(rows), Int64(columns), p) != 0 { storage = p } else { p.deallocate() }
            }
        }
        return storage.map { UnsafeRawPointer($0) }
    }

    deinit {
        storage?.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }
}

/// One activation vector quantized to the 8-bit format a weight type's kernels consume.
public final class QuantizedActivations: @unchecked Sendable {
    /// The weight type the format was chosen for.
    public let weightType: UInt32
    /// Number of activations.
    public let count: Int
    private let storage: UnsafeMutableRawPointer
    private let byteCount: Int

    /// Allocates room for `count` activations quantized for `weightType`.
    public init(weightType: UInt32, count: Int) {
        self.weightType = weightType
        self.count = count
        byteCount = max(ck_q8_row_size(weightType, Int64(count)), 1)
        storage = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
    }

    deinit { storage.deallocate() }

    /// Quantizes x[count] into this buffer.
    public func quantize(_ x: UnsafePointer<Float>) {
        ck_quantize_row_q8(weightType, x, storage, Int64(count))
    }

    /// Whether matrices of `type` can read these activations (same activation format).
    public func compatible(with type: UInt32) -> Bool {
        QuantizedActivations.formatClass(type) == QuantizedActivations.formatClass(weightType)
    }

    func withBytes<R>(_ body: (UnsafeRawPointer) -> R) -> R { body(UnsafeRawPointer(storage)) }

    private static func formatClass(_ type: UInt32) -> Int {
        switch type {
        case 0, 1: return 0
        case 2, 3, 6, 7, 8: return 1
        case 12, 13, 14: return 2
        default: return -1
        }
    }
}
