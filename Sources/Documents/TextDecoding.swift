import Foundation

/// Byte-level checks and decoding: binary detection, BOMs, declared charsets, and UTF-8 with a
/// per-byte Windows-1252 fallback for invalid bytes (so Latin-1 files decode instead of failing).
enum TextDecoding {
    /// Windows-1252 code points for bytes 0x80...0x9F (WHATWG treats the label "iso-8859-1" as this);
    /// the five undefined bytes map to their C1 controls, as browsers do.
    static let windows1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    /// Byte-order marks we understand.
    enum ByteOrderMark { case utf8, utf16LittleEndian, utf16BigEndian }

    static func byteOrderMark(_ bytes: UnsafeBufferPointer<UInt8>) -> ByteOrderMark? {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { return .utf8 }
        if bytes.count >= 2, bytes[0] == 0xFF, bytes[1] == 0xFE { return .utf16LittleEndian }
        if bytes.count >= 2, bytes[0] == 0xFE, bytes[1] == 0xFF { return .utf16BigEndian }
        return nil
    }

    /// True when the first 8 KiB hold NUL bytes in more than 1 in 256 of their bytes (at least 3 in
    /// a short file; a stray NUL
    /// in a text file, as some editors and exports leave, does not make it binary; real binaries
    /// are full of them), or more than 10% control bytes other than tab, newline, carriage return,
    /// form feed and escape. UTF-16 with a BOM is not binary.
    static func looksBinary(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if let bom = byteOrderMark(bytes), bom != .utf8 { return false }
        let n = min(bytes.count, 8192)
        if n == 0 { return false }
        var control = 0, nul = 0
        for i in 0..<n {
            let b = bytes[i]
            if b == 0 { nul += 1; control += 1 }
            else if b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D && b != 0x0C && b != 0x1B { control += 1 }
            else if b == 0x7F { control += 1 }
        }
        return nul * 256 > max(n, 512) || control * 10 > n
    }

    /// True when all bytes are ASCII white space.
    static func isBlank(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in bytes where !(b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C) { return false }
        return true
    }

    /// Decodes bytes to a string: honours a BOM, decodes the Latin-1 family (`iso-8859-1`,
    /// `latin1`, `windows-1252`, `us-ascii`) as Windows-1252, and otherwise reads UTF-8, mapping each
    /// invalid byte through Windows-1252. Returns the string and how many bytes needed the fallback.
    static func decode(_ data: Data, declaredCharset: String? = nil) -> (text: String, fallbackBytes: Int) {
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            switch byteOrderMark(bytes) {
            case .utf8:
                return decodeUTF8(UnsafeBufferPointer(rebasing: bytes[3...]))
            case .utf16LittleEndian:
                return (String(data: data.dropFirst(2), encoding: .utf16LittleEndian) ?? "", 0)
            case .utf16BigEndian:
                return (String(data: data.dropFirst(2), encoding: .utf16BigEndian) ?? "", 0)
            case nil:
                if let charset = declaredCharset, isLatin1Family(charset) {
                    return (decodeWindows1252(bytes), 0)
                }
                return decodeUTF8(bytes)
            }
        }
    }

    /// Whether a charset label means the Latin-1 family that we decode as Windows-1252.
    static func isLatin1Family(_ label: String) -> Bool {
        let l = label.lowercased()
        return ["iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "windows-1252",
                "cp1252", "x-cp1252", "us-ascii", "ascii", "iso-8859-15", "latin9"].contains(l)
    }

    /// Whether a charset label means UTF-8.
    static func isUTF8(_ label: String) -> Bool {
        let l = label.lowercased()
        return l == "utf-8" || l == "utf8" || l == "unicode-1-1-utf-8"
    }

    /// UTF-8 with a per-byte Windows-1252 fallback for invalid sequences.
    static func decodeUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> (text: String, fallbackBytes: Int) {
        if let valid = String(validating: bytes, as: UTF8.self) { return (valid, 0) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        var fallback = 0
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 { out.append(b); i += 1; continue }
            let length = validSequenceLength(bytes, at: i)
            if length > 0 {
                for k in 0..<length { out.append(bytes[i + k]) }
                i += length
            } else {
                appendScalar(windows1252Scalar(b), to: &out)
                fallback += 1
                i += 1
            }
        }
        return (String(decoding: out, as: UTF8.self), fallback)
    }

    /// Every byte through Windows-1252.
    static func decodeWindows1252(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for b in bytes {
            if b < 0x80 { out.append(b) } else { appendScalar(windows1252Scalar(b), to: &out) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func windows1252Scalar(_ b: UInt8) -> UInt32 {
        (0x80...0x9F).contains(b) ? windows1252High[Int(b) - 0x80] : UInt32(b)
    }

    /// The length (2-4) of a well-formed UTF-8 sequence starting at `i`, or 0.
    static func validSequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> Int {
        let b0 = bytes[i]
        let n = bytes.count
        func cont(_ k: Int) -> Bool { i + k < n && bytes[i + k] & 0xC0 == 0x80 }
        switch b0 {
        case 0xC2...0xDF:
            return cont(1) ? 2 : 0
        case 0xE0:
            return i + 2 < n && (0xA0...0xBF).contains(bytes[i + 1]) && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF:
            return cont(1) && cont(2) ? 3 : 0
        case 0xED:
            return i + 2 < n && (0x80...0x9F).contains(bytes[i + 1]) && cont(2) ? 3 : 0
        case 0xF0:
            return i + 3 < n && (0x90...0xBF).contains(bytes[i + 1]) && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3:
            return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4:
            return i + 3 < n && (0x80...0x8F).contains(bytes[i + 1]) && cont(2) && cont(3) ? 4 : 0
        default:
            return 0
        }
    }

    static func appendScalar(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (v >> 6)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (v >> 12)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (v >> 18)))
            out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }

    /// The charset declared in the first 4 KiB of an HTML page (`<meta charset=...>` or
    /// `<meta http-equiv="content-type" content="...; charset=...">`), lower-cased.
    static func declaredHTMLCharset(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let head = String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<min(bytes.count, 4096)]), as: UTF8.self)
            .lowercased()
        var search = head[...]
        while let meta = search.range(of: "<meta") {
            let rest = search[meta.upperBound...]
            let tagEnd = rest.firstIndex(of: ">") ?? rest.endIndex
            let tag = rest[..<tagEnd]
            if let cs = tag.range(of: "charset") {
                var value = tag[cs.upperBound...].drop(while: { $0 == " " })
                if value.first == "=" {
                    value = value.dropFirst().drop(while: { $0 == " " || $0 == "\"" || $0 == "'" })
                    let name = value.prefix(while: { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ":" || $0 == "." })
                    if !name.isEmpty { return String(name) }
                }
            }
            search = rest[tagEnd...]
        }
        return nil
    }

    /// The `encoding` of an XML declaration (`<?xml version="1.0" encoding="..."?>`), lower-cased.
    static func declaredXMLEncoding(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let head = String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<min(bytes.count, 512)]), as: UTF8.self)
        guard let decl = head.range(of: "<?xml"), let end = head[decl.upperBound...].range(of: "?>") else { return nil }
        let inside = head[decl.upperBound..<end.lowerBound]
        guard let enc = inside.range(of: "encoding") else { return nil }
        let value = inside[enc.upperBound...].drop(while: { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "'" })
        let name = value.prefix(while: { $0 != "\"" && $0 != "'" && $0 != " " })
        return name.isEmpty ? nil : name.lowercased()
    }
}
