import Foundation

/// Why a path could not be turned into documents. Each message names the path, says what is
/// wrong and what to do; it fits on one line.
public enum DocumentError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Nothing exists at the path.
    case missing(path: String)
    /// The file exists but could not be read (permissions, I/O error, a directory where a file was expected).
    case unreadable(path: String, reason: String)
    /// The file looks binary (NUL bytes or many control bytes).
    case binary(path: String)
    /// The file has no bytes, or only white space.
    case empty(path: String)
    /// The file is larger than the configured maximum.
    case tooLarge(path: String, size: Int, limit: Int)
    /// The markup could not be parsed even with recovery.
    case malformed(path: String, type: DocumentType, reason: String)
    /// Parsing worked but no text remained (e.g. an HTML page holding only scripts).
    case noText(path: String)

    /// The path the error is about.
    public var path: String {
        switch self {
        case .missing(let path), .unreadable(let path, _), .binary(let path), .empty(let path),
             .tooLarge(let path, _, _), .malformed(let path, _, _), .noText(let path):
            return path
        }
    }

    public var description: String {
        switch self {
        case .missing(let path):
            return "\(path): no such file or directory; check the path"
        case .unreadable(let path, let reason):
            return "\(path): cannot be read (\(reason)); check its permissions"
        case .binary(let path):
            return "\(path): looks like a binary file, skipped; exclude it with a glob such as '!*.ext'"
        case .empty(let path):
            return "\(path): empty file, skipped"
        case .tooLarge(let path, let size, let limit):
            return "\(path): \(size) bytes is over the limit of \(limit) bytes, skipped; raise --max-filesize to include it"
        case .malformed(let path, let type, let reason):
            return "\(path): malformed \(type.rawValue) that could not be recovered (\(reason)), skipped; fix the file or exclude it"
        case .noText(let path):
            return "\(path): no text left after extraction, skipped"
        }
    }
}
