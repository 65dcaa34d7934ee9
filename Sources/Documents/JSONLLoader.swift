import Foundation

/// Reads a JSONL corpus: one `{"id", "title", "text"}` passage per line, each a document named
/// by its id (or `<file>#<line>` without one). Bad lines are skipped and reported as warnings
/// `"line 12: not valid JSON, skipped"` (the first 20, then a total).
enum JSONLLoader {
    static func load(_ data: Data, name: String) -> LoadedSource {
        var documents: [Document] = []
        var warnings: [String] = []
        var skipped = 0
        let decoder = JSONDecoder()
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            var lineNumber = 0
            let n = bytes.count
            while start < n {
                lineNumber += 1
                var end = start
                while end < n && bytes[end] != 0x0A { end += 1 }
                let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
                start = end + 1
                if TextDecoding.isBlank(line) { continue }
                do {
                    documents.append(try passage(line, lineNumber: lineNumber, source: name, decoder: decoder))
                } catch let reason as LineError {
                    skipped += 1
                    if warnings.count < 20 { warnings.append("line \(lineNumber): \(reason.message), skipped") }
                } catch {
                    skipped += 1
                }
            }
        }
        if skipped > 20 { warnings.append("\(skipped) bad lines skipped in all (first 20 listed)") }
        // Ids name documents: two passages with one id are two documents of the same name, which
        // `rag search` and citations cannot tell apart. Kept (both are data), and said.
        var seen: [String: Int] = [:]
        for document in documents { seen[document.name, default: 0] += 1 }
        let repeated = seen.filter { $0.value > 1 }.sorted { $0.key < $1.key }
        if !repeated.isEmpty {
            let listed = repeated.prefix(5).map { "\"\($0.key)\" (\($0.value)×)" }.joined(separator: ", ")
            warnings.append("\(repeated.count) id\(repeated.count == 1 ? "" : "s") used by more than one passage: \(listed)\(repeated.count > 5 ? ", …" : "")")
        }
        return LoadedSource(type: .jsonl, documents: documents, warnings: warnings)
    }

    struct LineError: Error { var message: String }

    /// One line's fields; `id` may be a string or an integer.
    struct Passage: Decodable {
        var id: String?
        var title: String?
        var text: String?
        enum CodingKeys: String, CodingKey { case id, title, text }
        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            if let s = try? c.decode(String.self, forKey: .id) { id = s }
            else if let n = try? c.decode(Int.self, forKey: .id) { id = String(n) }
            title = try? c.decode(String.self, forKey: .title)
            text = try? c.decode(String.self, forKey: .text)
        }
    }

    static func passage(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, source: String,
                        decoder: JSONDecoder = JSONDecoder()) throws -> Document {
        let passage: Passage
        do {
            passage = try decoder.decode(Passage.self, from: Data(buffer: line))
        } catch DecodingError.typeMismatch {
            throw LineError(message: "not a JSON object")
        } catch {
            throw LineError(message: "not valid JSON")
        }
        guard let text = passage.text else { throw LineError(message: "no \"text\" string") }
        let trimmed = trimWhitespace(text)
        guard !trimmed.isEmpty else { throw LineError(message: "empty \"text\"") }
        let id = passage.id.flatMap { $0.isEmpty ? nil : $0 } ?? "\(source)#\(lineNumber)"
        return Document(name: id, title: passage.title ?? "", type: .jsonl, text: trimmed,
                        sections: [Section(headingPath: [], range: 0..<trimmed.utf8.count)],
                        metadata: ["source": source, "line": String(lineNumber)])
    }

    /// Trims ASCII white space at both ends, working on UTF-8 (cheap for native strings).
    static func trimWhitespace(_ text: String) -> String {
        let utf8 = text.utf8
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x09 || b == 0x0D || b == 0x0C }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = utf8.lastIndex(where: { !isSpace($0) })!
        if first == utf8.startIndex && utf8.index(after: last) == utf8.endIndex { return text }
        return String(text[first...last])
    }

    /// Whether the bytes look like JSON lines: the first non-blank line is a JSON object.
    static func looksLikeJSONL(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return false }
        var end = i
        while end < bytes.count, bytes[end] != 0x0A { end += 1 }
        let line = Data(buffer: UnsafeBufferPointer(rebasing: bytes[i..<end]))
        return (try? JSONSerialization.jsonObject(with: line)) is [String: Any]
    }
}
