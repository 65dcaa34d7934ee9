import Foundation
import TestSupport
import Testing

/// The example package (`Examples/AskFolder`): its manifest is valid, and its program, built beside
/// `rag`, indexes a folder and answers from it with citations.
@Suite struct ExampleTests {
    @Test func theManifestNamesTheLibraryByPath() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swift", "package", "--package-path", "Examples/AskFolder", "dump-package"]
        process.currentDirectoryURL = CLIHarness.root
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let text = String(decoding: data, as: UTF8.self)
        #expect(manifest["name"] as? String == "AskFolder")
        #expect(text.contains("\"RAG\""), "the example depends on the RAG product: \(text.prefix(400))")
    }

    @Test(.requires(TestModels.miniLMWeights, TestModels.qwen)) func indexesAFolderAndAnswers() throws {
        let binary = try #require(CLIHarness.binary).deletingLastPathComponent().appendingPathComponent("rag-example-ask-folder")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build it: swift build --product rag-example-ask-folder")
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["corpora/veldmoor", "Which river flows through Veldmoor?", dir.appendingPathComponent("ix").path]
        process.currentDirectoryURL = CLIHarness.root
        var env = ProcessInfo.processInfo.environment
        env["RAG_EMBEDDING_MODEL"] = TestModels.miniLM.path
        env["RAG_MODEL"] = TestModels.qwen.path
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.contains("indexed "), "\(text)")
        #expect(text.lowercased().contains("sallow"), "\(text)")
        #expect(text.contains("[1] "), "a cited source: \(text)")
    }
}
