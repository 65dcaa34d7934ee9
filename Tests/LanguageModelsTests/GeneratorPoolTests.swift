import Foundation
import TestSupport
import Testing

@testable import LanguageModels

/// Several sessions over one model: they run at the same time, each with its own cache (their
/// answers are what one session alone gives), and callers beyond the pool wait their turn.
@Suite(.serialized)
struct GeneratorPoolTests {
    static let prompts: [Prompt] = [.chat([.user("Name three colours.")]), .chat([.user("What is two plus two?")])]
    static let parameters = GenerationParameters(maxTokens: 12)

    /// Waits (up to 60 s) until `condition` holds.
    static func eventually(_ condition: () async -> Bool) async -> Bool {
        for _ in 0..<6000 {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test(.requires(TestModels.smolLM)) func sessionsShareTheWeightsRunTogetherAndKeepTheirOwnCaches() async throws {
        let model = try LlamaModel(url: TestModels.smolLM)
        let alone = try Generator(model: model)
        let expected = try Self.prompts.map { try alone.generate($0, parameters: Self.parameters).text }

        let pool = try GeneratorPool(model: model, sessions: 2, contextLength: 1024)
        #expect(pool.generators.count == 2)
        #expect(pool.generators[0] !== pool.generators[1])
        let texts = try await withThrowingTaskGroup(of: (Int, String, Bool).self) { group in
            for (i, prompt) in Self.prompts.enumerated() {
                group.addTask {
                    try await pool.withGenerator { generator in
                        // Both leases are held at once before either generates.
                        let together = await Self.eventually { await pool.load.leased == 2 }
                        // Fill this session's cache with another prompt first: a shared cache would
                        // hand the other task a wrong prefix.
                        _ = try await generator.complete(Self.prompts[1 - i], parameters: Self.parameters)
                        return (i, try await generator.complete(prompt, parameters: Self.parameters).text, together)
                    }
                }
            }
            var texts = ["", ""]
            for try await (i, text, together) in group {
                #expect(together, "both sessions leased at the same time")
                texts[i] = text
            }
            return texts
        }
        #expect(texts == expected)
        #expect(await pool.load.leased == 0)
    }

    @Test(.requires(TestModels.smolLM)) func callersBeyondThePoolWaitInOrder() async throws {
        let pool = try GeneratorPool(model: LlamaModel(url: TestModels.smolLM), sessions: 1, contextLength: 512)
        let order = OrderLog()
        let release = AsyncStream<Void>.makeStream()
        let first = Task {
            try await pool.withGenerator { _ in
                await order.add("first")
                for await _ in release.stream { break }
            }
        }
        #expect(await Self.eventually { await pool.load.leased == 1 })
        let second = Task { try await pool.withGenerator { _ in await order.add("second") } }
        #expect(await Self.eventually { await pool.load.waiting == 1 })
        #expect(await order.entries == ["first"])
        release.continuation.yield()
        try await first.value
        try await second.value
        #expect(await order.entries == ["first", "second"])
        let load = await pool.load
        #expect(load.leased == 0 && load.waiting == 0)
    }
}

actor OrderLog {
    private(set) var entries: [String] = []
    func add(_ entry: String) { entries.append(entry) }
}
