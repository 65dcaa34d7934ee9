import Foundation

/// File names that are not UTF-8 (`caf\xe9.md` from an old Latin-1 archive), which Foundation's
/// `String` paths cannot hold: such a name is written with each byte that is not part of valid
/// UTF-8 escaped as `\xHH`, and turned back into its bytes wherever a file is opened or checked.
///
/// ```swift
/// RawPath.display([0x63, 0x61, 0x66, 0xE9])   // "caf\xE9"
/// RawPath.bytes(of: "caf\\xE9")               // [0x63, 0x61, 0x66, 0xE9]
/// ```
public enum RawPath {
    /// The name of `bytes`: itself when valid UTF-8, else with the bytes outside valid UTF-8 as `\xHH`.
    public static func display<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var out = ""
        var rest = Array(bytes)[...]
        while !rest.isEmpty {
            // The longest valid prefix, then one escaped byte.
            var length = rest.count
            while length > 0, String(validating: rest.prefix(length), as: UTF8.self) == nil { length -= 1 }
            if length > 0 {
                out += String(decoding: rest.prefix(length), as: UTF8.self)
                rest = rest.dropFirst(length)
            } else {
                out += String(format: "\\x%02X", rest.first!)
                rest = rest.dropFirst()
            }
        }
        return out
    }

    /// The bytes a displayed path names: `\xHH` escapes of bytes 0x80 and above are undone when the
    /// path as written does not exist (a real name may contain a literal `\x`).
    public static func bytes(of path: String) -> [UInt8] {
        let plain = Array(path.utf8)
        guard path.contains("\\x"), !exists(plain) else { return plain }
        var out: [UInt8] = []
        out.reserveCapacity(plain.count)
        var i = 0
        while i < plain.count {
            if plain[i] == UInt8(ascii: "\\"), i + 3 < plain.count, plain[i + 1] == UInt8(ascii: "x"),
               let value = UInt8(String(decoding: plain[(i + 2)...(i + 3)], as: UTF8.self), radix: 16), value >= 0x80 {
                out.append(value)
                i += 4
            } else {
                out.append(plain[i])
                i += 1
            }
        }
        return out
    }

    /// Whether a file or folder exists at `path` (a displayed path; links followed).
    public static func exists(_ path: String) -> Bool { exists(bytes(of: path)) }

    /// The status of `path` (following links when `follow`), or nil when it cannot be read.
    public static func status(_ path: String, follow: Bool) -> stat? {
        status(bytes(of: path), follow: follow)
    }

    /// Whether the process may read `path`.
    public static func isReadable(_ path: String) -> Bool {
        withCString(bytes(of: path)) { access($0, R_OK) == 0 }
    }

    /// The file's bytes: mapped when its name is plain UTF-8 (large corpora), read through its raw
    /// bytes otherwise.
    public static func contents(of path: String) throws -> Data {
        let raw = bytes(of: path)
        if raw == Array(path.utf8) { return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe) }
        let fd = withCString(raw) { open($0, O_RDONLY) }
        guard fd >= 0 else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path, NSUnderlyingErrorKey: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)])
        }
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        return try handle.readToEnd() ?? Data()
    }

    /// The names in a folder as raw bytes (not `.` and `..`), or nil when it cannot be listed.
    public static func directoryEntries(_ path: String) -> [[UInt8]]? {
        guard let dir = withCString(bytes(of: path), { opendir($0) }) else { return nil }
        defer { closedir(dir) }
        var names: [[UInt8]] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix(while: { $0 != 0 }))
            }
            if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            names.append(name)
        }
        return names
    }

    static func exists(_ bytes: [UInt8]) -> Bool { status(bytes, follow: true) != nil }

    static func status(_ bytes: [UInt8], follow: Bool) -> stat? {
        var info = stat()
        let result = withCString(bytes) { follow ? stat($0, &info) : lstat($0, &info) }
        return result == 0 ? info : nil
    }

    static func withCString<T>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        (bytes + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
        }
    }
}
