import Testing
@testable import Retrieval

private struct FixedRetriever: Retriever {
    let ids: [Int64]
    func search(_ query: String, limit: Int) throws -> [SearchHit] {
        ids.prefix(limit).enumerated().map { SearchHit(chunkID: $1, score: 100 - Double($0)) }
    }
}

@Suite struct BM25HybridFusionTests {
    @Test func reciprocalRankFusionMath() {
        let a = [1, 2, 3].map { SearchHit(chunkID: $0, score: 0) }
        let b = [3, 1, 4].map { SearchHit(chunkID: $0, score: 0) }
        let fused = HybridRetriever.fuse([a, b], k: 60, limit: 10)
        // 1: 1/61 + 1/62; 3: 1/63 + 1/61; 2: 1/62; 4: 1/63.
        #expect(fused.map(\.chunkID) == [1, 3, 2, 4])
        #expect(abs(fused[0].score - (1.0 / 61 + 1.0 / 62)) < 1e-12)
        #expect(abs(fused[1].score - (1.0 / 63 + 1.0 / 61)) < 1e-12)
        #expect(abs(fused[2].score - 1.0 / 62) < 1e-12)
        #expect(abs(fused[3].score - 1.0 / 63) < 1e-12)
    }

    @Test func tiesBreakByBestRankThenID() {
        let a = [5, 6].map { SearchHit(chunkID: $0, score: 0) }
        let b = [6, 5].map { SearchHit(chunkID: $0, score: 0) }
        #expect(HybridRetriever.fuse([a, b], k: 60, limit: 2).map(\.chunkID) == [5, 6])
        let c = [7].map { SearchHit(chunkID: $0, score: 0) }
        let d = [2].map { SearchHit(chunkID: $0, score: 0) }
        #expect(HybridRetriever.fuse([c, d], k: 60, limit: 2).map(\.chunkID) == [2, 7])
    }

    @Test func duplicatesInOneListCountOnceAndLimitApplies() {
        let a = [1, 1, 2].map { SearchHit(chunkID: $0, score: 0) }
        let fused = HybridRetriever.fuse([a], k: 1, limit: 1)
        #expect(fused.map(\.chunkID) == [1])
        #expect(abs(fused[0].score - 0.5) < 1e-12)
        #expect(HybridRetriever.fuse([a], limit: 0).isEmpty)
        #expect(HybridRetriever.fuse([], limit: 5).isEmpty)
    }

    @Test func hybridSearchFusesRetrievers() throws {
        let hybrid = HybridRetriever([FixedRetriever(ids: [10, 20, 30]), FixedRetriever(ids: [30, 40])], k: 60, candidates: 50)
        #expect(try hybrid.search("q", limit: 3).map(\.chunkID) == [30, 10, 20])
        // Each retriever contributes only its top `candidates`.
        let narrow = HybridRetriever([FixedRetriever(ids: [10, 20, 30]), FixedRetriever(ids: [30, 40])], candidates: 1)
        #expect(try narrow.search("q", limit: 1).map(\.chunkID).count == 1)
    }
}
