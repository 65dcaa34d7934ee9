import ArgumentParser
import Embeddings
import Foundation
import Kernels
import RAG

/// `rag embed TEXT...`: all-MiniLM-L6-v2 sentence embeddings (L2-normalised) and their token ids.
struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed texts with all-MiniLM-L6-v2 (384 floats each, L2-normalised).",
        discussion: """
            Texts are lower-cased WordPiece-tokenized and truncated to 256 word pieces, as
            sentence-transformers does. With --json, prints {"embeddings":[[...]],"token_ids":[[...]]}.

            Examples:
              rag embed "What is the capital of France?"
              rag embed "first text" "second text" --json | jq '.embeddings[0] | length'
            """
    )

    @Argument(help: "The texts to embed (one embedding per argument).")
    var texts: [String]

    @Option(name: .long, help: ArgumentHelp(ModelLocator.embeddingHelp, valueName: "dir"))
    var embeddingModel: String?

    @Option(name: .long, help: ArgumentHelp(
        "auto | fp32 | bf16 (default: $RAG_EMBEDDING_PRECISION, else auto: bf16 where the CPU has AVX-512 BF16).",
        valueName: "precision"))
    var embeddingPrecision: String?

    @Option(name: [.short, .long], help: "Threads for the matrix products (default: all cores).")
    var threads: Int?

    @Flag(name: .long, help: "Print {\"embeddings\":[[...]],\"token_ids\":[[...]],\"precision\"} on stdout.")
    var json = false

    func validate() throws {
        guard !texts.isEmpty else { throw ValidationError("give at least one text to embed") }
        if let threads, !(1...256).contains(threads) { throw ValidationError("--threads must be between 1 and 256") }
        _ = try precision()
    }

    private func precision() throws -> EmbeddingPrecision { try IndexOptions.precision(flag: embeddingPrecision) }

    func run() async throws {
        if let threads { setKernelThreads(threads) }
        let directory = try ModelLocator().embeddingModel(
            embeddingModel.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) })
        let embedder: MiniLMEmbedder
        do { embedder = try MiniLMEmbedder(directory: directory, precision: try precision()) } catch let error as EmbeddingsError {
            throw CLIError(error.description)
        }
        let ids = embedder.tokenize(texts)
        let vectors = embedder.embed(tokenIDs: ids)
        if json {
            struct Output: Encodable { var embeddings: [[Float]]; var token_ids: [[Int32]]; var precision: String }
            try Terminal.printJSON(Output(embeddings: vectors, token_ids: ids, precision: embedder.precision.rawValue))
            return
        }
        for (i, text) in texts.enumerated() {
            let head = vectors[i].prefix(6).map { String(format: "%+.4f", $0) }.joined(separator: " ")
            let shown = text.count > 50 ? text.prefix(49) + "…" : Substring(text)
            print("\(shown.debugDescription)  tokens=\(ids[i].count)  [\(head) … (\(vectors[i].count) floats)]")
        }
    }
}
