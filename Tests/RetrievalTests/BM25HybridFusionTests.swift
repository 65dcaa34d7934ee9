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

    @Test func convexCombinationNormalisesEachList() {
        // BM25-like scores (large) and cosines (small) count equally once normalised.
        let bm25 = [SearchHit(chunkID: 1, score: 20), SearchHit(chunkID: 2, score: 15), SearchHit(chunkID: 3, score: 10)]
        let dense = [SearchHit(chunkID: 3, score: 0.9), SearchHit(chunkID: 4, score: 0.8), SearchHit(chunkID: 1, score: 0.5)]
        let fused = HybridRetriever.combine([bm25, dense], weights: [0.5, 0.5], limit: 10)
        // 1: 0.5·1 + 0.5·0 = 0.5; 3: 0 + 0.5; 2: 0.25; 4: 0.5·0.75 = 0.375. Ties by chunk id.
        #expect(fused.map(\.chunkID) == [1, 3, 4, 2])
        #expect(abs(fused[2].score - 0.375) < 1e-12 && abs(fused[3].score - 0.25) < 1e-12)
        // Unlike ranks, score gaps matter: 6 is a near-tie for first in both lists. Convex puts it
        // first (0.5·8.9/9 + 0.5·0.75/0.8); RRF puts it last (2/62 < 1/61 + 1/63).
        let close = [SearchHit(chunkID: 5, score: 10.0), SearchHit(chunkID: 6, score: 9.9), SearchHit(chunkID: 7, score: 1)]
        let sharp = [SearchHit(chunkID: 7, score: 0.9), SearchHit(chunkID: 6, score: 0.85), SearchHit(chunkID: 5, score: 0.1)]
        #expect(HybridRetriever.combine([close, sharp], weights: [0.5, 0.5], limit: 3).map(\.chunkID).first == 6)
        #expect(HybridRetriever.fuse([close, sharp], k: 60, limit: 3).map(\.chunkID).last == 6)
        // Weights pick a side; one-element and empty lists are safe.
        #expect(HybridRetriever.combine([bm25, dense], weights: [1, 0], limit: 1).map(\.chunkID) == [1])
        #expect(HybridRetriever.combine([bm25, dense], weights: [0, 1], limit: 1).map(\.chunkID) == [3])
        #expect(HybridRetriever.combine([[SearchHit(chunkID: 9, score: 3)], []], weights: [0.5, 0.5], limit: 5).map(\.chunkID) == [9])
        #expect(HybridRetriever.combine([], weights: [], limit: 5).isEmpty)
    }

    @Test func hybridSearchCanUseEitherFusion() throws {
        let lists = [FixedRetriever(ids: [10, 20, 30]), FixedRetriever(ids: [30, 40])]
        let convex = HybridRetriever(lists, fusion: .convex(weights: [0.5, 0.5]))
        // 30: 0.5·0 + 0.5·1; 10: 0.5·1; tie broken by id; then 20 (0.25), 40 (0).
        #expect(try convex.search("q", limit: 4).map(\.chunkID) == [10, 30, 20, 40])
        #expect(convex.fusion != HybridRetriever(lists).fusion)
    }
}
