import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import Testing

/// `rag serve` as a process: a missing model stops it at once; SIGTERM lets an in-flight ask finish.
@Suite(.serialized) struct ServeCLITests {
    @Test func aMissingModelStopsItAtStart() throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let index = dir.appendingPathComponent("ix").path
        let ingest = try CLIHarness.run(["ingest", "corpora/veldmoor", "--index", index, "--no-embeddings", "-q"])
        #expect(ingest.status == 0, "\(ingest.stderr)")
        let r = try CLIHarness.run(["serve", "--index", index, "--port", "0", "-m", dir.appendingPathComponent("none.gguf").path])
        #expect(r.status == 1)
        #expect(r.stderr.contains("none.gguf"), "\(r.stderr)")
        let usage = try CLIHarness.run(["serve", "--index", index, "--port", "70000"])
        #expect(usage.status == 64)
    }

    @Test(.requires(TestModels.miniLMWeights, TestModels.qwen)) func sigtermFinishesTheAskInFlight() async throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let index = dir.appendingPathComponent("ix").path
        let ingest = try CLIHarness.run(["ingest", "corpora/veldmoor", "--index", index, "-q"])
        #expect(ingest.status == 0, "\(ingest.stderr)")

        let process = try CLIHarness.makeProcess(["serve", "--index", index, "--port", "0", "-m", TestModels.qwen.path])
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // The bound port, from "rag serve: listening on http://127.0.0.1:PORT (...)".
        let port = try await Task.detached { () -> Int in
            var text = ""
            while true {
                let data = err.fileHandleForReading.availableData
                if data.isEmpty { throw CLIHarnessError("rag serve ended before listening: \(text)") }
                text += String(decoding: data, as: UTF8.self)
                if let range = text.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                    let digits = text[range].split(separator: ":").last.map(String.init) ?? ""
                    return Int(digits) ?? 0
                }
            }
        }.value
        #expect(port > 0)

        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/ask")!)
        request.httpMethod = "POST"
        request.httpBody = Data(#"{"question": "Which river flows through Veldmoor?", "strategy": "notes"}"#.utf8)
        let ask = Task { try await URLSession.shared.data(for: request) }
        try await Task.sleep(for: .milliseconds(700))  // the ask is being answered (notes takes seconds)
        kill(process.processIdentifier, SIGTERM)
        let (data, response) = try await ask.value
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let answer = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let text = (answer?["answer"] as? String ?? "").lowercased()
        #expect(text.contains("sallow"), "\(String(decoding: data, as: UTF8.self))")
        // Then it exits by itself, cleanly.
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
    }
}
