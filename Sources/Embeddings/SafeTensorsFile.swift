import Foundation

/// A read-only, memory-mapped safetensors file: an 8-byte little-endian header length, a JSON header
/// mapping tensor names to `{dtype, shape, data_offsets}`, then the raw tensor bytes.
///
/// For example:
/// ```swift
/// let file = try SafeTensorsFile(url: dir.appendingPathComponent("model.safetensors"))
/// let bias = try file.floats("embeddings.LayerNorm.bias", shape: [384])
/// ```
public struct SafeTensorsFile: @unchecked Sendable {
    /// Element types of safetensors tensors.
    public enum DType: String, Sendable {
        case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
        case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"

        /// Bytes per element.
        public var size: Int {
            switch self {
            case .f64, .i64: return 8
            case .f32, .i32: return 4
            case .f16, .bf16, .i16: return 2
            case .i8, .u8, .bool: return 1
            }
        }
    }

    /// One tensor's header entry; `offset` is absolute in the file.
    public struct TensorInfo: Sendable, Equatable {
        public var name: String
        public var dtype: DType
        public var shape: [Int]
        public var offset: Int
        public var byteCount: Int
        public var elementCount: Int { shape.reduce(1, *) }
    }

    /// The file's path.
    public let url: URL
    /// Tensors by name.
    public let tensors: [String: TensorInfo]
    /// The `__metadata__` string map, if any.
    public let metadata: [String: String]
    private let data: Data   // memory-mapped; immutable

    /// Maps the file and parses its header.
    /// - Throws: ``EmbeddingsError/modelNotFound(path:)``, ``EmbeddingsError/malformedSafeTensors(path:reason:)``.
    public init(url: URL) throws {
        self.url = url
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw EmbeddingsError.modelNotFound(path: url.path)
        }
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw EmbeddingsError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        (tensors, metadata) = try Self.parseHeader(data, path: url.path)
        self.data = data
    }

    static func parseHeader(_ data: Data, path: String) throws -> ([String: TensorInfo], [String: String]) {
        func bad(_ reason: String) -> EmbeddingsError { .malformedSafeTensors(path: path, reason: reason) }
        guard data.count >= 8 else { throw bad("file shorter than its 8-byte header length") }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(data[data.startIndex + i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(data.count - 8), headerLength < 100_000_000 else {
            throw bad("header length \(headerLength) exceeds the file size \(data.count)")
        }
        let dataStart = 8 + Int(headerLength)
        let headerBytes = data.subdata(in: (data.startIndex + 8)..<(data.startIndex + dataStart))
        guard let json = try? JSONSerialization.jsonObject(with: headerBytes) as? [String: Any] else {
            throw bad("header is not a JSON object")
        }
        var tensors: [String: TensorInfo] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in json {
            if name == "__metadata__" {
                for (k, v) in (value as? [String: Any]) ?? [:] { metadata[k] = "\(v)" }
                continue
            }
            guard let entry = value as? [String: Any],
                  let dtypeName = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int],
                  let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
            else { throw bad("tensor '\(name)' lacks dtype, shape or data_offsets") }
            guard let dtype = DType(rawValue: dtypeName) else { throw bad("tensor '\(name)' has unknown dtype \(dtypeName)") }
            let begin = offsets[0], end = offsets[1]
            guard begin >= 0, end >= begin, dataStart + end <= data.count else {
                throw bad("tensor '\(name)' offsets \(begin)..<\(end) lie outside the file")
            }
            let count = shape.reduce(1, *)
            guard shape.allSatisfy({ $0 >= 0 }), count * dtype.size == end - begin else {
                throw bad("tensor '\(name)' shape \(shape) does not match its \(end - begin) bytes")
            }
            tensors[name] = TensorInfo(name: name, dtype: dtype, shape: shape,
                                       offset: dataStart + begin, byteCount: end - begin)
        }
        return (tensors, metadata)
    }

    /// Calls `body` with the raw bytes of tensor `name` (valid only inside `body`).
    public func withBytes<R>(of name: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard let info = tensors[name] else { throw EmbeddingsError.missingTensor(name: name, path: url.path) }
        return try data.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[info.offset..<(info.offset + info.byteCount)]))
        }
    }

    /// The tensor `name` converted to `Float` (from F32, F16, BF16 or F64), checking its shape when given.
    /// - Throws: ``EmbeddingsError/missingTensor(name:path:)``, ``EmbeddingsError/badTensor(name:reason:)``.
    public func floats(_ name: String, shape expected: [Int]? = nil) throws -> [Float] {
        guard let info = tensors[name] else { throw EmbeddingsError.missingTensor(name: name, path: url.path) }
        if let expected, expected != info.shape {
            throw EmbeddingsError.badTensor(name: name, reason: "shape \(info.shape), expected \(expected)")
        }
        let n = info.elementCount
        return try withBytes(of: name) { raw -> [Float] in
            switch info.dtype {
            case .f32:
                return [Float](unsafeUninitializedCapacity: n) { buffer, count in
                    // The data may be unaligned: copy bytes, not floats.
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw)
                    count = n
                }
            case .f16:
                return (0..<n).map { i in
                    Float(Float16(bitPattern: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                }
            case .bf16:
                return (0..<n).map { i in
                    Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)) << 16)
                }
            case .f64:
                return (0..<n).map { i in Float(raw.loadUnaligned(fromByteOffset: 8 * i, as: Double.self)) }
            default:
                throw EmbeddingsError.badTensor(name: name, reason: "dtype \(info.dtype.rawValue) is not a float type")
            }
        }
    }
}
