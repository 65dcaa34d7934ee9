import ArgumentParser
import Foundation
import RAG

/// `rag ingest PATH...`: index files and folders, incrementally.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Index files and folders (HTML, XML, Markdown, text, JSONL corpora).",
        discussion: """
            Folders are walked (hidden and VCS folders skipped unless --hidden). The type is detected by
            content as well as extension. Re-running is incremental: unchanged files are skipped by
            content hash, changed files replace their chunks, --prune removes documents whose files are
            gone. Files that cannot be read are skipped and listed; the ingest goes on. Each batch is one
            transaction: an interrupted ingest keeps every batch committed before it.

            Examples:
              rag ingest ~/docs
              rag ingest /usr/share/doc/sqlite3 corpora/veldmoor --index indexes/default
              rag ingest notes -g '*.md' -g '!drafts/*' --prune --json
            """
    )

    @OptionGroup var indexOptions: IndexOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: ArgumentHelp("Files or folders to index.", valueName: "path"))
    var paths: [String]

    @Option(name: [.short, .customLong("glob")], help: ArgumentHelp(
        "Only index paths matching this glob; a leading ! excludes (repeatable).", valueName: "glob"))
    var globs: [String] = []

    @Flag(name: .long, help: "Include hidden files and folders.")
    var hidden = false

    @Option(name: .long, help: ArgumentHelp("Skip files larger than this many bytes (K/M/G suffixes allowed).", valueName: "size"))
    var maxFilesize: String = "50M"

    @Flag(name: .long, help: "Remove indexed documents whose files no longer exist.")
    var prune = false

    @Flag(name: .long, help: "Index for BM25 only, without computing embeddings.")
    var noEmbeddings = false

    @Option(name: .long, help: ArgumentHelp("Commit after about this many chunks (one transaction per batch).", valueName: "n"))
    var batchSize = 512

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        if ByteSize.parse(maxFilesize) == nil {
            throw ValidationError("--max-filesize '\(maxFilesize)' is not a size: use e.g. 500K, 20M or 1G")
        }
    }

    func run() async throws {
        let engine = try Engine(configuration: indexOptions.configuration)
        var parameters = IngestParameters()
        parameters.includeHidden = hidden
        parameters.globs = globs
        parameters.maxFileSize = ByteSize.parse(maxFilesize) ?? parameters.maxFileSize
        parameters.prune = prune
        parameters.embed = !noEmbeddings
        parameters.batchChunks = batchSize

        let showProgress = !output.quiet && !output.json && Terminal.stderrIsTerminal
        let bar = showProgress ? ProgressBar() : nil
        let report = try engine.ingest(paths.map { URL(fileURLWithPath: RawArguments.path($0)) }, parameters: parameters) { p in
            bar?.update(p)
        }
        bar?.finish()

        if output.json {
            try Terminal.printJSON(report)
        } else if !output.quiet {
            for skipped in report.filesSkipped { Terminal.error("skipped \(skipped.path): \(skipped.reason)") }
            let mb = Double(report.bytesRead) / 1_048_576
            Terminal.error(String(
                format: "indexed %d file(s) (%d documents, %d chunks added, %d removed), %d unchanged, %d removed, %d skipped; %.1f MB in %.1fs",
                report.filesIndexed, report.documentsIndexed, report.chunksAdded, report.chunksRemoved,
                report.filesUnchanged, report.filesRemoved, report.filesSkipped.count, mb, report.seconds))
            if report.chunksEmbedded > 0 {
                Terminal.error(String(format: "embedded %d chunk(s), reused %d vector(s)",
                                      report.chunksEmbedded, report.vectorsReused))
            }
        }
    }
}

/// Parses sizes like `500K`, `20M`, `1G` or plain bytes.
enum ByteSize {
    static func parse(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        guard let last = t.last else { return nil }
        let multipliers: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        if let m = multipliers[last] {
            return Double(t.dropLast()).map { Int($0 * Double(m)) }.flatMap { $0 > 0 ? $0 : nil }
        }
        return Int(t).flatMap { $0 > 0 ? $0 : nil }
    }
}
