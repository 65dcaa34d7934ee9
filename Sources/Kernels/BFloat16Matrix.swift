import CKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A PyTorch `Linear` weight (`[outputs, inputs]`, row-major floats) rounded to bfloat16 and packed
/// once for `Y = X · Wᵀ + b` with float accumulation.
///
/// Products run the AVX-512 BF16 kernel where the CPU has it (checked at run time, see
/// ``BFloat16Matrix/hardwareSupported``) and a portable loop over the same layout elsewhere; the
/// activations are rounded to bfloat16 per product. The packed copy is half the size of the floats.
///
/// For example:
/// ```swift
/// let w = BFloat16Matrix(weights: intermediate, outputs: 1536, inputs: 384)
/// w.multiply(x, rows: tokens, bias: b, into: wide, gelu: true)    // wide = GELU(x · Wᵀ + b)
/// w.multiply(x, rows: tokens, bias: b, into: y, accumulate: true)  // y += x · Wᵀ + b
/// ```
public final class BFloat16Matrix: @unchecked Sendable {
    /// Rows of W: the product's output columns.
    public let outputs: Int
    /// Columns of W: the product's input columns.
    public let inputs: Int
    /// Which code runs the products.
    public let kernel: Kernel
    private let packed: UnsafeMutablePointer<UInt16>

    /// The code that runs a matrix's products.
    public enum Kernel: Sendable {
        /// AVX-512 BF16 where the CPU has it, else the portable loop.
        case automatic
        /// The portable loop always (tests and benchmarks compare it with the hardware kernel).
        case portable
    }

    /// Packs `weights` (`outputs × inputs` floats, row-major).
    /// - Precondition: `weights.count == outputs * inputs`, both positive.
    public init(weights: [Float], outputs: Int, inputs: Int, kernel: Kernel = .automatic) {
        precondition(outputs > 0 && inputs > 0 && weights.count == outputs * inputs, "bad bfloat16 matrix shape")
        self.outputs = outputs
        self.inputs = inputs
        self.kernel = kernel
        let bytes = ck_bf16_packed_size(Int64(outputs), Int64(inputs))
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        packed = raw.bindMemory(to: UInt16.self, capacity: bytes / 2)
        weights.withUnsafeBufferPointer { ck_bf16_pack($0.baseAddress!, Int64(outputs), Int64(inputs), packed) }
    }

    deinit { UnsafeMutableRawPointer(packed).deallocate() }

    /// `out = x · Wᵀ + bias` (or `out += …` when `accumulate`); `x` is `rows × inputs`, `out` is
    /// `rows × outputs`, both row-major and dense; `bias` has `outputs` values (or is nil). With
    /// `gelu`, exact (erf) GELU is applied to `x · Wᵀ + bias` as it is stored.
    public func multiply(_ x: UnsafePointer<Float>, rows: Int, bias: UnsafePointer<Float>?,
                         into out: UnsafeMutablePointer<Float>, accumulate: Bool = false, gelu: Bool = false) {
        guard rows > 0 else { return }
        ck_gemm_bf16(packed, Int64(outputs), Int64(inputs), x, Int64(rows), out, bias,
                     Self.flags(accumulate: accumulate, gelu: gelu) | (kernel == .portable ? Int32(CK_GEMM_PORTABLE) : 0))
    }

    private static func flags(accumulate: Bool, gelu: Bool) -> Int32 {
        (accumulate ? Int32(CK_GEMM_ACCUMULATE) : 0) | (gelu ? Int32(CK_GEMM_GELU) : 0)
    }

    /// The same product computed plainly on unpacked floats, each element rounded to bfloat16 and the
    /// products summed in double: the reference the fast kernel is tested against.
    public static func referenceMultiply(weights: [Float], outputs: Int, inputs: Int, _ x: UnsafePointer<Float>,
                                         rows: Int, bias: UnsafePointer<Float>?, into out: UnsafeMutablePointer<Float>,
                                         accumulate: Bool = false, gelu: Bool = false) {
        weights.withUnsafeBufferPointer {
            ck_gemm_bf16_ref($0.baseAddress!, Int64(outputs), Int64(inputs), x, Int64(rows), out, bias,
                             flags(accumulate: accumulate, gelu: gelu))
        }
    }

    /// Whether this CPU has AVX-512 BF16 dot products (with AVX-512 BW and VL).
    public static var hardwareSupported: Bool { ck_cpu_has_avx512bf16() != 0 }

    /// Whether this matrix's products run the AVX-512 BF16 kernel.
    public var usesHardwareKernel: Bool { kernel == .automatic && Self.hardwareSupported }

    /// `x` rounded to bfloat16 (nearest even) and back, as the kernels see it.
    public static func rounded(_ x: Float) -> Float {
        Float(bitPattern: UInt32(ck_bf16_from_float(x)) << 16)
    }
}
