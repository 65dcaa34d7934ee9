/// A bounds-checked little-endian reader over the mapped bytes of a GGUF file.
struct GGUFCursor {
    let bytes: UnsafeRawBufferPointer
    let path: String
    var offset: Int = 0
    /// GGUF v1 used 32-bit lengths and counts; v2 and v3 use 64-bit ones.
    var wideCounts = true

    init(bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes
        self.path = path
    }

    mutating func need(_ count: Int, _ what: @autoclosure () -> String) throws {
        guard count >= 0, offset <= bytes.count, count <= bytes.count - offset else {
            throw GGUFError.truncated(path: path, offset: offset, what: what())
        }
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
        try need(MemoryLayout<T>.size, what())
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: value)
    }

    /// Reads a length or count and checks it is plausible for the remaining bytes.
    mutating func count(_ what: @autoclosure () -> String, minimumElementSize: Int = 1) throws -> Int {
        let start = offset
        let raw: UInt64 = wideCounts ? try read(UInt64.self, what()) : UInt64(try read(UInt32.self, what()))
        let remaining = UInt64(bytes.count - offset)
        guard raw <= remaining / UInt64(max(minimumElementSize, 1)) else {
            throw GGUFError.truncated(path: path, offset: start, what: "\(what()) (count \(raw))")
        }
        return Int(raw)
    }

    mutating func string(_ what: @autoclosure () -> String) throws -> String {
        let length = try count(what())
        try need(length, what())
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length]),
                          as: UTF8.self)
        offset += length
        return text
    }

    /// Reads one metadata value of GGUF value type `type`.
    mutating func value(type: UInt32, key: String, depth: Int = 0) throws -> GGUFValue {
        switch type {
        case 0: return .uint8(try read(UInt8.self, key))
        case 1: return .int8(try read(Int8.self, key))
        case 2: return .uint16(try read(UInt16.self, key))
        case 3: return .int16(try read(Int16.self, key))
        case 4: return .uint32(try read(UInt32.self, key))
        case 5: return .int32(try read(Int32.self, key))
        case 6: return .float32(Float(bitPattern: try read(UInt32.self, key)))
        case 7:
            let byte = try read(UInt8.self, key)
            return .bool(byte != 0)
        case 8: return .string(try string(key))
        case 9:
            guard depth < 8 else {
                throw GGUFError.malformed(path: path, offset: offset, reason: "arrays nested too deeply in \(key)")
            }
            let elementType = try read(UInt32.self, "element type of \(key)")
            let n = try count("length of \(key)")
            var elements: [GGUFValue] = []
            elements.reserveCapacity(n)
            for _ in 0..<n {
                elements.append(try value(type: elementType, key: key, depth: depth + 1))
            }
            return .array(elements)
        case 10: return .uint64(try read(UInt64.self, key))
        case 11: return .int64(try read(Int64.self, key))
        case 12: return .float64(Double(bitPattern: try read(UInt64.self, key)))
        default:
            throw GGUFError.malformed(path: path, offset: offset - 4,
                                      reason: "unknown metadata value type \(type) for key \(key)")
        }
    }
}
