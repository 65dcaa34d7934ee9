import Testing
@testable import RAGServer

@Suite struct GenerationGateTests {
    @Test func runsSlotsAtOnceQueuesInOrderAndRefusesBeyondTheQueue() async throws {
        let gate = GenerationGate(slots: 1, queueLimit: 2)
        try await gate.acquire()
        let order = Recorder()
        let first = Task { try await gate.acquire(); await order.add(1) }
        while await gate.load.waiting < 1 { await Task.yield() }
        let second = Task { try await gate.acquire(); await order.add(2) }
        while await gate.load.waiting < 2 { await Task.yield() }
        // The line is full: a third is refused at once.
        await #expect(throws: GenerationGate.Full.self) { try await gate.acquire() }
        await gate.release()  // hands the slot to the first in line
        try await first.value
        #expect(await order.values == [1])
        await gate.release()
        try await second.value
        #expect(await order.values == [1, 2])
        await gate.release()
        let load = await gate.load
        #expect(load.running == 0 && load.waiting == 0)
    }

    @Test func withSlotReleasesOnError() async throws {
        struct Boom: Error {}
        let gate = GenerationGate(slots: 1, queueLimit: 0)
        await #expect(throws: Boom.self) { try await gate.withSlot { throw Boom() } }
        #expect(await gate.load.running == 0)
        let value = try await gate.withSlot { 7 }
        #expect(value == 7)
    }
}

actor Recorder {
    var values: [Int] = []
    func add(_ v: Int) { values.append(v) }
}
