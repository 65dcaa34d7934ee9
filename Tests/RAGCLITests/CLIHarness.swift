import Foundation
import TestSupport
import Testing

/// Runs the built `rag` binary and captures what it prints.
struct CLIHarness {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        func json() throws -> [String: Any] {
            let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8))
            guard let dict = object as? [String: Any] else { throw CLIHarnessError("stdout is not a JSON object: \(stdout)") }
            return dict
        }
    }

    /// The package root (the folder holding Package.swift).
    static let root = TestEnvironment.packageRoot

    /// The `rag` built beside this test bundle (same configuration), else .build/release/rag.
    static let binary: URL? = {
        var candidates: [URL] = []
        if let env = ProcessInfo.processInfo.environment["RAG_BINARY"] { candidates.append(URL(fileURLWithPath: env)) }
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(dir.appendingPathComponent("rag"))
            dir.deleteLastPathComponent()
        }
        candidates.append(root.appendingPathComponent(".build/release/rag"))
        candidates.append(root.appendingPathComponent(".build/debug/rag"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// Runs `rag args...` in `directory` and waits.
    @discardableResult
    static func run(_ args: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> Result {
        try capture(makeProcess(args, in: directory, environment: environment))
    }

    /// Runs a prepared process and waits, capturing what it prints.
    static func capture(_ process: Process) throws -> Result {
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes concurrently so a chatty child cannot block on a full pipe.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        group.enter(); DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter(); DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        process.waitUntilExit()
        group.wait()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    static func makeProcess(_ args: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws -> Process {
        guard let binary else { throw CLIHarnessError("the rag binary is not built: run `swift build -c release` first") }
        let process = Process()
        process.executableURL = binary
        process.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["RAG_EMBEDDING_MODEL"] = TestModels.miniLM.path
        for (k, v) in environment { env[k] = v }
        process.environment = env
        process.currentDirectoryURL = directory ?? root
        return process
    }

    /// A fresh temporary folder, removed by the caller.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("rag-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

struct CLIHarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
