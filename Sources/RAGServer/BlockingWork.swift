import Foundation

/// Threads for work that blocks (a search computes for milliseconds, and waits while concurrent
/// searches' queries are embedded as one batch): run here, it leaves Swift's cooperative threads,
/// one per core, free for the server's I/O, and lets enough searches be in flight at once to batch.
final class BlockingWork: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []

    init(threads: Int) {
        for i in 0..<max(1, threads) {
            let thread = Thread { [unowned self] in self.serve() }
            thread.name = "rag.search.\(i)"
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    private func serve() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }

    /// Runs `work` on one of the threads and returns its result.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            jobs.append { continuation.resume(with: Result { try work() }) }
            condition.signal()
            condition.unlock()
        }
    }
}
