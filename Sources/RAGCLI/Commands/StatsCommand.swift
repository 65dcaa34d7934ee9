import ArgumentParser
import Foundation
import RAG

/// `rag stats`: what an index holds, and whether it is sound.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show what an index holds (files, documents, chunks, embedding model).",
        discussion: """
            With --check, also checks the index's integrity (SQLite's integrity check; for PostgreSQL, \
            that chunks, vectors and links are consistent) and exits 1 if it fails.
            """
    )

    @OptionGroup var indexOptions: IndexOptions

    @Flag(name: .long, help: "Check the index's integrity too.")
    var check = false

    @Flag(name: .long, help: "Print one JSON object on stdout.")
    var json = false

    struct Output: Encodable {
        var index: String
        var backend: String
        var lexical_ranking: String
        var sources: Int
        var documents: Int
        var chunks: Int
        var embedding_model: String?
        var dimension: Int?
        var embedding_precision: String?
        var integrity: String?
    }

    func run() async throws {
        let engine = try Engine(configuration: indexOptions.configuration, readOnly: !check)
        let s = try engine.statistics()
        let model = s.embeddingModel.map { (id: $0, dimension: s.dimension ?? 0) }
        let integrity = check ? try engine.integrityCheck() : nil
        let out = Output(index: engine.indexLocation, backend: engine.backend.name,
                         lexical_ranking: engine.backend.lexicalRanking, sources: s.sources, documents: s.documents,
                         chunks: s.chunks, embedding_model: model?.id, dimension: model?.dimension,
                         embedding_precision: s.embeddingPrecision, integrity: integrity)
        if json {
            try Terminal.printJSON(out)
        } else {
            print("index:      \(out.index)")
            print("backend:    \(out.backend) (words ranked by \(out.lexical_ranking))")
            print("files:      \(s.sources)")
            print("documents:  \(s.documents)")
            print("chunks:     \(s.chunks)")
            print("embeddings: \(model.map { "\($0.id) (\($0.dimension) dimensions, \(s.embeddingPrecision ?? "precision not recorded"))" } ?? "none")")
            if let integrity { print("integrity:  \(integrity)") }
        }
        if let integrity, integrity != "ok" { throw ExitCode.failure }
    }
}
