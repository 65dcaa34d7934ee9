import Foundation
import Store
import Testing

@testable import RAG

/// The ingest's stages: writes run in submission order, one at a time, and a failure stops the
/// rest; prepared items come out in input order, never more than `depth` ahead of the consumer.
@Suite struct IngestPipelineTests {
    final class Log: @unchecked Sendable {
        let lock = NSLock()
        var events: [String] = []
        var inFlight = 0, maxInFlight = 0
        func add(_ e: String) { lock.withLock { events.append(e) } }
    }

    struct Boom: Error {}

    @Test func writesRunInOrderOneAtATime() throws {
        let log = Log()
        let writes = BackgroundWrites()
        for i in 0..<20 {
            try writes.submit {
                log.lock.withLock { log.inFlight += 1; log.maxInFlight = max(log.maxInFlight, log.inFlight) }
                usleep(useconds_t(i % 3 * 500))
                log.add("w\(i)")
                log.lock.withLock { log.inFlight -= 1 }
                return WriteSummary(chunksAdded: i, chunksRemoved: 1)
            }
        }
        let done = try writes.finish()
        #expect(log.events == (0..<20).map { "w\($0)" })
        #expect(log.maxInFlight == 1)
        #expect(done.summary == WriteSummary(chunksAdded: 190, chunksRemoved: 20))
    }

    @Test func aFailedWriteStopsTheRestAndIsThrown() throws {
        let log = Log()
        let writes = BackgroundWrites()
        try writes.submit { log.add("a"); return WriteSummary(chunksAdded: 1, chunksRemoved: 0) }
        try writes.submit { throw Boom() }
        writes.waitIdle()
        #expect(throws: Boom.self) { try writes.submit { log.add("never"); return WriteSummary(chunksAdded: 1, chunksRemoved: 0) } }
        #expect(throws: Boom.self) { _ = try writes.finish() }
        #expect(log.events == ["a"])
    }

    @Test func prefetchKeepsOrderAndStaysBounded() {
        let log = Log()
        let prefetch = Prefetch(Array(0..<50), depth: 2) { i -> Int in
            log.add("p\(i)")
            return i * i
        }
        var got: [Int] = []
        while let next = prefetch.next() {
            usleep(200)
            // Never more than depth prepared beyond what was taken (plus the one being prepared).
            let prepared = log.lock.withLock { log.events.count }
            #expect(prepared <= got.count + 1 + 2 + 1)
            got.append(next)
        }
        #expect(got == (0..<50).map { $0 * $0 })
        #expect(prefetch.next() == nil)
    }

    @Test func cancelledPrefetchStops() {
        let log = Log()
        let prefetch = Prefetch(Array(0..<1000), depth: 1) { i -> Int in log.add("p\(i)"); return i }
        #expect(prefetch.next() == 0)
        prefetch.cancel()
        usleep(20_000)
        #expect(log.lock.withLock { log.events.count } < 10)
    }

    @Test func progressCountsTheEmbeddedShareOfTheCurrentFile() {
        var p = IngestProgress(filesDone: 0, filesTotal: 1, bytesDone: 0, bytesTotal: 1000, chunksAdded: 400,
                               chunksEmbedded: 100, elapsed: 1, currentPath: "wiki.jsonl")
        #expect(p.fraction == 0)   // not parsed yet
        p.currentBytes = 1000; p.currentChunks = 400; p.currentChunksEmbedded = 100
        #expect(abs(p.fraction - 0.25) < 1e-12)
        p.filesDone = 1; p.bytesDone = 1000; p.currentChunks = 0
        #expect(p.fraction == 1)
    }
}
