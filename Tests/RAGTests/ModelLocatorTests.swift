import Foundation
import Testing
@testable import RAG

/// The one model search: explicit value > environment > models/ beside the index, then in the
/// working directory > the running binary's package root; errors name the folders and the fix.
@Suite struct ModelLocatorTests {
    /// A temporary tree of empty files (a path ending in "/" is a folder), removed by `cleanUp`.
    struct Tree {
        let root: URL
        init(_ paths: [String]) throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("rag-locator-\(UUID().uuidString)")
            for path in paths {
                let url = root.appendingPathComponent(path)
                if path.hasSuffix("/") {
                    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
                } else {
                    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try Data("x".utf8).write(to: url)
                }
            }
        }
        func url(_ path: String) -> URL { root.appendingPathComponent(path) }
        func cleanUp() { try? FileManager.default.removeItem(at: root) }
    }

    static let smol = ModelCatalog.entry(named: "smollm2-135m")!.file
    static let minilm = "all-MiniLM-L6-v2/model.safetensors"

    @Test func flagBeatsEnvironmentBeatsSearch() throws {
        let tree = try Tree(["work/models/\(Self.smol)", "env.gguf", "flag.gguf"])
        defer { tree.cleanUp() }
        let locator = ModelLocator(environment: ["RAG_MODEL": tree.url("env.gguf").path],
                                   workingDirectory: tree.url("work"), executable: nil)
        #expect(try locator.languageModel(tree.url("flag.gguf").path) == tree.url("flag.gguf"))
        #expect(try locator.languageModel(nil) == tree.url("env.gguf"))
        #expect(try locator.languageModel("") == tree.url("env.gguf"))
        #expect(try locator.languageModel("smollm2-135m").path == tree.url("work/models/\(Self.smol)").standardizedFileURL.path)
        // A relative value is taken from the working directory; a name in the environment is searched.
        #expect(try locator.languageModel("../flag.gguf").path == tree.url("flag.gguf").standardizedFileURL.path)
        let named = ModelLocator(environment: ["RAG_MODEL": "SmolLM2-135M"], workingDirectory: tree.url("work"), executable: nil)
        #expect(try named.languageModel(nil).lastPathComponent == Self.smol)
    }

    @Test func besideTheIndexComesBeforeTheWorkingDirectory() throws {
        let tree = try Tree(["project/indexes/default/", "project/models/\(Self.smol)", "project/models/\(Self.minilm)",
                             "flat/index/", "flat/models/\(Self.smol)",
                             "work/models/\(Self.smol)", "work/models/\(Self.minilm)"])
        defer { tree.cleanUp() }
        func locator(_ index: String?) -> ModelLocator {
            ModelLocator(indexDirectory: index.map(tree.url), environment: [:], workingDirectory: tree.url("work"), executable: nil)
        }
        // indexes/NAME layout: models/ beside the index's parent folder.
        #expect(try locator("project/indexes/default").languageModel("smollm2-135m").path.hasPrefix(tree.url("project/models").path))
        #expect(try locator("project/indexes/default").embeddingModel(nil).path.hasPrefix(tree.url("project/models").path))
        // models/ right beside the index folder.
        #expect(try locator("flat/index").languageModel("smollm2-135m").path.hasPrefix(tree.url("flat/models").path))
        // No index, or nothing beside it: the working directory's.
        #expect(try locator(nil).languageModel("smollm2-135m").path.hasPrefix(tree.url("work/models").path))
        #expect(try locator("flat/index").embeddingModel(nil).path.hasPrefix(tree.url("work/models").path))
    }

    @Test func theBinarysPackageRootComesLast() throws {
        let tree = try Tree(["pkg/Package.swift", "pkg/.build/x86_64-unknown-linux-gnu/release/rag",
                             "pkg/models/\(Self.smol)", "pkg/models/\(Self.minilm)", "empty/", "work/models/\(Self.smol)"])
        defer { tree.cleanUp() }
        let binary = tree.url("pkg/.build/x86_64-unknown-linux-gnu/release/rag")
        let fromEmpty = ModelLocator(environment: [:], workingDirectory: tree.url("empty"), executable: binary)
        #expect(try fromEmpty.languageModel("smollm2-135m").path.hasPrefix(tree.url("pkg/models").path))
        #expect(try fromEmpty.embeddingModel(nil).path.hasPrefix(tree.url("pkg/models").path))
        #expect(fromEmpty.searchDirectories().map(\.lastPathComponent) == ["models", "models", "models"])
        let fromWork = ModelLocator(environment: [:], workingDirectory: tree.url("work"), executable: binary)
        #expect(try fromWork.languageModel("smollm2-135m").path.hasPrefix(tree.url("work/models").path))
    }

    @Test func embeddingModelFlagBeatsEnvironmentBeatsSearch() throws {
        let tree = try Tree(["work/models/\(Self.minilm)", "env/model.safetensors", "flag/model.safetensors", "half/vocab.txt"])
        defer { tree.cleanUp() }
        let locator = ModelLocator(environment: ["RAG_EMBEDDING_MODEL": tree.url("env").path],
                                   workingDirectory: tree.url("work"), executable: nil)
        #expect(try locator.embeddingModel(tree.url("flag")) == tree.url("flag"))
        #expect(try locator.embeddingModel(nil) == tree.url("env"))
        let searched = ModelLocator(environment: ["RAG_EMBEDDING_MODEL": ""], workingDirectory: tree.url("work"), executable: nil)
        #expect(try searched.embeddingModel(nil).path == tree.url("work/models/all-MiniLM-L6-v2").standardizedFileURL.path)
        // A given folder without the weights is an error naming it, not a fall-back to the search.
        #expect { try locator.embeddingModel(tree.url("half")) } throws: { error in
            let text = "\(error)"
            return text.contains(tree.url("half").path) && text.contains("rag models pull all-minilm-l6-v2")
        }
    }

    @Test func missingModelsNameWhereTheyWereLookedForAndTheFix() throws {
        let tree = try Tree(["project/indexes/default/", "work/"])
        defer { tree.cleanUp() }
        let locator = ModelLocator(indexDirectory: tree.url("project/indexes/default"), environment: [:],
                                   workingDirectory: tree.url("work"), executable: nil)
        #expect { try locator.languageModel(nil) } throws: { error in
            let text = "\(error)"
            return text.contains("qwen2.5-coder-0.5b-instruct.gguf") && text.contains(tree.url("project/models").path)
                && text.contains(tree.url("work/models").path) && text.contains("rag models pull qwen2.5-coder-0.5b")
                && !text.contains("\n")
        }
        #expect { try locator.embeddingModel(nil) } throws: { error in
            let text = "\(error)"
            return text.contains(tree.url("project/models/all-MiniLM-L6-v2").path) && text.contains(tree.url("work/models/all-MiniLM-L6-v2").path)
                && text.contains("rag models pull all-minilm-l6-v2") && text.contains("--no-embeddings")
        }
        #expect { try locator.languageModel("/nonexistent.gguf") } throws: { error in
            "\(error)".contains("/nonexistent.gguf") && "\(error)".contains("-m")
        }
        // Nothing installed: `rag models pull` writes to ./models.
        #expect(locator.installDirectory().path == tree.url("work/models").standardizedFileURL.path)
    }
}
