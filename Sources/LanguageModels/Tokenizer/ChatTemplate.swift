import Foundation

/// Who speaks a chat message.
public enum ChatRole: String, Sendable, Codable, CaseIterable {
    case system, user, assistant
}

/// One message of a chat prompt.
public struct ChatMessage: Sendable, Equatable, Codable {
    public var role: ChatRole
    public var content: String

    public init(role: ChatRole, content: String) {
        self.role = role
        self.content = content
    }

    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: .system, content: content) }
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: .user, content: content) }
    public static func assistant(_ content: String) -> ChatMessage { ChatMessage(role: .assistant, content: content) }
}

/// A model's chat format, recognised from its `tokenizer.chat_template` text (no Jinja engine:
/// the common families are rendered by hand).
///
/// Rendering gives `PromptSegment`s: the format's control tokens as `.special`, message contents
/// as `.text`, so a message containing `<|im_end|>` can never close its turn early.
///
/// For example:
/// ```swift
/// let template = ChatTemplate(gguf: file)            // .chatML, Qwen's default system prompt
/// let ids = try tokenizer.encode(template.render([.user("List three primary colors.")]), addSpecial: true)
/// ```
public struct ChatTemplate: Sendable, Equatable {
    /// The chat formats rendered here.
    public enum Family: String, Sendable, CaseIterable {
        /// `<|im_start|>role\n…<|im_end|>\n` (Qwen, SmolLM, many others).
        case chatML
        /// `<|start_header_id|>role<|end_header_id|>\n\n…<|eot_id|>` (Llama 3.x).
        case llama3
        /// `<start_of_turn>user\n…<end_of_turn>\n` (Gemma; the system prompt joins the first user turn).
        case gemma
        /// `[INST] … [/INST]` (Mistral, Llama 2; a system prompt joins the first user turn, inside
        /// `<<SYS>>` for Llama 2).
        case mistral
    }

    public let family: Family
    /// The system prompt used when the messages bring none (from the template text), if any.
    public let defaultSystemPrompt: String?
    /// Llama 3.1+ templates open the system turn with a knowledge-cutoff preamble.
    let llamaDatePreamble: Bool
    /// Llama 2 templates wrap the system prompt in `<<SYS>>`.
    let llama2System: Bool

    public init(family: Family, defaultSystemPrompt: String? = nil) {
        self.family = family
        self.defaultSystemPrompt = defaultSystemPrompt
        self.llamaDatePreamble = false
        self.llama2System = false
    }

    /// Recognises the family from a Jinja chat template; nil or unknown text gives ChatML with no
    /// default system prompt (as llama.cpp falls back to ChatML).
    public init(template: String?) {
        let text = template ?? ""
        llama2System = text.contains("<<SYS>>")
        if text.contains("[INST]") && !text.contains("<|im_start|>") {
            family = .mistral
            defaultSystemPrompt = nil
            llamaDatePreamble = false
        } else if text.contains("<|start_header_id|>") {
            family = .llama3
            defaultSystemPrompt = nil
            llamaDatePreamble = text.contains("Cutting Knowledge Date")
        } else if text.contains("<start_of_turn>") {
            family = .gemma
            defaultSystemPrompt = nil
            llamaDatePreamble = false
        } else {
            family = .chatML
            defaultSystemPrompt = Self.chatMLDefaultSystemPrompt(in: text)
            llamaDatePreamble = false
        }
    }

    /// The chat template of a GGUF file (`tokenizer.chat_template`).
    public init(gguf file: GGUFFile) {
        self.init(template: file.string("tokenizer.chat_template"))
    }

    /// Renders `messages`, ending with the assistant's turn opening when `addGenerationPrompt`.
    /// The default system prompt is added when the first message is not a system message.
    public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool = true) -> [PromptSegment] {
        var messages = messages
        if messages.first?.role != .system, let system = defaultSystemPrompt {
            messages.insert(.system(system), at: 0)
        }
        var out: [PromptSegment] = []
        switch family {
        case .chatML:
            for message in messages {
                out += [.special("<|im_start|>"), .text(message.role.rawValue + "\n" + message.content),
                        .special("<|im_end|>"), .text("\n")]
            }
            if addGenerationPrompt { out += [.special("<|im_start|>"), .text("assistant\n")] }
        case .llama3:
            // Contents are trimmed, as the Llama 3 templates do; the 3.1+ preamble is not.
            var system = messages.first?.role == .system ? Self.trimmed(messages.removeFirst().content) : nil
            if llamaDatePreamble {
                system = "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n" + (system ?? "")
            }
            var turns = messages.map { ($0.role.rawValue, Self.trimmed($0.content)) }
            if let system { turns.insert(("system", system), at: 0) }
            for (role, content) in turns {
                out += [.special("<|start_header_id|>"), .text(role), .special("<|end_header_id|>"),
                        .text("\n\n" + content), .special("<|eot_id|>")]
            }
            if addGenerationPrompt {
                out += [.special("<|start_header_id|>"), .text("assistant"), .special("<|end_header_id|>"), .text("\n\n")]
            }
        case .gemma:
            var system: String?
            if messages.first?.role == .system { system = messages.removeFirst().content }
            for (index, message) in messages.enumerated() {
                let role = message.role == .assistant ? "model" : "user"
                var content = Self.trimmed(message.content)
                if index == 0, let system { content = system + "\n\n" + content }
                out += [.special("<start_of_turn>"), .text(role + "\n" + content), .special("<end_of_turn>"), .text("\n")]
            }
            if addGenerationPrompt { out += [.special("<start_of_turn>"), .text("model\n")] }
        case .mistral:
            var system: String?
            if messages.first?.role == .system { system = messages.removeFirst().content }
            var firstUser = true
            for message in messages {
                if message.role == .assistant {
                    out += [.text(" " + Self.trimmed(message.content)), .marker("</s>")]
                    continue
                }
                var content = Self.trimmed(message.content)
                if firstUser, let system {
                    content = llama2System ? "<<SYS>>\n\(system)\n<</SYS>>\n\n" + content : system + "\n\n" + content
                }
                firstUser = false
                out += [.marker("[INST]"), .text(" " + content + " "), .marker("[/INST]")]
            }
        }
        return out
    }

    /// Renders a single user turn after an optional system prompt (the default one when nil).
    public func render(user: String, system: String? = nil) -> [PromptSegment] {
        render(system.map { [.system($0), .user(user)] } ?? [.user(user)])
    }

    private static func trimmed(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }

    /// Finds a literal `<|im_start|>system\n…<|im_end|>` in the template: the system prompt it
    /// inserts when the conversation has none.
    static func chatMLDefaultSystemPrompt(in template: String) -> String? {
        let marker = "<|im_start|>system"
        var rest = Substring(template)
        while let range = rest.range(of: marker) {
            rest = rest[range.upperBound...]
            var body = rest
            if body.hasPrefix("\\n") {
                body = body.dropFirst(2)
            } else if body.hasPrefix("\n") {
                body = body.dropFirst()
            } else {
                continue
            }
            guard let end = body.range(of: "<|im_end|>") else { continue }
            let literal = body[..<end.lowerBound]
            // Inside one string literal only: no quotes, no Jinja expressions.
            if literal.isEmpty || literal.contains("'") || literal.contains("\"") || literal.contains("{") { continue }
            return literal.replacingOccurrences(of: "\\n", with: "\n")
        }
        return nil
    }
}
