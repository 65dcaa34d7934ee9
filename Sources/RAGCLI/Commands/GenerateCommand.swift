import ArgumentParser

// Placeholder: being written.
struct GenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "generate", abstract: "(not yet available)")
    func run() async throws { throw ValidationError("'rag generate' is not available yet") }
}
