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

    /// `"<path>: <reason>"`, one line.
    public var description: String { "\(path): \(reason)" }

    /// What is wrong and what to do, without the path (for reports that show the path already).
    public var reason: String {
        switch self {
        case .missing:
            return "no such file or directory; check the path"
        case .unreadable(_, let reason):
            return "cannot be read (\(reason)); check its permissions"
        case .binary:
            return "looks like a binary file, skipped; exclude it with a glob such as '!*.ext'"
        case .empty:
            return "empty file, skipped"
        case .tooLarge(_, let size, let limit):
            return "\(size) bytes is over the limit of \(limit) bytes, skipped; raise --max-filesize to include it"
        case .malformed(_, let type, let reason):
            return "malformed \(type.rawValue) that could not be recovered (\(reason)), skipped; fix the file or exclude it"
        case .noText:
            return "no text left after extraction, skipped"
        }
    }
}
