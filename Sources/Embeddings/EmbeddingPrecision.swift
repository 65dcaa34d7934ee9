import Kernels

/// The arithmetic of the encoder's projection and feed-forward products (attention, GELU and
/// LayerNorm always run in float).
///
/// - `fp32`: float weights and activations (OpenBLAS sgemm): the reference.
/// - `bf16`: weights and activations rounded to bfloat16, products accumulated in float (AVX-512 BF16
///   where the CPU has it, a portable loop elsewhere). About twice the speed where the CPU has the
///   instructions; embeddings stay within a cosine of 0.999 of fp32's.
///
/// For example:
/// ```swift
/// let embedder = try MiniLMEmbedder(directory: dir, precision: .best)   // bf16 on AVX-512 BF16 CPUs
/// ```
public enum EmbeddingPrecision: String, Sendable, CaseIterable, Codable {
    case fp32
    case bf16

    /// The fastest precision this CPU runs natively: `bf16` with AVX-512 BF16, else `fp32`.
    public static var best: EmbeddingPrecision { BFloat16Matrix.hardwareSupported ? .bf16 : .fp32 }

    /// Reads `auto`, `fp32` or `bf16` (case-insensitive); `auto` is ``best``. Nil for anything else.
    public init?(choice: String) {
        let value = choice.lowercased()
        if value == "auto" { self = .best } else if let p = EmbeddingPrecision(rawValue: value) { self = p } else { return nil }
    }
}
