import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A GGUF model file: its metadata, its tensor directory, and its tensor data memory-mapped.
///
/// The file is mapped read-only once; `tensorData(_:)` returns views into the mapping, so weights
/// are never copied. The mapping lives as long as this object.
///
/// For example:
/// ```swift
/// let file = try GGUFFile(url: URL(fileURLWithPath: "models/SmolLM2-135M-Instruct.Q4_1.gguf"))
/// file.architecture                      // "llama"
/// file.int("llama.block_count")          // 30
/// let embeddings = try file.tensorData("token_embd.weight")
/// ```
public final class GGUFFile: @unchecked Sendable {
    /// GGUF format version (2 or 3).
    public let version: Int
    /// All metadata key/value pairs.
    public let metadata: [String: GGUFValue]
    /// Tensor directory by name.
    public let tensors: [String: GGUFTensorInfo]
    /// Tensor names in file order.
    public let tensorNames: [String]
    /// Alignment of the tensor data (`general.alignment`, default 32).
    public let alignment: Int
    /// Byte offset of the tensor-data section in the file.
    public let dataOffset: Int
    /// Path the file was opened from.
    public let path: String

    private let base: UnsafeMutableRawPointer
    private let size: Int

    /// Opens and maps `url`, reading the header, metadata and tensor directory.
    ///
    /// - Throws: `GGUFError.cannotOpen`, `.notGGUF`, `.unsupportedVersion`, `.truncated`,
    ///   `.malformed`, or `.unsupportedTensorType` naming the tensor and its type number.
    public init(url: URL) throws {
        let path = url.path
        self.path = path
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw GGUFError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw GGUFError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        let size = Int(status.st_size)
        guard size >= 24 else {
            // Too short for a header: say whether it even starts like a GGUF file.
            let head = Array(((try? Data(contentsOf: url)) ?? Data()).prefix(4))
            guard head == Array("GGUF".utf8.prefix(head.count)), !head.isEmpty else {
                throw GGUFError.notGGUF(path: path)
            }
            throw GGUFError.truncated(path: path, offset: size, what: "header")
        }
        guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
            throw GGUFError.cannotOpen(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        self.base = mapped
        self.size = size
        do {
            let parsed = try GGUFFile.parse(UnsafeRawBufferPointer(start: mapped, count: size), path: path)
            version = parsed.version
            metadata = parsed.metadata
            tensors = parsed.tensors
            tensorNames = parsed.names
            alignment = parsed.alignment
            dataOffset = parsed.dataOffset
        } catch {
            munmap(mapped, size)
            throw error
        }
    }

    deinit {
        munmap(base, size)
    }

    /// The whole file as bytes (valid while the file lives).
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: size) }

    /// The data of tensor `name`, a view into the mapping valid while this object lives.
    ///
    /// - Throws: `GGUFError.missingTensor` when no tensor has that name.
    public func tensorData(_ name: String) throws -> UnsafeRawBufferPointer {
        guard let info = tensors[name] else { throw GGUFError.missingTensor(name: name) }
        return UnsafeRawBufferPointer(start: base + dataOffset + info.offset, count: info.byteCount)
    }

    /// Tells the kernel it may drop the resident pages of tensor `name` (e.g. after the weights were
    /// repacked into another layout). The bytes stay readable: they are read again from the file
    /// on the next access. Returns false when no whole page lies inside the tensor.
    @discardableResult
    public func releaseResidentPages(of name: String) -> Bool {
        guard let info = tensors[name] else { return false }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = dataOffset + info.offset
        let first = (start + page - 1) / page * page
        let end = (start + info.byteCount) / page * page
        guard end > first else { return false }
        return madvise(base + first, end - first, Int32(MADV_DONTNEED)) == 0
    }

    // MARK: Typed metadata accessors

    /// `general.architecture`, e.g. `llama` or `qwen2`.
    public var architecture: String? { string("general.architecture") }

    /// The string at `key`, or nil if absent or not a string.
    public func string(_ key: String) -> String? { metadata[key]?.stringValue }
    /// The integer at `key` (any integer width), or nil.
    public func int(_ key: String) -> Int? { metadata[key]?.intValue }
    /// The number at `key` as a Float (floating-point or integer), or nil.
    public func float(_ key: String) -> Float? { metadata[key]?.floatValue }
    /// The bool at `key`, or nil.
    public func bool(_ key: String) -> Bool? { metadata[key]?.boolValue }

    /// The array of strings at `key`, or nil if absent or any element is not a string.
    public func stringArray(_ key: String) -> [String]? {
        guard let array = metadata[key]?.arrayValue else { return nil }
        var result: [String] = []
        result.reserveCapacity(array.count)
        for element in array {
            guard let s = element.stringValue else { return nil }
            result.append(s)
        }
        return result
    }

    /// The array of integers at `key`, or nil if absent or any element is not an integer.
    public func intArray(_ key: String) -> [Int]? {
        guard let array = metadata[key]?.arrayValue else { return nil }
        var result: [Int] = []
        result.reserveCapacity(array.count)
        for element in array {
            guard let v = element.intValue else { return nil }
            result.append(v)
        }
        return result
    }

    /// The array of numbers at `key` as Floats, or nil if absent or any element is not a number.
    public func floatArray(_ key: String) -> [Float]? {
        guard let array = metadata[key]?.arrayValue else { return nil }
        var result: [Float] = []
        result.reserveCapacity(array.count)
        for element in array {
            guard let v = element.floatValue else { return nil }
            result.append(v)
        }
        return result
    }

    // MARK: Parsing

    struct Parsed {
        var version: Int
        var metadata: [String: GGUFValue]
        var tensors: [String: GGUFTensorInfo]
        var names: [String]
        var alignment: Int
        var dataOffset: Int
    }

    static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws -> Parsed {
        var cursor = GGUFCursor(bytes: bytes, path: path)
        let magic = try cursor.read(UInt32.self, "magic")
        guard magic == 0x4655_4747 else { throw GGUFError.notGGUF(path: path) }  // "GGUF" little-endian
        let version = Int(try cursor.read(UInt32.self, "version"))
        guard version == 2 || version == 3 else {
            throw GGUFError.unsupportedVersion(path: path, version: version)
        }
        // A tensor info takes at least 8+4+8+4+8 bytes, a key/value pair at least 8+4+1.
        let tensorCount = try cursor.count("tensor count", minimumElementSize: 32)
        let keyCount = try cursor.count("metadata count", minimumElementSize: 13)

        var metadata: [String: GGUFValue] = [:]
        metadata.reserveCapacity(keyCount)
        for index in 0..<keyCount {
            let key = try cursor.string("metadata key #\(index)")
            let type = try cursor.read(UInt32.self, "type of metadata \(key)")
            metadata[key] = try cursor.value(type: type, key: key)
        }

        var alignment = 32
        if let value = metadata["general.alignment"] {
            guard let a = value.intValue, a > 0, a & (a - 1) == 0 else {
                throw GGUFError.malformed(path: path, offset: cursor.offset,
                                          reason: "general.alignment must be a power of two, found \(value)")
            }
            alignment = a
        }

        var tensors: [String: GGUFTensorInfo] = [:]
        var names: [String] = []
        var pending: [(name: String, dims: [Int], rawType: UInt32, offset: Int, at: Int)] = []
        for index in 0..<tensorCount {
            let at = cursor.offset
            let name = try cursor.string("name of tensor #\(index)")
            let dimensionCount = Int(try cursor.read(UInt32.self, "dimension count of tensor \(name)"))
            guard (1...8).contains(dimensionCount) else {
                throw GGUFError.malformed(path: path, offset: at,
                                          reason: "tensor \(name) has \(dimensionCount) dimensions")
            }
            var dims: [Int] = []
            for _ in 0..<dimensionCount {
                let d = try cursor.read(UInt64.self, "dimensions of tensor \(name)")
                guard d > 0, d < 1 << 40 else {
                    throw GGUFError.malformed(path: path, offset: at, reason: "tensor \(name) has extent \(d)")
                }
                dims.append(Int(d))
            }
            let rawType = try cursor.read(UInt32.self, "type of tensor \(name)")
            let offset = try cursor.read(UInt64.self, "offset of tensor \(name)")
            guard offset < UInt64(bytes.count) else {
                throw GGUFError.truncated(path: path, offset: at, what: "data of tensor \(name)")
            }
            pending.append((name, dims, rawType, Int(offset), at))
        }
        let dataOffset = (cursor.offset + alignment - 1) / alignment * alignment

        for t in pending {
            guard let type = GGMLType(rawValue: t.rawType) else {
                throw GGUFError.unsupportedTensorType(tensor: t.name, type: "number \(t.rawType)")
            }
            guard t.dims[0] % type.blockSize == 0 else {
                throw GGUFError.malformed(path: path, offset: t.at,
                                          reason: "tensor \(t.name) row of \(t.dims[0]) is not a multiple of \(type)'s block of \(type.blockSize)")
            }
            let count = t.dims.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
            let byteCount = type.byteCount(elements: count)
            guard t.offset % alignment == 0 else {
                throw GGUFError.malformed(path: path, offset: t.at,
                                          reason: "tensor \(t.name) offset \(t.offset) is not aligned to \(alignment)")
            }
            guard dataOffset + t.offset <= bytes.count, byteCount <= bytes.count - dataOffset - t.offset else {
                throw GGUFError.truncated(path: path, offset: dataOffset + t.offset,
                                          what: "data of tensor \(t.name) (\(byteCount) bytes)")
            }
            guard tensors[t.name] == nil else {
                throw GGUFError.malformed(path: path, offset: t.at, reason: "tensor \(t.name) appears twice")
            }
            tensors[t.name] = GGUFTensorInfo(name: t.name, dimensions: t.dims, type: type,
                                             offset: t.offset, byteCount: byteCount)
            names.append(t.name)
        }
        return Parsed(version: version, metadata: metadata, tensors: tensors, names: names,
                      alignment: alignment, dataOffset: dataOffset)
    }
}
