import ArgumentParser

// Placeholder: being written.
struct EmbedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "embed", abstract: "(not yet available)")
    func run() async throws { throw ValidationError("'rag embed' is not available yet") }
}
