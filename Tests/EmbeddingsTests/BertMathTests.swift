import Foundation
import Testing
@testable import Embeddings

@Suite struct BertMathTests {
    @Test func geluMatchesErfReference() {
        var xs: [Float] = stride(from: -12, through: 12, by: 0.037).map { Float($0) }
        xs.append(contentsOf: [0, -0, 1e-6, -1e-6, 30, -30])
        let expected = xs.map(BertMath.referenceGELU)
        xs.withUnsafeMutableBufferPointer { BertMath.gelu($0.baseAddress!, count: $0.count) }
        for (got, want) in zip(xs, expected) { #expect(abs(got - want) <= 2e-6 * max(1, abs(want))) }
    }

    @Test func expMatchesFoundation() {
        for x in stride(from: -87.0, through: 88.0, by: 0.173) {
            let xf = Float(x)
            let got = BertMath.exp(SIMD8<Float>(repeating: xf))[0]
            let want = Float(Foundation.exp(Double(xf)))
            #expect(abs(got - want) <= 4e-7 * want + 1e-37, "x=\(x)")
        }
    }

    @Test func softmaxMatchesReference() {
        for n in [1, 3, 8, 13, 64, 100] {
            var row = (0..<n).map { Float(sin(Double($0) * 1.7) * 9) }
            let want = BertMath.referenceSoftmax(row)
            row.withUnsafeMutableBufferPointer { BertMath.softmax($0.baseAddress!, count: n) }
            for (g, w) in zip(row, want) { #expect(abs(g - w) < 1e-6) }
        }
    }

    @Test func layerNormMatchesReference() {
        for n in [1, 7, 16, 37, 384] {
            var row = (0..<n).map { Float(sin(Double($0) * 0.9) * 3 + 40) }   // a large mean, as residual streams have
            let weight = (0..<n).map { Float(1 + cos(Double($0)) * 0.1) }, bias = (0..<n).map { Float($0 % 5) * 0.01 }
            let want = BertMath.referenceLayerNorm(row, weight: weight, bias: bias, eps: 1e-12)
            row.withUnsafeMutableBufferPointer { r in
                weight.withUnsafeBufferPointer { w in
                    bias.withUnsafeBufferPointer { b in
                        BertMath.layerNorm(r.baseAddress!, count: n, weight: w.baseAddress!, bias: b.baseAddress!, eps: 1e-12)
                    }
                }
            }
            for (g, w) in zip(row, want) { #expect(abs(g - w) < 2e-5 * max(1, abs(w)), "n=\(n)") }
        }
    }
}
