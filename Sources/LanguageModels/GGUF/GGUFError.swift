/// Errors reading a GGUF model file or building a model from it.
public enum GGUFError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file could not be opened or mapped.
    case cannotOpen(path: String, reason: String)
    /// The file does not start with the `GGUF` magic.
    case notGGUF(path: String)
    /// The GGUF version is one this reader does not know.
    case unsupportedVersion(path: String, version: Int)
    /// The file ends before a structure it announces.
    case truncated(path: String, offset: Int, what: String)
    /// A structure holds an impossible value (bad metadata type, length, alignment...).
    case malformed(path: String, offset: Int, reason: String)
    /// A tensor uses a GGML type number this reader does not know, or one the model cannot compute with.
    case unsupportedTensorType(tensor: String, type: String)
    /// A tensor the model needs is absent.
    case missingTensor(name: String)
    /// A tensor has another shape than the configuration implies.
    case tensorShapeMismatch(name: String, expected: [Int], found: [Int])
    /// A metadata key the model needs is absent or has the wrong type.
    case missingMetadata(key: String)
    /// `general.architecture` names a model family with no implementation here.
    case unknownArchitecture(String)
    /// A metadata value is out of range for the model (e.g. heads not dividing the width).
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "cannot open model file \(path): \(reason); check the path and permissions"
        case .notGGUF(let path):
            return "\(path) is not a GGUF file (bad magic); pass a .gguf model such as models/SmolLM2-135M-Instruct.Q4_1.gguf"
        case .unsupportedVersion(let path, let version):
            return "\(path) has GGUF version \(version); only versions 2 and 3 are supported, convert it with a recent llama.cpp"
        case .truncated(let path, let offset, let what):
            return "\(path) is truncated: \(what) at byte \(offset) runs past the end of the file; re-download or re-assemble it"
        case .malformed(let path, let offset, let reason):
            return "\(path) is malformed at byte \(offset): \(reason)"
        case .unsupportedTensorType(let tensor, let type):
            return "tensor \(tensor) has unsupported type \(type); use a model quantized as F32, F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K or Q6_K"
        case .missingTensor(let name):
            return "the model file has no tensor \(name); it is not a complete model of its architecture"
        case .tensorShapeMismatch(let name, let expected, let found):
            return "tensor \(name) has shape \(found) but the metadata implies \(expected); the file is inconsistent"
        case .missingMetadata(let key):
            return "the model file lacks metadata key \(key) (or it has the wrong type)"
        case .unknownArchitecture(let name):
            return "model architecture '\(name)' is not supported; supported: llama, mistral, qwen2"
        case .invalidConfiguration(let reason):
            return "invalid model configuration: \(reason)"
        }
    }
}
