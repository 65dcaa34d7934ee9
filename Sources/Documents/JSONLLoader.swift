import Foundation

/// Reads a JSONL corpus: one `{"id", "title", "text"}` passage per line, each a document named
/// by its id. Bad lines are reported with their line number and skipped.
enum JSONLLoader {
    static func load(_ data: Data, name: String) -> LoadedSource {
        var documents: [Document] = []
        var warnings: [String] = []
        var skipped = 0
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
                    documents.append(try passage(line, lineNumber: lineNumber, source: name))
                } catch let reason as LineError {
                    skipped += 1
                    if warnings.count < 20 { warnings.append("\(name):\(lineNumber): \(reason.message), line skipped") }
                } catch {
                    skipped += 1
                }
            }
        }
        if skipped > 20 { warnings.append("\(name): \(skipped) bad lines skipped in all") }
        return LoadedSource(type: .jsonl, documents: documents, warnings: warnings)
    }

    struct LineError: Error { var message: String }

    static func passage(_ line: UnsafeBufferPointer<UInt8>, lineNumber: Int, source: String) throws -> Document {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(buffer: line), options: [])
        } catch {
            throw LineError(message: "not valid JSON")
        }
        guard let dictionary = object as? [String: Any] else { throw LineError(message: "not a JSON object") }
        guard let text = dictionary["text"] as? String else { throw LineError(message: "no \"text\" string") }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw LineError(message: "empty \"text\"") }
        let id: String
        switch dictionary["id"] {
        case let s as String where !s.isEmpty: id = s
        case let number as NSNumber: id = number.stringValue
        default: id = "\(source)#\(lineNumber)"
        }
        let title = (dictionary["title"] as? String) ?? ""
        return Document(name: id, title: title, type: .jsonl, text: trimmed,
                        sections: [Section(headingPath: [], range: 0..<trimmed.utf8.count)],
                        metadata: ["source": source, "line": String(lineNumber)])
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
