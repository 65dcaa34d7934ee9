/// How text is cut into words before BPE merges run inside each word, chosen by the GGUF key
/// `tokenizer.ggml.pre`.
///
/// Each case implements the regular expression(s) that llama.cpp and Hugging Face `tokenizers`
/// use for that name, matched by hand over Unicode scalars with the leftmost, first-alternative
/// semantics of a backtracking regex engine:
/// - `gpt2`: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
/// - `smollm` (also StarCoder, Refact, Command-R, CodeShell): every `\p{N}` first becomes a piece
///   of its own, then the `gpt2` expression runs inside the remaining pieces.
/// - `qwen2`: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
/// - `llama3` (`llama-bpe`): as `qwen2` with `\p{N}{1,3}`.
public enum PreTokenizer: String, Sendable, CaseIterable {
    case gpt2
    case smollm
    case qwen2
    case llama3

    /// Maps a `tokenizer.ggml.pre` value to the pre-tokenizer, or nil for names not implemented.
    ///
    /// For example: `PreTokenizer(ggufName: "llama-bpe") == .llama3`.
    public init?(ggufName name: String) {
        switch name {
        case "gpt2", "gpt-2", "default", "mpt", "olmo", "jais": self = .gpt2
        case "smollm", "starcoder", "refact", "command-r", "codeshell": self = .smollm
        case "qwen2", "stablelm2", "deepseek-r1-qwen": self = .qwen2
        case "llama3", "llama-v3", "llama-bpe", "falcon3", "pixtral", "smaug-bpe", "dbrx": self = .llama3
        default: return nil
        }
    }

    /// Appends the end index (in scalars) of every word of `text` to `ends`, in order.
    func split(_ text: ScalarText, ends: inout [Int]) {
        let count = text.values.count
        switch self {
        case .gpt2:
            Self.splitGPT2(text, from: 0, to: count, ends: &ends)
        case .smollm:
            // First pass `\p{N}`: digits stand alone; the runs between them go through `gpt2`.
            var start = 0
            var index = 0
            while index < count {
                if text.classes[index].contains(.number) {
                    if start < index { Self.splitGPT2(text, from: start, to: index, ends: &ends) }
                    ends.append(index + 1)
                    start = index + 1
                }
                index += 1
            }
            if start < count { Self.splitGPT2(text, from: start, to: count, ends: &ends) }
        case .qwen2:
            Self.splitLlama3Style(text, maxDigits: 1, ends: &ends)
        case .llama3:
            Self.splitLlama3Style(text, maxDigits: 3, ends: &ends)
        }
    }

    /// Length of a contraction (`'s`, `'t`, `'m`, `'d`, `'re`, `'ve`, `'ll`) starting at `index`, or 0.
    @inline(__always)
    private static func contractionLength(_ values: [UInt32], _ index: Int, _ end: Int, caseInsensitive: Bool)
        -> Int
    {
        guard values[index] == 0x27, index + 1 < end else { return 0 }
        @inline(__always) func fold(_ value: UInt32) -> UInt32 {
            caseInsensitive && value >= 0x41 && value <= 0x5A ? value + 32 : value
        }
        let next = fold(values[index + 1])
        switch next {
        case 0x73, 0x74, 0x6D, 0x64: return 2  // s t m d
        default: break
        }
        guard index + 2 < end else { return 0 }
        let after = fold(values[index + 2])
        if (next == 0x72 && after == 0x65) || (next == 0x76 && after == 0x65) || (next == 0x6C && after == 0x6C) {
            return 3  // re ve ll
        }
        return 0
    }

    private static func splitGPT2(_ text: ScalarText, from start: Int, to end: Int, ends: inout [Int]) {
        let values = text.values
        let classes = text.classes
        @inline(__always) func classAt(_ index: Int) -> ScalarClass { index < end ? classes[index] : [] }
        var position = start
        while position < end {
            let contraction = contractionLength(values, position, end, caseInsensitive: false)
            if contraction > 0 {
                position += contraction
                ends.append(position)
                continue
            }
            let isSpace = values[position] == 0x20
            let lookClass = isSpace ? classAt(position + 1) : classes[position]
            if lookClass.contains(.letter) || lookClass.contains(.number) {  // ` ?\p{L}+` / ` ?\p{N}+`
                let wanted: ScalarClass = lookClass.contains(.letter) ? .letter : .number
                position += isSpace ? 1 : 0
                while classAt(position).contains(wanted) { position += 1 }
                ends.append(position)
                continue
            }
            if lookClass.isOther {  // ` ?[^\s\p{L}\p{N}]+`
                position += isSpace ? 1 : 0
                while classAt(position).isOther { position += 1 }
                ends.append(position)
                continue
            }
            var spaces = 0
            while classAt(position + spaces).contains(.whitespace) { spaces += 1 }
            if spaces > 1 && position + spaces < end {  // `\s+(?!\S)`: leave one for the next word
                position += spaces - 1
            } else if spaces > 0 {  // `\s+`
                position += spaces
            } else {
                position += 1
            }
            ends.append(position)
        }
    }

    private static func splitLlama3Style(_ text: ScalarText, maxDigits: Int, ends: inout [Int]) {
        let values = text.values
        let classes = text.classes
        let end = values.count
        @inline(__always) func classAt(_ index: Int) -> ScalarClass { index < end ? classes[index] : [] }
        @inline(__always) func isNewline(_ index: Int) -> Bool {
            index < end && (values[index] == 0x0A || values[index] == 0x0D)
        }
        var position = 0
        while position < end {
            let contraction = contractionLength(values, position, end, caseInsensitive: true)
            if contraction > 0 {
                position += contraction
                ends.append(position)
                continue
            }
            let current = classes[position]
            // `[^\r\n\p{L}\p{N}]?\p{L}+`
            if !isNewline(position) && !current.contains(.number)
                && (current.contains(.letter) || classAt(position + 1).contains(.letter))
            {
                position += 1
                while classAt(position).contains(.letter) { position += 1 }
                ends.append(position)
                continue
            }
            // `\p{N}` or `\p{N}{1,3}`
            if current.contains(.number) {
                var digits = 0
                while digits < maxDigits && classAt(position).contains(.number) {
                    position += 1
                    digits += 1
                }
                ends.append(position)
                continue
            }
            // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
            let isSpace = values[position] == 0x20
            let lookClass = isSpace ? classAt(position + 1) : current
            if lookClass.isOther {
                position += isSpace ? 1 : 0
                while classAt(position).isOther { position += 1 }
                while isNewline(position) { position += 1 }
                ends.append(position)
                continue
            }
            var spaces = 0
            var afterLastNewline = 0
            while classAt(position + spaces).contains(.whitespace) {
                if isNewline(position + spaces) { afterLastNewline = position + spaces + 1 }
                spaces += 1
            }
            if afterLastNewline > 0 {  // `\s*[\r\n]+`
                position = afterLastNewline
            } else if spaces > 1 && position + spaces < end {  // `\s+(?!\S)`
                position += spaces - 1
            } else if spaces > 0 {  // `\s+`
                position += spaces
            } else {
                position += 1
            }
            ends.append(position)
        }
    }
}
