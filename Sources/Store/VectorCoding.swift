import Foundation

/// Vectors are stored as float32 little-endian BLOBs.
enum VectorCoding {
    static func encode(_ vector: [Float]) -> Data {
        var data = Data(count: vector.count * MemoryLayout<Float>.size)
        data.withUnsafeMutableBytes { raw in
            for (index, value) in vector.enumerated() {
                raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: index * 4, as: UInt32.self)
            }
        }
        return data
    }

    /// Copies a blob of `count` floats into `destination` (which must hold `count` floats).
    static func decode(_ data: Data, into destination: UnsafeMutableBufferPointer<Float>) {
        data.withUnsafeBytes { raw in
            for index in 0..<destination.count {
                let bits = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
                destination[index] = Float(bitPattern: bits)
            }
        }
    }

    static func decode(_ data: Data) -> [Float] {
        let count = data.count / 4
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            decode(data, into: UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
            initialized = count
        }
    }
}
