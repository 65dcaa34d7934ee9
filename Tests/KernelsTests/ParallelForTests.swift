import Foundation
import Testing

@testable import Kernels

/// ParallelFor on the kernels' pool: every index exactly once, whatever joins; nested calls and calls
/// from several threads at once (they run inline when the pool is busy) finish and cover everything.
@Suite struct ParallelForTests {
    final class Counts: @unchecked Sendable {
        let lock = NSLock()
        var hits: [Int]
        init(_ n: Int) { hits = [Int](repeating: 0, count: n) }
        func add(_ range: Range<Int>) { lock.withLock { for i in range { hits[i] += 1 } } }
    }

    @Test(arguments: [1, 2, 7, 100, 10_001])
    func coversEveryIndexOnce(count: Int) {
        for workers in [1, 2, 3, 16] {
            let counts = Counts(count)
            ParallelFor.ranges(count, workers: workers) { counts.add($0) }
            #expect(counts.hits.allSatisfy { $0 == 1 }, "count \(count) workers \(workers)")
        }
    }

    @Test func nestedCallsFinish() {
        let counts = Counts(64 * 64)
        ParallelFor.ranges(64, workers: 4) { outer in
            for i in outer {
                ParallelFor.ranges(64, workers: 4) { inner in counts.add((i * 64 + inner.lowerBound)..<(i * 64 + inner.upperBound)) }
            }
        }
        #expect(counts.hits.allSatisfy { $0 == 1 })
    }

    @Test func concurrentCallersEachCoverTheirLoop() {
        let callers = 6, n = 5_000
        let all = (0..<callers).map { _ in Counts(n) }
        DispatchQueue.concurrentPerform(iterations: callers) { c in
            for _ in 0..<20 { ParallelFor.ranges(n / 20, workers: 4) { all[c].add($0) } }
        }
        for counts in all { #expect(counts.hits.prefix(n / 20).allSatisfy { $0 == 20 }) }
    }
}
