import ArgumentParser
import Foundation
import RAG
import Routing
import Strategies

/// `--index DIR`, shared by every command that reads or writes an index.
struct IndexOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Index folder, or a postgres://USER@HOST:PORT/DATABASE URL for an index in PostgreSQL with pgvector (password from $PGPASSWORD or ~/.pgpass) (default: $RAG_INDEX, else ./indexes/default).",
        valueName: "dir|url"))
    var index: String?

    @Option(name: .long, help: ArgumentHelp(ModelLocator.embeddingHelp, valueName: "dir"))
    var embeddingModel: String?

    @Option(name: .long, help: ArgumentHelp(
        "auto | fp32 | bf16: the embedding model's arithmetic. auto (default, or $RAG_EMBEDDING_PRECISION) is bf16 on CPUs with AVX-512 BF16 (about twice as fast, cosine to fp32 >= 0.999), else fp32.",
        valueName: "precision"))
    var embeddingPrecision: String?

    func validate() throws { _ = try precision() }

    func precision() throws -> EmbeddingPrecision { try Self.precision(flag: embeddingPrecision) }

    /// `--embedding-precision` > $RAG_EMBEDDING_PRECISION > auto (shared with `rag embed`).
    static func precision(flag: String?) throws -> EmbeddingPrecision {
        let text = flag ?? ProcessInfo.processInfo.environment["RAG_EMBEDDING_PRECISION"] ?? "auto"
        guard let precision = EmbeddingPrecision(choice: text) else {
            throw ValidationError("embedding precision '\(text)' is not auto, fp32 or bf16")
        }
        return precision
    }

    /// Flag > environment > default, resolved here only.
    var indexDirectory: URL {
        if let index { return EngineConfiguration.indexLocation(index) }
        return EngineConfiguration.defaultIndexDirectory()
    }

    /// The flag's folder, if given; the environment and the search are the engine's ``ModelLocator``'s.
    var configuration: EngineConfiguration {
        let directory = embeddingModel.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) }
        var configuration = EngineConfiguration(indexDirectory: indexDirectory, embeddingModelDirectory: directory)
        configuration.embeddingPrecision = (try? precision()) ?? .best
        return configuration
    }
}

/// `--json`, for scripts.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print one JSON object on stdout instead of text.")
    var json = false

    @Flag(name: [.short, .long], help: "No progress or summary on stderr.")
    var quiet = false
}

/// `-m/--model` and `-c/--ctx-size`: which language model answers.
struct ModelOptions: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp(ModelLocator.help, valueName: "path|name"))
    var model: String?

    @Option(name: [.short, .customLong("ctx-size")], help: "Context size in tokens (default: the model's, at most 4096).")
    var contextSize: Int?

    @Option(name: .long, help: ArgumentHelp(
        "Answer with a model served elsewhere over OpenAI's chat-completions API (llama.cpp server, vLLM, rag serve): its base URL, e.g. http://127.0.0.1:8081/v1 (default: $RAG_LLM_URL; key from $RAG_LLM_API_KEY).",
        valueName: "url"))
    var llmURL: String?

    @Option(name: .long, help: ArgumentHelp("The served model's name in requests (default: $RAG_LLM_MODEL, else default).", valueName: "name"))
    var llmModel: String?

    @Option(name: .long, help: ArgumentHelp("The served model's context in tokens, for fitting passages (default 4096).", valueName: "n"))
    var llmContext = 4096

    func validate() throws {
        if let contextSize, contextSize < 256 { throw ValidationError("--ctx-size must be at least 256 for answering") }
        if llmContext < 256 { throw ValidationError("--llm-context must be at least 256") }
        if let text = servedURLText {
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw ValidationError("--llm-url '\(text)' is not an http(s) URL: give the API's base, e.g. http://127.0.0.1:8081/v1")
            }
        }
    }

    private var servedURLText: String? {
        let text = llmURL ?? ProcessInfo.processInfo.environment["RAG_LLM_URL"]
        return text?.isEmpty == false ? text : nil
    }

    func apply(to configuration: inout EngineConfiguration) {
        configuration.languageModel = model
        configuration.contextLength = contextSize
        if let text = servedURLText, let url = URL(string: text) {
            let environment = ProcessInfo.processInfo.environment
            configuration.servedModel = ServedModel(url: url, name: llmModel ?? environment["RAG_LLM_MODEL"] ?? "default",
                                                    apiKey: environment["RAG_LLM_API_KEY"], contextLength: llmContext)
        }
    }
}

