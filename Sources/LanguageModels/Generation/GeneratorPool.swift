import Foundation

/// Several generators over one loaded model: each has its own session (KV cache and prompt-prefix
/// cache), all share the weights, so N concurrent answers cost N caches, not N models.
///
/// A caller leases a generator for a whole piece of work (all the calls of one answer, whose
/// prompts share their instructions and passages, so the prefix cache keeps paying); when every
/// generator is leased, callers wait in arrival order.
///
/// ```swift
/// let pool = try GeneratorPool(model: LlamaModel(url: url), sessions: 2)
/// let text = try await pool.withGenerator { try await $0.complete(.chat([.user("Hi")])).text }
/// ```
public final class GeneratorPool: Sendable {
    public let model: LlamaModel
    /// Every generator of the pool, in order (the first is the one lent first).
    public let generators: [Generator]
    private let lender: Lender

    /// - Parameters:
    ///   - sessions: how many generators (at least 1).
    ///   - contextLength: KV-cache positions of each (default: the model's, at most 4096).
    public init(model: LlamaModel, sessions: Int, contextLength: Int? = nil) throws {
        self.model = model
        generators = try (0..<max(1, sessions)).map { _ in try Generator(model: model, contextLength: contextLength) }
        lender = Lender(generators)
    }

    /// Runs `body` with a generator of its own, waiting for one to be free first.
    public func withGenerator<T: Sendable>(_ body: (Generator) async throws -> T) async throws -> T {
        let generator = await lender.borrow()
        do {
            let result = try await body(generator)
            await lender.giveBack(generator)
            return result
        } catch {
            await lender.giveBack(generator)
            throw error
        }
    }

    /// Generators leased now, and callers waiting for one.
    public var load: (leased: Int, waiting: Int) {
        get async { await lender.load }
    }

    /// The free generators and the callers waiting, first come first served. The most recently
    /// returned generator is lent first (its caches are the warmest).
    private actor Lender {
        private var free: [Generator]
        private let count: Int
        private var waiting: [CheckedContinuation<Generator, Never>] = []

        init(_ generators: [Generator]) {
            free = generators.reversed()
            count = generators.count
        }

        var load: (leased: Int, waiting: Int) { (count - free.count, waiting.count) }

        func borrow() async -> Generator {
            if let generator = free.popLast() { return generator }
            return await withCheckedContinuation { waiting.append($0) }
        }

        func giveBack(_ generator: Generator) {
            if waiting.isEmpty { free.append(generator) } else { waiting.removeFirst().resume(returning: generator) }
        }
    }
}
