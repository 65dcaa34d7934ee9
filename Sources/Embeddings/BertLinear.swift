import Kernels

/// One PyTorch `Linear` of the encoder, `y = x · Wᵀ + b`, in the precision it was built for: float
/// weights through OpenBLAS, or a packed bfloat16 copy (the float weights are then not kept).
struct BertLinear: Sendable {
    let outputs: Int
    let inputs: Int
    let bias: [Float]
    private let floats: [Float]
    private let packed: BFloat16Matrix?

    /// Whether the products run on AVX-512 BF16 (false for fp32 and for the portable loop).
    var usesHardwareKernel: Bool { packed?.usesHardwareKernel ?? false }

    init(weight: [Float], bias: [Float], outputs: Int, inputs: Int, precision: EmbeddingPrecision,
         kernel: BFloat16Matrix.Kernel = .automatic) {
        precondition(weight.count == outputs * inputs && bias.count == outputs, "bad Linear shape")
        self.outputs = outputs
        self.inputs = inputs
        self.bias = bias
        switch precision {
        case .fp32: floats = weight; packed = nil
        case .bf16: floats = []; packed = BFloat16Matrix(weights: weight, outputs: outputs, inputs: inputs, kernel: kernel)
        }
    }

    /// `out = input · Wᵀ + b` (or `out += …` when `accumulate`), input `[rows, inputs]`, out `[rows, outputs]`;
    /// with `gelu`, `out = GELU(input · Wᵀ + b)` (the bfloat16 kernel applies it as it stores).
    func apply(_ input: UnsafePointer<Float>, rows: Int, into out: UnsafeMutablePointer<Float>,
               accumulate: Bool = false, gelu: Bool = false) {
        guard rows > 0 else { return }
        precondition(!(accumulate && gelu), "GELU is applied to a fresh product only")
        bias.withUnsafeBufferPointer { b in
            if let packed {
                packed.multiply(input, rows: rows, bias: b.baseAddress!, into: out, accumulate: accumulate, gelu: gelu)
                return
            }
            for r in 0..<rows {
                let row = out + r * outputs
                if accumulate {
                    for j in 0..<outputs { row[j] += b[j] }
                } else {
                    for j in 0..<outputs { row[j] = b[j] }
                }
            }
            floats.withUnsafeBufferPointer { w in
                Matrix.multiplyInParallel(m: rows, n: outputs, k: inputs, a: input, lda: inputs,
                                b: w.baseAddress!, ldb: inputs, transposeB: true, beta: 1, c: out, ldc: outputs)
            }
            if gelu {
                let n = outputs
                ParallelFor.ranges(rows, minimumPerWorker: 8) { range in
                    BertMath.gelu(out + range.lowerBound * n, count: range.count * n)
                }
            }
        }
    }
}
