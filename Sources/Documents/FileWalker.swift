import Foundation

/// A file found by ``FileWalker``.
public struct SourceFile: Sendable, Hashable {
    /// The file (for a symbolic link, the link's own path).
    public var url: URL
    /// Size in bytes (of the link's target).
    public var size: Int
    /// Last modification time (of the link's target).
    public var modificationDate: Date

    public init(url: URL, size: Int, modificationDate: Date) {
        self.url = url
        self.size = size
        self.modificationDate = modificationDate
    }
}

/// What ``FileWalker`` includes.
public struct WalkOptions: Sendable {
    /// Also enter hidden folders and take hidden files (names starting with `.`).
    public var includeHidden: Bool
    /// Also enter version-control folders (`.git`, `.hg`, `.svn`, `.bzr`, `_darcs`, `CVS`).
    public var includeVCS: Bool
    /// Globs as in ``Glob``; `"!x"` excludes. With any non-`!` glob, a file must match one of them.
    public var globs: [String]
    /// Larger files are reported as problems, not returned.
    public var maxFileSize: Int
    /// Skip files whose extension marks them as not documents: images (SVG too), archives, media,
    /// fonts, office/PDF files we cannot read, compiled code, databases, model weights, and web assets
    /// (CSS, JavaScript, source maps). Silently, unless a glob names them. Content detection still
    /// rejects other binaries.
    public var skipNonDocumentExtensions: Bool

    public init(includeHidden: Bool = false, includeVCS: Bool = false, globs: [String] = [],
                maxFileSize: Int = DocumentLoader.defaultMaxFileSize, skipNonDocumentExtensions: Bool = true) {
        self.includeHidden = includeHidden
        self.includeVCS = includeVCS
        self.globs = globs
        self.maxFileSize = maxFileSize
        self.skipNonDocumentExtensions = skipNonDocumentExtensions
    }
}

/// Finds the files to ingest under some paths.
///
/// For example:
/// ```swift
/// let (files, problems) = FileWalker(options: .init(globs: ["*.html", "!changes.html"]))
///     .walk([URL(fileURLWithPath: "/usr/share/doc/sqlite3")])
/// ```
public struct FileWalker: Sendable {
    public var options: WalkOptions
    let includes: [Glob]
    let excludes: [Glob]

    static let vcsFolders: Set<String> = [".git", ".hg", ".svn", ".bzr", "_darcs", "CVS", ".jj", ".pijul"]
    static let nonDocumentExtensions: Set<String> = [
        "png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp", "ico", "icns", "heic", "avif",
        "zip", "gz", "tgz", "bz2", "xz", "zst", "7z", "rar", "tar", "jar", "war",
        "mp3", "mp4", "m4a", "mov", "avi", "mkv", "wav", "flac", "ogg", "webm",
        "ttf", "otf", "woff", "woff2", "eot", "pdf", "odg", "odf", "odt", "ods", "docx", "xlsx", "pptx",
        "so", "dylib", "dll", "exe", "o", "a", "class", "pyc", "wasm", "bin", "db", "sqlite", "sqlite3",
        "gguf", "safetensors", "npy", "npz", "pt", "onnx", "svg", "svgz", "css", "js", "mjs", "map", "psd", "xcf",
    ]

    public init(options: WalkOptions = .init()) {
        self.options = options
        let globs = options.globs.map(Glob.init)
        includes = globs.filter { !$0.isExclusion }
        excludes = globs.filter(\.isExclusion)
    }

