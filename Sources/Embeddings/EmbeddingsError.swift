import Foundation

/// Everything that can go wrong loading or running an embedding model.
public enum EmbeddingsError: Error, CustomStringConvertible, Equatable {
    /// The model directory (or one of its files) does not exist.
    case modelNotFound(path: String)
    /// A file exists but could not be read.
    case unreadable(path: String, reason: String)
    /// A safetensors file is malformed (bad header, offsets outside the file, ...).
    case malformedSafeTensors(path: String, reason: String)
    /// A tensor the model needs is missing from the weights file.
    case missingTensor(name: String, path: String)
    /// A tensor has an unexpected shape or an unsupported dtype.
    case badTensor(name: String, reason: String)
    /// The vocabulary file lacks a token the tokenizer needs.
    case missingToken(token: String, path: String)
    /// config.json is missing a key or describes a model we cannot run.
    case badConfiguration(path: String, reason: String)

    public var description: String {
        switch self {
        case .modelNotFound(let path):
            return "embedding model not found at \(path): run `rag models pull all-minilm-l6-v2` or pass --embedding-model DIR"
        case .unreadable(let path, let reason):
            return "cannot read \(path): \(reason); check the file's permissions or re-run scripts/setup.sh"
        case .malformedSafeTensors(let path, let reason):
            return "malformed safetensors file \(path): \(reason); re-run scripts/setup.sh to restore it"
        case .missingTensor(let name, let path):
            return "tensor '\(name)' missing from \(path): is this a BERT (all-MiniLM-L6-v2) model?"
        case .badTensor(let name, let reason):
            return "tensor '\(name)': \(reason); the weights do not match config.json"
        case .missingToken(let token, let path):
            return "vocabulary \(path) has no '\(token)' token: is this a BERT WordPiece vocab.txt?"
        case .badConfiguration(let path, let reason):
            return "bad model configuration \(path): \(reason)"
        }
    }
}
