import Foundation

/// Plain text: line ends normalised to `\n`, trailing white space trimmed per line, runs of blank
/// lines reduced to one. The title is the first line when it is short, else the file name.
enum TextExtractor {
    static func extract(_ source: String, name: String) -> (title: String, text: String, sections: [Section]) {
        var out: [Substring] = []
        var blank = false
        for raw in source.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false) {
            var line = raw
            while let last = line.last, last == " " || last == "\t" || last == "\u{0C}" { line = line.dropLast() }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                blank = !out.isEmpty
                continue
            }
            if blank { out.append("") }
            blank = false
            out.append(line)
        }
        let text = out.joined(separator: "\n")
        let firstLine = out.first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        let title = !firstLine.isEmpty && firstLine.count <= 100 ? firstLine : HTMLExtractor.fallbackTitle(name)
        let sections = text.isEmpty ? [] : [Section(headingPath: [], range: 0..<text.utf8.count)]
        return (title, text, sections)
    }
}
