import Foundation
import Testing

@testable import LanguageModels

/// Paths, model tokenizers and golden files for the tokenizer, chat and generation tests.
/// Models are optional locally (tests skip) but required when CI=true (tests fail).
enum TokenizerFixtures {
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url = url.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()
    static let golden = packageRoot.appendingPathComponent("../shared/golden").standardizedFileURL
    static let smolLMURL = packageRoot.appendingPathComponent("models/SmolLM2-135M-Instruct.Q4_1.gguf")
    static let qwenURL = packageRoot.appendingPathComponent("models/qwen2.5-coder-0.5b-instruct.gguf")
    static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// The model's GGUF file, or nil (test skipped) when absent locally; records a failure on CI.
    static func file(_ url: URL) -> GGUFFile? {
        guard FileManager.default.fileExists(atPath: url.path) else {
            if isCI { Issue.record("model file \(url.path) is missing (required when CI=true)") }
            return nil
        }
        do { return try GGUFFile(url: url) } catch {
            Issue.record("cannot open \(url.path): \(error)")
            return nil
        }
    }

    private static let smolLMTokenizer: Result<BPETokenizer, Error>? = load(smolLMURL)
    private static let qwenTokenizer: Result<BPETokenizer, Error>? = load(qwenURL)

    private static func load(_ url: URL) -> Result<BPETokenizer, Error>? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return Result { try BPETokenizer(gguf: try GGUFFile(url: url)) }
    }

    private static func unwrap(_ result: Result<BPETokenizer, Error>?, _ url: URL) -> BPETokenizer? {
        switch result {
        case .none:
            if isCI { Issue.record("model file \(url.path) is missing (required when CI=true)") }
            return nil
        case .some(.failure(let error)):
            Issue.record("cannot load the tokenizer of \(url.lastPathComponent): \(error)")
            return nil
        case .some(.success(let tokenizer)):
            return tokenizer
        }
    }

    static func smolLM() -> BPETokenizer? { unwrap(smolLMTokenizer, smolLMURL) }
    static func qwen() -> BPETokenizer? { unwrap(qwenTokenizer, qwenURL) }

    /// A golden JSON file as a dictionary, or nil (recorded as a failure on CI) when absent.
    static func goldenJSON(_ name: String) -> [String: Any]? {
        let url = golden.appendingPathComponent(name)
        guard let data = try? Data(contentsOf: url),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else {
            if isCI { Issue.record("golden file \(url.path) is missing (required when CI=true)") }
            return nil
        }
        return object
    }

    static func ids(_ value: Any?) -> [Int32] {
        ((value as? [Any]) ?? []).compactMap { ($0 as? NSNumber)?.int32Value }
    }
}
