import ArgumentParser
import Foundation
import RAG
import LanguageModels

/// `rag tokenize TEXT`: show how a model's tokenizer splits text.
struct TokenizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Show the token ids a model's tokenizer gives for some text.",
        discussion: """
            Text is tokenized as plain text: control-token spellings such as <|im_end|> stay \
            text unless --special is given. BOS is added when the model's metadata asks for it.

            Examples:
              rag tokenize "Hello, world!"
              rag tokenize "<|im_start|>user" --special -m smollm2-135m --json
            """
    )

    @Argument(help: "The text to tokenize (omit with --file).")
    var text: String?

    @Option(name: .long, help: ArgumentHelp("Read the text from this file instead.", valueName: "path"))
    var file: String?

    @Option(name: [.short, .long], help: ArgumentHelp(ModelLocator.help, valueName: "path|name"))
    var model: String?

    @Flag(name: .long, help: "Parse control-token spellings (<|im_start|>) in the text as control tokens.")
    var special = false

    @Flag(name: .long, help: "Print {\"ids\":[...]} on stdout.")
    var json = false

    @Flag(name: .long, help: "Print the tokenizer's load time and speed on stderr.")
    var timing = false

    @Option(name: .long, help: ArgumentHelp("With --timing: tokenize this many times, report the median.", valueName: "n"))
    var `repeat` = 1

    func validate() throws {
        if (text == nil) == (file == nil) { throw ValidationError("give either TEXT or --file PATH") }
        guard `repeat` >= 1 else { throw ValidationError("--repeat must be at least 1") }
    }

    func run() async throws {
        let input: String
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CLIError("cannot read \(file); check the path")
            }
            input = String(decoding: data, as: UTF8.self)
        } else {
            input = text ?? ""
        }
        let url = try ModelLocator().languageModel(model)
        let loadStart = DispatchTime.now().uptimeNanoseconds
        let tokenizer = try makeTokenizer(gguf: try GGUFFile(url: url))
        let loaded = DispatchTime.now().uptimeNanoseconds
        var ids: [Int32] = []
        var durations: [Double] = []
        for _ in 0..<`repeat` {
            let start = DispatchTime.now().uptimeNanoseconds
            ids = tokenizer.encode(input, parseSpecial: special, addSpecial: true)
            durations.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        if timing {
            let milliseconds = durations.sorted()[durations.count / 2]
            Terminal.error(String(
                format: "load %.1f ms; %d bytes -> %d tokens in %.3f ms (%.1f KB/ms)",
                Double(loaded - loadStart) / 1e6, input.utf8.count, ids.count, milliseconds,
                Double(input.utf8.count) / 1024 / max(milliseconds, 1e-9)))
        }
        if json {
            struct Output: Encodable { var ids: [Int32] }
            try Terminal.printJSON(Output(ids: ids))
            return
        }
        for id in ids {
            let piece = String(decoding: tokenizer.pieceBytes(id, renderSpecial: true), as: UTF8.self)
            print("\(id)\t\(piece.debugDescription)")
        }
    }
}
