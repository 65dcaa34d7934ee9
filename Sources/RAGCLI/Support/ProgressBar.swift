import Foundation
import RAG

/// A one-line ingest progress bar on stderr (files, chunks, rate, ETA), redrawn at most 10 times a second.
final class ProgressBar: @unchecked Sendable {
    private let lock = NSLock()
    private var lastDraw = 0.0
    private let width = 24

    func update(_ p: IngestProgress) {
        lock.lock(); defer { lock.unlock() }
        let now = Date().timeIntervalSinceReferenceDate
        guard now - lastDraw >= 0.1 || p.filesDone == p.filesTotal else { return }
        lastDraw = now
        let fraction = p.fraction
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let rate = p.elapsed > 0 ? Double(p.chunksAdded) / p.elapsed : 0
        let embedRate = p.elapsed > 0 ? Double(p.chunksEmbedded) / p.elapsed : 0
        let eta = fraction > 0.01 ? p.elapsed * (1 - fraction) / fraction : .nan
        var line = "\r\u{1B}[2K\(bar) \(p.filesDone)/\(p.filesTotal) files  \(p.chunksAdded) chunks"
        line += String(format: " (%.0f/s)", rate)
        if p.chunksEmbedded > 0 { line += String(format: "  embedded %d (%.0f/s)", p.chunksEmbedded, embedRate) }
        line += "  ETA \(Terminal.duration(eta))"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
