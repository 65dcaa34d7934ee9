import Foundation
import Documents
@_exported import enum Embeddings.EmbeddingPrecision
import Retrieval

/// Where an engine finds its index and models, and how it chunks.
public struct EngineConfiguration: Sendable {
    /// The index folder (holds `index.sqlite`), or a `postgres://` URL for an index in PostgreSQL.
    public var indexDirectory: URL
    /// The all-MiniLM-L6-v2 folder; `nil` means `$RAG_EMBEDDING_MODEL`, else the places
    /// ``ModelLocator`` searches.
    public var embeddingModelDirectory: URL?
    /// The arithmetic of the embedding model's products: bf16 where the CPU has AVX-512 BF16, else
    /// fp32 (``EmbeddingPrecision/best``), unless set. Indexes record the precisions they were built in.
    public var embeddingPrecision: EmbeddingPrecision = .best
    /// How documents are cut into chunks.
    public var chunking: ChunkingParameters
    /// How hybrid search combines BM25 (first) and dense (second) hits.
    public var hybridFusion: HybridRetriever.Fusion
    /// The language model: a name from ``ModelCatalog`` or a GGUF path; nil means `$RAG_MODEL`, else
    /// the default (Qwen2.5-Coder-0.5B-Instruct), found as ``ModelLocator`` says.
    public var languageModel: String?
    /// KV-cache positions of the language model (nil: the model's own, at most 4096).
    public var contextLength: Int?
    /// A language model served elsewhere to answer with instead of the local GGUF (nil: local).
    public var servedModel: ServedModel?
    /// How many answers may be generated at once: each has its own language-model session (KV cache
    /// and prompt-prefix cache) over one shared copy of the weights. More asks wait their turn.
    public var languageModelSessions: Int = 1
    /// The router file `auto` uses; nil means the index's own `router.json` if it has one, else the
    /// router shipped with rag.
    public var routerFile: URL?

    /// The default hybrid fusion: equal weights on min-max normalised BM25 and cosine scores.
    /// Measured with `rag eval-retrieval` on the wiki corpus: weights 0.4-0.6 on dense score alike
    /// on the first 200 questions of each dev file (0.3 and 0.7 lower); on the rest (held out) it beats
    /// reciprocal rank fusion on all four sets (R@10 +0.010 to +0.019).
    public static let defaultHybridFusion = HybridRetriever.Fusion.convex(weights: [0.5, 0.5])

    public init(indexDirectory: URL, embeddingModelDirectory: URL? = nil,
                chunking: ChunkingParameters = ChunkingParameters(),
                hybridFusion: HybridRetriever.Fusion = defaultHybridFusion,
                languageModel: String? = nil, contextLength: Int? = nil, routerFile: URL? = nil) {
        self.routerFile = routerFile
        self.languageModel = languageModel
        self.contextLength = contextLength
        self.indexDirectory = indexDirectory
        self.embeddingModelDirectory = embeddingModelDirectory
        self.chunking = chunking
        self.hybridFusion = hybridFusion
    }

    /// The PostgreSQL URL when the index lives in PostgreSQL (`postgres://` or `postgresql://`).
    public var postgresURL: String? {
        let scheme = indexDirectory.scheme?.lowercased()
        return scheme == "postgres" || scheme == "postgresql" ? indexDirectory.absoluteString : nil
    }

    /// An index location as a user gives it: a `postgres://` URL, or a path.
    public static func indexLocation(_ text: String) -> URL {
        let lower = text.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            // Characters a URL cannot hold (a space) are escaped, so the store reports the bad part.
            if let url = URL(string: text) ?? text.addingPercentEncoding(withAllowedCharacters: .urlFragmentAllowed).flatMap(URL.init(string:)) {
                return url
            }
        }
        return URL(fileURLWithPath: text)
    }

    /// The default index: `$RAG_INDEX`, else `indexes/default` under the current directory.
    public static func defaultIndexDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let path = environment["RAG_INDEX"], !path.isEmpty { return indexLocation(path) }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent("indexes/default")
    }
}

/// A language model served over OpenAI's chat-completions API (a llama.cpp server, vLLM, another
/// `rag serve`), for ``EngineConfiguration/servedModel``.
public struct ServedModel: Sendable, Equatable {
    /// The API's base URL, the part before `/chat/completions` (e.g. `http://127.0.0.1:8081/v1`).
    public var url: URL
    /// The `model` field of each request.
    public var name: String
    /// Sent as a bearer token when set; never logged.
    public var apiKey: String?
    /// The served model's context in tokens, which passages are budgeted against.
    public var contextLength: Int

    public init(url: URL, name: String = "default", apiKey: String? = nil, contextLength: Int = 4096) {
        self.url = url
        self.name = name
        self.apiKey = apiKey
        self.contextLength = contextLength
    }
}
