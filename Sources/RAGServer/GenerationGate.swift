import DequeModule

/// A fair, bounded queue in front of the language model: `slots` answers run at once, at most
/// `queueLimit` more wait in arrival order, and one beyond that is refused at once (the server
/// answers 429) instead of piling up. Waiting suspends the task; it never blocks a thread.
public actor GenerationGate {
    public struct Full: Error, Sendable {
        public var waiting: Int
    }

    public let slots: Int
    public let queueLimit: Int
    private var running = 0
    private var waiters = Deque<CheckedContinuation<Void, Never>>()

    public init(slots: Int, queueLimit: Int) {
        self.slots = max(1, slots)
        self.queueLimit = max(0, queueLimit)
    }

    /// Answers running and waiting now.
    public var load: (running: Int, waiting: Int) { (running, waiters.count) }

    /// Takes a slot, waiting in line for one; throws ``Full`` when the line is full.
    public func acquire() async throws {
        if running < slots {
            running += 1
            return
        }
        guard waiters.count < queueLimit else { throw Full(waiting: waiters.count) }
        await withCheckedContinuation { waiters.append($0) }
        // The slot was handed over by `release` (running stays counted).
    }

    /// Gives the slot back, to the longest-waiting task if there is one.
    public func release() {
        if let next = waiters.popFirst() {
            next.resume()
        } else {
            running = max(0, running - 1)
        }
    }

    /// Runs `body` holding a slot.
    public func withSlot<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await acquire()
        do {
            let value = try await body()
            release()
            return value
        } catch {
            release()
            throw error
        }
    }
}
