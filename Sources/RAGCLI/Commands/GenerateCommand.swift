import ArgumentParser
import Foundation
import RAG
import LanguageModels

/// `rag generate PROMPT`: run the local language model on a prompt, streaming the text.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Continue a prompt (or answer a chat message) with the local language model.",
        discussion: """
            Text streams to stdout as it is generated; speeds go to stderr. Greedy by default \
            (--temp 0); generation stops at the model's end-of-turn token or after -n tokens. \
            Control-token spellings in PROMPT stay text unless --special is given.

            Examples:
              rag generate "The capital of France is" -n 16
              rag generate "List three primary colors." --chat -m smollm2-135m
              rag generate "Write a haiku about rain." --chat --temp 0.8 --top-p 0.9 -s 42 --json
            """
    )

    @Argument(help: "The prompt text (with --chat: the user's message); - reads it from stdin.")
    var prompt: String

    @Flag(name: .long, help: "Wrap PROMPT in the model's chat template as a user turn (with its default system prompt).")
    var chat = false

    @Option(name: .long, help: ArgumentHelp("System prompt for --chat (implies --chat).", valueName: "text"))
    var systemPrompt: String?

    @Option(name: [.short, .long], help: "Maximum number of tokens to generate.")
    var nPredict = 256

    @Option(name: .long, help: "Temperature; 0 is greedy.")
    var temp: Float = 0

    @Option(name: .long, help: "Top-k sampling (0 disables).")
    var topK = 40

    @Option(name: .long, help: "Top-p (nucleus) sampling (1 disables).")
    var topP: Float = 0.95

    @Option(name: .long, help: "Min-p sampling (0 disables).")
    var minP: Float = 0.05

    @Option(name: .long, help: "Repetition penalty over the last 64 tokens (1 disables).")
    var repeatPenalty: Float = 1

    @Option(name: [.short, .long], help: ArgumentHelp("Random seed (default: random).", valueName: "n"))
    var seed: UInt64?

    @Option(name: [.short, .customLong("ctx-size")], help: "Context size in tokens (default: the model's, at most 4096).")
    var contextSize: Int?

    @Option(name: [.short, .long], help: ArgumentHelp(ModelLocator.help, valueName: "path|name"))
    var model: String?

    @Flag(name: .long, help: "Parse control-token spellings (<|im_start|>) in a raw PROMPT as control tokens.")
    var special = false

    @Flag(name: .long, help: "Print {text, token_ids, prompt_token_ids, prompt_tokens_per_second, tokens_per_second} on stdout.")
    var json = false

    func validate() throws {
        guard nPredict >= 1 else { throw ValidationError("-n/--n-predict must be at least 1") }
        guard temp >= 0 else { throw ValidationError("--temp must be 0 (greedy) or more") }
        guard topP > 0 && topP <= 1 else { throw ValidationError("--top-p must be in (0, 1]") }
        guard minP >= 0 && minP <= 1 else { throw ValidationError("--min-p must be in [0, 1]") }
        guard repeatPenalty > 0 else { throw ValidationError("--repeat-penalty must be positive") }
        if let contextSize, contextSize < 16 { throw ValidationError("--ctx-size must be at least 16") }
        if special && (chat || systemPrompt != nil) {
            throw ValidationError("--special applies to a raw prompt; chat messages are always plain text")
        }
    }

    func run() async throws {
        let generator = try Generator(modelURL: try ModelLocator().languageModel(model), contextLength: contextSize)

        var prompt = self.prompt
        if prompt == "-" {
            prompt = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        let input: Prompt
        if chat || systemPrompt != nil {
            input = .chat((systemPrompt.map { [ChatMessage.system($0)] } ?? []) + [.user(prompt)])
        } else {
            input = special ? .textWithSpecialTokens(prompt) : .text(prompt)
        }
        let parameters = GenerationParameters(
            maxTokens: nPredict,
            sampling: SamplingParameters(
                temperature: temp, topK: topK, topP: topP, minP: minP, repeatPenalty: repeatPenalty, seed: seed))

        var result: GenerationResult?
        for try await event in generator.stream(input, parameters: parameters) {
            switch event {
            case .token(let token):
                if !json && !token.text.isEmpty {
                    FileHandle.standardOutput.write(Data(token.text.utf8))
                }
            case .finished(let finished):
                result = finished
            }
        }
        guard let result else { throw CLIError("generation ended without a result") }
        if json {
            struct Output: Encodable {
                var text: String
                var token_ids: [Int32]
                var prompt_token_ids: [Int32]
                var prompt_tokens_per_second: Double
                var tokens_per_second: Double
                var stop_reason: String
            }
            try Terminal.printJSON(Output(
                text: result.text, token_ids: result.tokenIDs, prompt_token_ids: result.promptTokenIDs,
                prompt_tokens_per_second: result.promptTokensPerSecond, tokens_per_second: result.tokensPerSecond,
                stop_reason: result.stopReason.rawValue))
            return
        }
        FileHandle.standardOutput.write(Data("\n".utf8))
        Terminal.error(String(
            format: "prompt: %d tokens, %.1f tokens/s; generated: %d tokens, %.1f tokens/s (%@)",
            result.promptTokenIDs.count, result.promptTokensPerSecond, result.tokenIDs.count,
            result.tokensPerSecond, Self.describe(result.stopReason)))
    }

    private static func describe(_ reason: StopReason) -> String {
        switch reason {
        case .endOfGeneration: return "end of turn"
        case .stopSequence: return "stop sequence"
        case .maxTokens: return "token limit"
        case .contextFull: return "context full"
        case .cancelled: return "cancelled"
        }
    }
}
