import ArgumentParser

// Placeholder: being written.
struct TokenizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tokenize", abstract: "(not yet available)")
    func run() async throws { throw ValidationError("'rag tokenize' is not available yet") }
}
