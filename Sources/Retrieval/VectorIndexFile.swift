import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Errors reading or writing a vector index file.
public enum VectorIndexError: Error, CustomStringConvertible, Equatable {
    /// The file could not be opened, read or written (`reason` is the system's message).
    case io(path: String, reason: String)
    /// The file is not a vector index file or is truncated.
    case malformed(path: String, reason: String)

    public var description: String {
        switch self {
        case .io(let path, let reason):
            return "vector file \(path): \(reason); check the path and its permissions"
        case .malformed(let path, let reason):
            return "vector file \(path) is not a valid rag vector file (\(reason)); rebuild it from the index"
        }
    }
}

/// A flat binary file of a ``VectorIndex``, read with plain `read(2)` calls straight into the
/// index's arrays: opening costs what reading the bytes costs.
///
/// Layout (little-endian): magic `RAGVECS1` (8 bytes), dimension (UInt32), reserved (UInt32),
/// count (UInt64), then `count` ids (Int64), then `count × dimension` floats (Float32).
extension VectorIndex {
    static let fileMagic = Array("RAGVECS1".utf8)

    /// Writes the index to `url` (replacing any file there) atomically.
    /// - Throws: ``VectorIndexError/io(path:reason:)``.
    public func write(to url: URL) throws {
        var header = Data(Self.fileMagic)
        withUnsafeBytes(of: UInt32(dimension).littleEndian) { header.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(0)) { header.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt64(count).littleEndian) { header.append(contentsOf: $0) }
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        do {
            _ = FileManager.default.createFile(atPath: temporary.path, contents: nil)  // FileHandle below throws if it failed
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.write(contentsOf: header)
            try ids.withUnsafeBytes { try handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: $0.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!), count: $0.count, deallocator: .none)) }
            try matrix.withUnsafeBytes { try handle.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: $0.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!), count: $0.count, deallocator: .none)) }
            try handle.synchronize()
            try handle.close()
            guard rename(temporary.path, url.path) == 0 else {
                throw VectorIndexError.io(path: url.path, reason: String(cString: strerror(errno)))
            }
        } catch let error as VectorIndexError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw VectorIndexError.io(path: url.path, reason: error.localizedDescription)
        }
    }

    /// Reads an index written by ``write(to:)``.
    /// - Throws: ``VectorIndexError``.
    public init(contentsOf url: URL) throws {
        let path = url.path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw VectorIndexError.io(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        func readFully(_ pointer: UnsafeMutableRawPointer, _ count: Int) throws {
            var done = 0
            while done < count {
                let n = read(fd, pointer + done, min(count - done, 1 << 30))
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    throw n == 0 ? VectorIndexError.malformed(path: path, reason: "truncated at byte \(done) of \(count)")
                                 : VectorIndexError.io(path: path, reason: String(cString: strerror(errno)))
                }
                done += n
            }
        }
        var header = [UInt8](repeating: 0, count: 24)
        try header.withUnsafeMutableBytes { try readFully($0.baseAddress!, 24) }
        guard Array(header[0..<8]) == Self.fileMagic else { throw VectorIndexError.malformed(path: path, reason: "bad magic") }
        let dimension = header.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self))) }
        let count = header.withUnsafeBytes { Int(UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: 16, as: UInt64.self))) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw VectorIndexError.io(path: path, reason: String(cString: strerror(errno))) }
        let (idBytes, o1) = count.multipliedReportingOverflow(by: 8)
        let (cells, o2) = count.multipliedReportingOverflow(by: dimension)
        guard dimension > 0 || count == 0, !o1, !o2, 24 + idBytes + cells * 4 == Int(info.st_size) else {
            throw VectorIndexError.malformed(path: path, reason: "\(count) × \(dimension) does not match the file size \(info.st_size)")
        }
        let ids = try [Int64](unsafeUninitializedCapacity: count) { buffer, initialized in
            try readFully(UnsafeMutableRawPointer(buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!), idBytes)
            initialized = count
        }
        let matrix = try [Float](unsafeUninitializedCapacity: cells) { buffer, initialized in
            try readFully(UnsafeMutableRawPointer(buffer.baseAddress ?? UnsafeMutablePointer(bitPattern: 8)!), cells * 4)
            initialized = cells
        }
        self.init(ids: ids, dimension: dimension, matrix: matrix)
    }
}
