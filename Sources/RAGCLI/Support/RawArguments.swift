import Documents
import Foundation

/// Command-line paths as the process received them: Swift decodes `argv` repairing bytes that are
/// not UTF-8 (a Latin-1 `caf\xe9.md` becomes `caf\u{FFFD}.md`, which names no file), so such an
/// argument is looked up in the raw `argv` and written as ``RawPath`` writes names (`caf\xE9.md`).
enum RawArguments {
    static func path(_ argument: String) -> String {
        guard argument.contains("\u{FFFD}") else { return argument }
        for index in 0..<Int(CommandLine.argc) {
            guard let pointer = CommandLine.unsafeArgv[index] else { continue }
            let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self),
                                                  count: strlen(pointer)))
            if String(decoding: bytes, as: UTF8.self) == argument { return RawPath.display(bytes) }
        }
        return argument
    }
}
