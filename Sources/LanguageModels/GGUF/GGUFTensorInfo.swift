/// Where one tensor lives in a GGUF file and how it is stored.
///
/// `dimensions` are in GGML order: `dimensions[0]` is the innermost (contiguous) extent, so a weight
/// matrix with `rows` output features over `columns` inputs is `[columns, rows]`.
public struct GGUFTensorInfo: Sendable, Equatable {
    /// Tensor name, e.g. `blk.0.attn_q.weight`.
    public var name: String
    /// Extents, innermost first.
    public var dimensions: [Int]
    /// Element type.
    public var type: GGMLType
    /// Offset of the data from the start of the tensor-data section (a multiple of the alignment).
    public var offset: Int
    /// Size of the data in bytes.
    public var byteCount: Int

    /// Number of values in the tensor.
    public var elementCount: Int { dimensions.reduce(1, *) }

    public init(name: String, dimensions: [Int], type: GGMLType, offset: Int, byteCount: Int) {
        self.name = name
        self.dimensions = dimensions
        self.type = type
        self.offset = offset
        self.byteCount = byteCount
    }
}