/// `--strategy`, `--limit`, `--retriever` and the answer rules shared by `ask` and `eval`.
struct RetrievalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("bm25 | dense | hybrid.", valueName: "retriever"))
    var retriever: RetrieverKind = .hybrid

    @Flag(name: .long, help: "Keep the model's own words instead of snapping the answer to the best-matching passage span.")
    var noSnap = false

    @Option(name: .long, help: ArgumentHelp(
        "notes variant: note writer,query writer,reviewer[,focus], e.g. extractive,links,likelihood (default) or model,model,model (the paper's); focus: all (the answer reads the whole note) or chains (the question's named passages, the first 3 found by a query and what links lead to from them; chainsN for N) or named (as chains, but only the named passages are roots when the question names any).",
        valueName: "w,q,r"))
    var notesVariant: String?

    @Option(name: .long, help: "notes: update rounds at most (paper: 3).")
    var maxRounds = 3

    @Option(name: .long, help: ArgumentHelp(
        "single: a shortened passage keeps its first sentence and those sharing most words with the question, n in all (0 = passages stay whole; default \(SingleStep.defaultSentencesPerPassage.map(String.init) ?? "0")).",
        valueName: "n"))
    var sentences: Int?

    @Option(name: .long, help: ArgumentHelp(
        "single: tokens the passages may take together, best first, whole while they fit, then shortened (see --sentences), then left out (0 = no budget; default \(SingleStep.defaultPassageTokens.map(String.init) ?? "0")). The prompt's length sets most of the time to answer.",
        valueName: "n"))
    var passageTokens: Int?

    func validate() throws {
        if let notesVariant { _ = try Self.parseVariant(notesVariant) }
        guard (0...10).contains(maxRounds) else { throw ValidationError("--max-rounds must be between 0 and 10") }
        if let sentences, !(0...50).contains(sentences) { throw ValidationError("--sentences must be between 0 and 50") }
        if let passageTokens, !(0...100_000).contains(passageTokens) { throw ValidationError("--passage-tokens must be between 0 and 100000") }
    }

    static func parseVariant(_ text: String) throws -> NoteBased.Parameters {
        let parts = text.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        let error = ValidationError("--notes-variant '\(text)': give extractive|model, links|model, likelihood|model and optionally all|chains|chainsN|named|namedN")
        guard parts.count == 3 || parts.count == 4, let w = NoteBased.NoteWriter(rawValue: parts[0]),
              let q = NoteBased.QueryWriter(rawValue: parts[1]), let r = NoteBased.Reviewer(rawValue: parts[2]) else {
            throw error
        }
        var p = NoteBased.Parameters()
        (p.noteWriter, p.queryWriter, p.reviewer) = (w, q, r)
        if parts.count == 4 {
            let focus = parts[3]
            if focus == "all" {
                p.focus = .all
            } else if let kind = [NoteBased.Focus.chains, .named].first(where: { focus.hasPrefix($0.rawValue) }) {
                p.focus = kind
                let digits = focus.dropFirst(kind.rawValue.count)
                if !digits.isEmpty {
                    guard let n = Int(digits), (1...20).contains(n) else { throw error }
                    p.chainRoots = n
                }
            } else {
                throw error
            }
        }
        return p
    }

    func parameters(strategy: StrategyChoice, limit: Int?) throws -> AskParameters {
        if let limit, !(1...50).contains(limit) { throw ValidationError("passages per retrieval must be between 1 and 50") }
        var p = AskParameters(strategy: strategy, limit: limit, retriever: retriever, snapAnswers: !noSnap)
        if let notesVariant { p.notes = try Self.parseVariant(notesVariant) }
        p.notes.maxRounds = maxRounds
        if let sentences { p.sentencesPerPassage = sentences == 0 ? nil : sentences }
        if let passageTokens { p.passageTokens = passageTokens == 0 ? nil : passageTokens }
        return p
    }
}

/// `--router` and `--prefer`: which router `--strategy auto` follows, and how it weighs cost.
struct RouterOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Router file for --strategy auto (default: router.json in the index folder, else the router shipped with rag).",
        valueName: "file"))
    var router: String?

    @Option(name: .long, help: ArgumentHelp(
        "fast | balanced | accurate: shift auto's choice by each route's measured seconds per question.", valueName: "preference"))
    var prefer: RoutePreference = .balanced

    func apply(to configuration: inout EngineConfiguration) {
        configuration.routerFile = router.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) }
    }
}

extension RoutePreference: ExpressibleByArgument {}
