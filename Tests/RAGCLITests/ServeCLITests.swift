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

    /// Starts `rag serve` on a free port and returns it with its bound port.
    static func startServer(_ arguments: [String]) async throws -> (Process, Int) {
        let process = try CLIHarness.makeProcess(["serve", "--port", "0"] + arguments)
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // The bound port, from "rag serve: listening on http://127.0.0.1:PORT (...)".
        let reading = Task.detached { () -> Int in
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
        }
        do {
            return (process, try await reading.value)
        } catch {
            process.terminate()
            throw error
        }
    }

    /// `rag ask --llm-url` answers with a model served over OpenAI's API: here another `rag serve`
    /// (its `rag-none` model answers the prompt it is sent without retrieving), streamed back.
    @Test(.requires(TestModels.miniLMWeights, TestModels.qwen)) func askWithAServedModel() async throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let index = dir.appendingPathComponent("ix").path
        #expect(try CLIHarness.run(["ingest", "corpora/veldmoor", "--index", index, "-q"]).status == 0)
        let (server, port) = try await Self.startServer(["--index", index, "-m", TestModels.qwen.path])
        defer { if server.isRunning { server.terminate() } }
        #expect(port > 0)
        let url = "http://127.0.0.1:\(port)/v1"
        let asked = try CLIHarness.run(["ask", "Which river flows through Veldmoor?", "--index", index, "--strategy", "single",
                                        "--limit", "2", "--llm-url", url, "--llm-model", "rag-none", "--json"])
        #expect(asked.status == 0, "\(asked.stderr)")
        let answer = try asked.json()
        #expect(answer["llm_calls"] as? Int == 1)
        #expect(!(answer["answer"] as? String ?? "").isEmpty)
        #expect((answer["generated_tokens"] as? Int ?? 0) > 0)
        #expect((answer["prompt_tokens"] as? Int ?? 0) > 100)
        #expect(!(answer["citations"] as? [Any] ?? []).isEmpty)
        // Text mode streams the served model's pieces as they come; the environment variable works too.
        let streamed = try CLIHarness.run(["ask", "Which river flows through Veldmoor?", "--index", index, "--strategy", "single",
                                           "--limit", "2", "--llm-model", "rag-none"], environment: ["RAG_LLM_URL": url])
        #expect(streamed.status == 0, "\(streamed.stderr)")
        #expect(!streamed.stdout.isEmpty)
        // A server that is not there: one line naming the flag.
        let refused = try CLIHarness.run(["ask", "Which river flows through Veldmoor?", "--index", index, "--strategy", "single",
                                          "--llm-url", "http://127.0.0.1:9/v1"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("--llm-url"))
        #expect(refused.stderr.split(separator: "\n").count == 1)
        let bad = try CLIHarness.run(["ask", "x", "--index", index, "--llm-url", "not a url"])
        #expect(bad.status == 64)
    }

    @Test(.requires(TestModels.miniLMWeights, TestModels.qwen)) func sigtermFinishesTheAskInFlight() async throws {
        let dir = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let index = dir.appendingPathComponent("ix").path
        let ingest = try CLIHarness.run(["ingest", "corpora/veldmoor", "--index", index, "-q"])
        #expect(ingest.status == 0, "\(ingest.stderr)")

        let (process, port) = try await Self.startServer(["--index", index, "-m", TestModels.qwen.path])
        defer { if process.isRunning { process.terminate() } }
        #expect(port > 0)

        // A streamed ask over a raw connection: once its first event has arrived the ask is surely in
        // flight (a request merely sent may still be in the kernel's backlog when the listener closes).
        let connection = try LoopbackConnection(port: port)
        let body = #"{"question": "Which river flows through Veldmoor?", "strategy": "notes", "stream": true}"#
        try connection.send("POST /v1/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body)
        var received = try await connection.read(until: "data:")
        #expect(received.hasPrefix("HTTP/1.1 200"), "\(received)")
        kill(process.processIdentifier, SIGTERM)
        received += try await connection.readToEnd()
        let answerEvent = received.components(separatedBy: "event: answer\n").last ?? ""
        #expect(received.contains("event: answer"), "\(received)")
        #expect(answerEvent.lowercased().contains("sallow"), "\(received)")
        // Then it exits by itself, cleanly.
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
    }
}

/// A blocking TCP connection to 127.0.0.1, read and written from detached tasks.
private final class LoopbackConnection: @unchecked Sendable {
    private let socket: Int32

    init(port: Int) throws {
        socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw CLIHarnessError("socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard status == 0 else { close(socket); throw CLIHarnessError("connect to port \(port) failed: errno \(errno)") }
    }

    deinit { close(socket) }

    func send(_ text: String) throws {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
            guard n > 0 else { throw CLIHarnessError("write failed: errno \(errno)") }
            bytes = bytes.dropFirst(n)
        }
    }

    /// What arrives until `marker` has been seen (or the peer closes).
    func read(until marker: String?) async throws -> String {
        try await Task.detached { [self] in
            var data = Data()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
                if n < 0 { throw CLIHarnessError("read failed: errno \(errno)") }
                if n == 0 { break }
                data.append(contentsOf: buffer[0..<n])
                if let marker, String(decoding: data, as: UTF8.self).contains(marker) { break }
            }
            return String(decoding: data, as: UTF8.self)
        }.value
    }

    func readToEnd() async throws -> String { try await read(until: nil) }
}
