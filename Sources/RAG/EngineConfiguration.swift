import Foundation
import Documents

/// Where an engine finds its index and models, and how it chunks.
public struct EngineConfiguration: Sendable {
    /// The index folder (holds `index.sqlite`).
    public var indexDirectory: URL
    /// The all-MiniLM-L6-v2 folder; `nil` means look in the usual places.
    public var embeddingModelDirectory: URL?
    /// How documents are cut into chunks.
    public var chunking: ChunkingParameters

    public init(indexDirectory: URL, embeddingModelDirectory: URL? = nil,
                chunking: ChunkingParameters = ChunkingParameters()) {
        self.indexDirectory = indexDirectory
        self.embeddingModelDirectory = embeddingModelDirectory
        self.chunking = chunking
    }

    /// The default index: `$RAG_INDEX`, else `indexes/default` under the current directory.
    public static func defaultIndexDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let path = environment["RAG_INDEX"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            .appendingPathComponent("indexes/default")
    }
}
