/// Errors building a tokenizer from model metadata, rendering a chat, or naming a special token.
public enum TokenizerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A metadata key the tokenizer needs is absent.
    case missingMetadata(key: String)
    /// `tokenizer.ggml.model` names a tokenizer kind this implementation does not have.
    case unsupportedModel(String)
    /// `tokenizer.ggml.pre` names a pre-tokenizer this implementation does not have.
    case unsupportedPreTokenizer(String)
    /// Two parallel metadata arrays disagree in length.
    case inconsistentMetadata(String)
    /// A merge line is not two spellings separated by one space.
    case malformedMerge(index: Int, text: String)
    /// A special token named by a chat template or a caller is not in the vocabulary.
    case unknownSpecialToken(String)
    /// A token id is outside the vocabulary.
    case tokenOutOfRange(id: Int32, vocabularySize: Int)

    public var description: String {
        switch self {
        case .missingMetadata(let key):
            return "the model file has no tokenizer metadata '\(key)'; it needs a GGUF converted with its tokenizer"
        case .unsupportedModel(let name):
            return "tokenizer kind '\(name)' is not supported (byte-level BPE 'gpt2' and SentencePiece 'llama' are); use a Llama, Mistral, Qwen2 or SmolLM2 GGUF"
        case .unsupportedPreTokenizer(let name):
            return "pre-tokenizer '\(name)' is not supported (known: smollm, qwen2, llama-bpe, gpt2 and their aliases)"
        case .inconsistentMetadata(let detail):
            return "inconsistent tokenizer metadata: \(detail); the GGUF file may be damaged"
        case .malformedMerge(let index, let text):
            return "merge #\(index) '\(text)' is not two tokens separated by a space; the GGUF file may be damaged"
        case .unknownSpecialToken(let text):
            return "special token '\(text)' is not in this model's vocabulary; check the chat template or the model"
        case .tokenOutOfRange(let id, let size):
            return "token id \(id) is outside the vocabulary (0..<\(size))"
        }
    }
}
