import Foundation
import Store

/// The index writes of one ingest, run in order on their own thread, one at a time, so a batch is
/// written while the next one is embedded. Each write is still one transaction of the store, in the
/// order submitted: a killed ingest leaves the index as of its last committed batch, as before.
///
/// At most one write is in flight: ``submit(_:)`` waits for the previous one to finish first, so
/// memory holds at most the batch being written and the one being built. A failed write is thrown
/// by the next ``submit(_:)`` or by ``finish()``; nothing is written after it.
final class BackgroundWrites: @unchecked Sendable {
    private let queue = DispatchQueue(label: "rag.ingest.writes", qos: .userInitiated)
    private let slot = DispatchSemaphore(value: 1)
    private let lock = NSLock()
    private var failure: Error?
    private var totals = WriteSummary(chunksAdded: 0, chunksRemoved: 0)
    private var busy = 0.0

    /// Hands `write` to the writer thread once the previous write has finished.
    /// - Throws: the error of an earlier write (this one is then not run).
    func submit(_ write: @escaping @Sendable () throws -> WriteSummary) throws {
        slot.wait()
        if let failure = lock.withLock({ failure }) {
            slot.signal()
            throw failure
        }
        queue.async { [self] in
            defer { slot.signal() }
            let started = DispatchTime.now().uptimeNanoseconds
            do {
                let summary = try write()
                lock.withLock {
                    totals.chunksAdded += summary.chunksAdded
                    totals.chunksRemoved += summary.chunksRemoved
                }
            } catch {
                lock.withLock { failure = error }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            lock.withLock { busy += seconds }
        }
    }

    /// Waits for the write in flight (if any) without reporting its outcome: for leaving early.
    func waitIdle() {
        slot.wait()
        slot.signal()
    }

    /// Waits for every write; returns what they added and removed and the seconds they took.
    /// - Throws: the first write's error.
    func finish() throws -> (summary: WriteSummary, seconds: Double) {
        waitIdle()
        return try lock.withLock {
            if let failure { throw failure }
            return (totals, busy)
        }
    }
}

/// Runs `prepare` over `inputs` in order on its own thread, at most `depth` results ahead of the
/// consumer, so reading and parsing the next files overlaps with embedding the current one while
/// memory stays bounded. Results come out in input order.
final class Prefetch<Input: Sendable, Output: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var ready: [Output] = []
    private var produced = 0, consumed = 0
    private var cancelled = false
    private let count: Int
    private let depth: Int

    init(_ inputs: [Input], depth: Int = 2, prepare: @escaping @Sendable (Input) -> Output) {
        count = inputs.count
        self.depth = max(1, depth)
        guard !inputs.isEmpty else { return }
        let thread = Thread { [self] in
            for input in inputs {
                condition.lock()
                while ready.count >= self.depth && !cancelled { condition.wait() }
                let stop = cancelled
                condition.unlock()
                if stop { return }
                let output = prepare(input)
                condition.lock()
                ready.append(output)
                produced += 1
                condition.broadcast()
                condition.unlock()
            }
        }
        thread.name = "rag.ingest.prepare"
        thread.qualityOfService = .userInitiated
        thread.start()
    }

    /// The next result in input order, waiting for it; nil after the last one (or once cancelled,
    /// when nothing prepared is left).
    func next() -> Output? {
        condition.lock()
        defer { condition.unlock() }
        guard consumed < count else { return nil }
        while ready.isEmpty {
            if cancelled { return nil }
            condition.wait()
        }
        consumed += 1
        let output = ready.removeFirst()
        condition.broadcast()
        return output
    }

    /// Stops preparing (the item being prepared finishes; nothing after it starts).
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
