import ArgumentParser
import Foundation
import RAG

/// `rag migrate --from SRC --to DST`: copy an index to another backend without re-embedding.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy an index between an SQLite folder and PostgreSQL, without re-embedding.",
        discussion: """
            Copies every file record, document, chunk and vector into an empty index (created if \
            absent), rebuilds the title links and the search indexes there, then checks the copy: the \
            counts, and a digest of every source and chunk (paths, content hashes, texts, headings, \
            offsets and the vectors' bits, in order) must match. The source is only read. Each file \
            goes in parts of --part-size chunks, one transaction each.

            Examples:
              rag migrate --from indexes/default --to postgres://rag@127.0.0.1:5432/docs
              rag migrate --from postgres://rag@db.internal/docs --to backup/docs-index --json
            """
    )

    @Option(name: .long, help: ArgumentHelp("The index to copy: a folder, or a postgres:// URL.", valueName: "dir|url"))
    var from: String

    @Option(name: .long, help: ArgumentHelp("Where to copy it: an empty or absent folder, or a postgres:// URL of an empty database.",
                                            valueName: "dir|url"))
    var to: String

    @Option(name: .long, help: ArgumentHelp("Chunks per transaction.", valueName: "n"))
    var partSize = 2000

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard partSize >= 1 else { throw ValidationError("--part-size must be at least 1") }
        guard EngineConfiguration.indexLocation(from) != EngineConfiguration.indexLocation(to) else {
            throw ValidationError("--from and --to name the same index")
        }
    }

    func run() async throws {
        let source = try Engine(configuration: EngineConfiguration(indexDirectory: EngineConfiguration.indexLocation(from)),
                                readOnly: true)
        let destination = try Engine(configuration: EngineConfiguration(indexDirectory: EngineConfiguration.indexLocation(to)))
        let quiet = output.quiet || output.json
        let showProgress = !quiet && Terminal.stderrIsTerminal
        let report = try source.copy(to: destination, partChunks: partSize) { p in
            if showProgress {
                FileHandle.standardError.write(Data("\r\u{1B}[Kcopied \(p.sourcesDone)/\(p.sourcesTotal) file(s), \(p.chunksDone) chunk(s)".utf8))
            }
        }
        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        if output.json {
            struct Output: Encodable {
                var from: String, to: String, sources: Int, documents: Int, chunks: Int, vectors: Int, links: Int
                var digest: String, seconds: Double
            }
            try Terminal.printJSON(Output(from: source.indexLocation, to: destination.indexLocation, sources: report.sources,
                                          documents: report.documents, chunks: report.chunks, vectors: report.vectors,
                                          links: report.links, digest: report.digest, seconds: report.seconds))
        } else if !output.quiet {
            Terminal.error("copied \(report.sources) file(s), \(report.documents) documents, \(report.chunks) chunks, \(report.vectors) vectors "
                + "from \(source.indexLocation) to \(destination.indexLocation) in \(String(format: "%.1f", report.seconds))s; "
                + "\(report.links) title links rebuilt; digest \(report.digest) matches")
        }
    }
}
