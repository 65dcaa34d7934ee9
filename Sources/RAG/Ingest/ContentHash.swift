import Foundation

/// A 64-bit FNV-1a hash of file contents, as 16 hex digits.
///
/// Used only to tell whether a file changed between ingests, not for security, so a fast
/// non-cryptographic hash is enough (swift-crypto would add a minute to every clean build).
/// Four interleaved lanes keep it fast in release builds.
enum ContentHash {
    static func hex(of data: Data) -> String {
        var lanes: (UInt64, UInt64, UInt64, UInt64) = (0xcbf2_9ce4_8422_2325, 0x8422_2325_cbf2_9ce4,
                                                       0x9ce4_8422_2325_cbf2, 0x2325_cbf2_9ce4_8422)
        let prime: UInt64 = 0x0000_0100_0000_01b3
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            let n = bytes.count
            var i = 0
            while i + 4 <= n {
                lanes.0 = (lanes.0 ^ UInt64(bytes[i])) &* prime
                lanes.1 = (lanes.1 ^ UInt64(bytes[i + 1])) &* prime
                lanes.2 = (lanes.2 ^ UInt64(bytes[i + 2])) &* prime
                lanes.3 = (lanes.3 ^ UInt64(bytes[i + 3])) &* prime
                i += 4
            }
            while i < n { lanes.0 = (lanes.0 ^ UInt64(bytes[i])) &* prime; i += 1 }
        }
        var h = UInt64(data.count) &* prime
        for lane in [lanes.0, lanes.1, lanes.2, lanes.3] { h = (h ^ lane) &* prime; h ^= h >> 29 }
        return String(h, radix: 16).leftPadded(to: 16)
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
