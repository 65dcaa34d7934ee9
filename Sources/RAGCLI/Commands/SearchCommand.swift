import ArgumentParser

// Placeholder: being written.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "search", abstract: "(not yet available)")
    func run() async throws { throw ValidationError("'rag search' is not available yet") }
}
