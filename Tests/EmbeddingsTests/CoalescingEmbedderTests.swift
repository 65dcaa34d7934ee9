import Foundation
import Testing

@testable import Embeddings

/// A stand-in model whose vector of a text is a function of the text: each call takes a while and
/// is recorded, to see batches form.
final class RecordingEmbedder: Embedder, @unchecked Sendable {
    let modelID = "recording"
    let dimension = 2
    private let lock = NSLock()
    private(set) var batches: [Int] = []

    func embed(_ texts: [String]) throws -> [[Float]] {
        lock.withLock { batches.append(texts.count) }
        Thread.sleep(forTimeInterval: 0.05)
        return texts.map { [Float($0.utf8.count), Float($0.utf8.first ?? 0)] }
    }
}

struct CoalescingEmbedderTests {
    @Test func concurrentCallersShareBatchesAndEachGetsItsOwnVectors() throws {
        let base = RecordingEmbedder()
        let coalescing = CoalescingEmbedder(base, maxBatch: 8)
        let texts = (0..<24).map { "query number \($0) " + String(repeating: "x", count: $0) }
        let results = ResultBox(count: texts.count)
        DispatchQueue.concurrentPerform(iterations: texts.count) { i in
            results.set(i, try? coalescing.embed([texts[i]]))
        }
        for (i, text) in texts.enumerated() {
            #expect(results.get(i) == [[Float(text.utf8.count), Float(text.utf8.first!)]])
        }
        // 24 callers, batches of at most 8: fewer model calls than callers whenever they overlap.
        #expect(base.batches.reduce(0, +) == 24)
        #expect(base.batches.allSatisfy { $0 <= 8 })
        #expect(base.batches.count < 24 || ProcessInfo.processInfo.activeProcessorCount == 1)
    }

    @Test func aLoneCallerGoesAtOnceAndErrorsReachEveryoneInTheBatch() throws {
        let base = RecordingEmbedder()
        let coalescing = CoalescingEmbedder(base)
        #expect(try coalescing.embed(["a", "bb"]) == [[1, 97], [2, 98]])
        #expect(base.batches == [2])
        #expect(try coalescing.embed([]) == [])
        struct Broken: Embedder { let modelID = "broken"; let dimension = 2
            func embed(_ texts: [String]) throws -> [[Float]] { throw EmbeddingsError.modelNotFound(path: "/nowhere") } }
        #expect(throws: EmbeddingsError.self) { try CoalescingEmbedder(Broken()).embed(["x"]) }
    }
}

final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [[[Float]]?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: [[Float]]?) { lock.withLock { values[i] = value } }
    func get(_ i: Int) -> [[Float]]? { lock.withLock { values[i] } }
}
