import Foundation
import TestSupport

/// One item of Tests/Fixtures/golden/minilm.json (all-MiniLM-L6-v2 by a float64 reference).
struct MiniLMGoldenItem: Decodable {
    let text: String
    let ids: [Int32]
    let tokens: [String]
    let n_tokens_untruncated: Int
    let embedding: [Float]
}

struct MiniLMGolden: Decodable {
    let items: [MiniLMGoldenItem]
    static let url = TestEnvironment.fixture("golden/minilm.json")
    static func load() throws -> MiniLMGolden {
        try JSONDecoder().decode(MiniLMGolden.self, from: Data(contentsOf: url))
    }
}

func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for i in a.indices { dot += Double(a[i]) * Double(b[i]); na += Double(a[i] * a[i]); nb += Double(b[i] * b[i]) }
    return dot / max((na * nb).squareRoot(), 1e-30)
}
