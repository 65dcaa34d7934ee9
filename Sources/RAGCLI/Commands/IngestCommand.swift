import ArgumentParser

// Placeholder: being written.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ingest", abstract: "(not yet available)")
    func run() async throws { throw ValidationError("'rag ingest' is not available yet") }
}
