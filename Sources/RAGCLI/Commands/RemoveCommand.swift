import ArgumentParser

// Placeholder: being written.
struct RemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "(not yet available)")
    func run() async throws { throw ValidationError("'rag remove' is not available yet") }
}
