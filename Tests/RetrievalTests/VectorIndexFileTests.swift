import Foundation
import Testing
@testable import Retrieval

@Suite struct VectorIndexFileTests {
    func temporaryURL() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("vectors-\(UUID().uuidString).bin")
    }

    @Test func roundTrip() throws {
        let url = temporaryURL()
        defer { try? FileManager.default.removeItem(at: url) }
        let index = VectorIndex(ids: [3, 9, 27], dimension: 2, matrix: [1, 0, 0, 1, 0.6, 0.8])
        try index.write(to: url)
        let read = try VectorIndex(contentsOf: url)
        #expect(read.ids == index.ids && read.dimension == 2 && read.matrix == index.matrix)
        try VectorIndex(ids: [], dimension: 384, matrix: []).write(to: url)   // replaces the file
        #expect(try VectorIndex(contentsOf: url).count == 0)
    }

    @Test func rejectsForeignAndTruncatedFiles() throws {
        let url = temporaryURL()
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("not a vector file at all, clearly".utf8).write(to: url)
        #expect(throws: VectorIndexError.self) { try VectorIndex(contentsOf: url) }
        try VectorIndex(ids: [1, 2], dimension: 4, matrix: [Float](repeating: 1, count: 8)).write(to: url)
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count - 4).write(to: url)
        #expect(throws: VectorIndexError.self) { try VectorIndex(contentsOf: url) }
        #expect(throws: VectorIndexError.self) { try VectorIndex(contentsOf: URL(fileURLWithPath: "/nonexistent/v.bin")) }
    }
}
