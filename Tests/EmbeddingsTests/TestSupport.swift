import Foundation
import Testing

/// Paths of the package root, the models and the shared golden files, found from this file.
enum TestPaths {
    static let packageRoot: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()
    static let miniLM = packageRoot.appendingPathComponent("models/all-MiniLM-L6-v2")
    static let golden = packageRoot.appendingPathComponent("../shared/golden/minilm.json").standardizedFileURL

    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// True when all `urls` exist; otherwise records an issue under CI=true, or returns false (skip).
    static func require(_ urls: URL..., sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let missing = urls.filter { !FileManager.default.fileExists(atPath: $0.path) }
        if missing.isEmpty { return true }
        if isCI { Issue.record("missing test files: \(missing.map(\.path))", sourceLocation: sourceLocation) }
        return false
    }
}

/// One item of ../shared/golden/minilm.json.
struct MiniLMGoldenItem: Decodable {
    let text: String
    let ids: [Int32]
    let tokens: [String]
    let n_tokens_untruncated: Int
    let embedding: [Float]
}

struct MiniLMGolden: Decodable {
    let items: [MiniLMGoldenItem]
    static func load() throws -> MiniLMGolden {
        try JSONDecoder().decode(MiniLMGolden.self, from: Data(contentsOf: TestPaths.golden))
    }
}

func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0, na = 0.0, nb = 0.0
    for i in a.indices { dot += Double(a[i]) * Double(b[i]); na += Double(a[i] * a[i]); nb += Double(b[i] * b[i]) }
    return dot / max((na * nb).squareRoot(), 1e-30)
}