    /// Files under the given paths (files are taken as given), sorted by path; problems (missing
    /// path, unreadable folder, file too big) are returned, not thrown. Symbolic links to files are
    /// followed; links to folders are not (no cycles). Names that are not UTF-8 are found too, and
    /// written as ``RawPath`` does (`caf\xE9.md`).
    public func walk(_ paths: [URL]) -> (files: [SourceFile], problems: [(path: String, reason: String)]) {
        var files: [SourceFile] = []
        var problems: [(path: String, reason: String)] = []
        for root in paths {
            let rootPath = root.standardizedFileURL.path
            guard let info = RawPath.status(rootPath, follow: true) else {
                problems.append((rootPath, "no such file or directory"))
                continue
            }
            if !Self.isDirectory(info) {
                if let file = sourceFile(rootPath, problems: &problems) { files.append(file) }
                continue
            }
            walkDirectory(rootPath, relative: "", files: &files, problems: &problems)
        }
        files.sort { $0.url.path < $1.url.path }
        var seen = Set<String>()
        files = files.filter { seen.insert($0.url.path).inserted }
        return (files, problems)
    }

    static func isDirectory(_ info: stat) -> Bool { info.st_mode & S_IFMT == S_IFDIR }

    func walkDirectory(_ path: String, relative: String, files: inout [SourceFile],
                       problems: inout [(path: String, reason: String)]) {
        guard let entries = RawPath.directoryEntries(path) else {
            problems.append((path, RawPath.isReadable(path) ? "cannot list folder" : "permission denied"))
            return
        }
        for name in entries.map({ RawPath.display($0) }).sorted() {
            let full = path.hasSuffix("/") ? path + name : path + "/" + name
            let rel = relative.isEmpty ? name : relative + "/" + name
            guard let info = RawPath.status(full, follow: false) else {
                problems.append((full, "cannot read file attributes"))
                continue
            }
            let type = info.st_mode & S_IFMT
            if type == S_IFDIR {
                if FileWalker.vcsFolders.contains(name) && !options.includeVCS { continue }
                if name.hasPrefix(".") && !options.includeHidden { continue }
                if excludes.contains(where: { $0.matches(relativePath: rel) }) { continue }
                walkDirectory(full, relative: rel, files: &files, problems: &problems)
                continue
            }
            if name.hasPrefix(".") && !options.includeHidden { continue }
            if type == S_IFLNK {
                guard let target = RawPath.status(full, follow: true) else {
                    problems.append((full, "broken symbolic link")); continue
                }
                if Self.isDirectory(target) { continue }
            } else if type != S_IFREG {
                continue
            }
            if !isSelected(rel) { continue }
            if let file = sourceFile(full, problems: &problems) { files.append(file) }
        }
    }

    /// Whether a file (relative path) passes the globs and the extension filter (include globs
    /// override the extension filter).
    func isSelected(_ relativePath: String) -> Bool {
        if excludes.contains(where: { $0.matches(relativePath: relativePath) }) { return false }
        if !includes.isEmpty { return includes.contains { $0.matches(relativePath: relativePath) } }
        if options.skipNonDocumentExtensions {
            let ext = (relativePath as NSString).pathExtension.lowercased()
            if FileWalker.nonDocumentExtensions.contains(ext) { return false }
        }
        return true
    }

    func sourceFile(_ path: String, problems: inout [(path: String, reason: String)]) -> SourceFile? {
        // Follow a symbolic link to its file for size and date.
        guard let info = RawPath.status(path, follow: true) else {
            problems.append((path, "cannot read file attributes")); return nil
        }
        if info.st_mode & S_IFMT != S_IFREG {
            problems.append((path, "not a regular file")); return nil
        }
        let size = Int(info.st_size)
        if size > options.maxFileSize {
            problems.append((path, "\(size) bytes is over the limit of \(options.maxFileSize) bytes"))
            return nil
        }
        if !RawPath.isReadable(path) {
            problems.append((path, "permission denied")); return nil
        }
        #if canImport(Darwin)
        let time = info.st_mtimespec
        #else
        let time = info.st_mtim
        #endif
        let date = Date(timeIntervalSince1970: Double(time.tv_sec) + Double(time.tv_nsec) / 1e9)
        return SourceFile(url: URL(fileURLWithPath: path), size: size, modificationDate: date)
    }
}
