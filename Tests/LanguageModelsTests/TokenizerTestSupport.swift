import Foundation
import TestSupport
import Testing

@testable import LanguageModels

/// Model tokenizers and golden files (Tests/Fixtures/golden) for the tokenizer, chat and generation
/// tests. Tests needing a model declare it with `.requires(TestModels.…)` (see TestSupport).
enum TokenizerFixtures {
    static let smolLMURL = TestModels.smolLM
    static let qwenURL = TestModels.qwen

    /// A golden file of Tests/Fixtures/golden.
    static func goldenURL(_ name: String) -> URL { TestEnvironment.fixture("golden/\(name)") }

    /// The model's GGUF file.
    /// - Throws: when it is missing (only under CI=true does a guarded test get this far) or malformed.
    static func file(_ url: URL) throws -> GGUFFile {
        try requireFile(url)
        return try GGUFFile(url: url)
    }

    private static let smolLMTokenizer = Result { try BPETokenizer(gguf: try GGUFFile(url: smolLMURL)) }
    private static let qwenTokenizer = Result { try BPETokenizer(gguf: try GGUFFile(url: qwenURL)) }

    static func smolLM() throws -> BPETokenizer {
        try requireFile(smolLMURL)
        return try smolLMTokenizer.get()
    }

    static func qwen() throws -> BPETokenizer {
        try requireFile(qwenURL)
        return try qwenTokenizer.get()
    }

    /// A golden JSON file as a dictionary.
    /// - Throws: when the file is missing from Tests/Fixtures or is not a JSON object.
    static func goldenJSON(_ name: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: goldenURL(name)))
        return try #require(object as? [String: Any], "\(name) is not a JSON object")
    }

    static func ids(_ value: Any?) -> [Int32] {
        ((value as? [Any]) ?? []).compactMap { ($0 as? NSNumber)?.int32Value }
    }
}
