import Foundation
import Testing

@testable import LanguageModels

/// Each sampling filter's arithmetic on small logits, and determinism for a seed.
struct SamplerTests {
    @Test func greedyPicksTheFirstMaximum() {
        var sampler = Sampler(parameters: .greedy)
        #expect(sampler.sample([0.1, 2, -1, 2]) == 1)
    }

    @Test func repetitionPenaltyDividesPositiveAndMultipliesNegative() {
        var logits: [Float] = [2, -2, 1, 4]
        Sampler.applyRepetitionPenalty(&logits, tokens: [0, 1, 0], penalty: 2)
        #expect(logits == [1, -4, 1, 4])
        // It can change the greedy choice: 3 is penalised below 2.
        var sampler = Sampler(parameters: SamplingParameters(repeatPenalty: 3, repeatLastN: 1))
        #expect(sampler.sample([0, 0, 2, 3], recentTokens: [3]) == 2)
        // Only the last `repeatLastN` tokens count.
        #expect(sampler.sample([0, 0, 2, 3], recentTokens: [3, 0]) == 3)
    }

    @Test func topKKeepsTheKBestInOrder() {
        let candidates = Sampler.topK([0.5, 3, -1, 2, 2.5, 0], k: 3)
        #expect(candidates.map(\.id) == [1, 4, 3])
        #expect(Sampler.topK([1, 3, 2], k: 0).map(\.id) == [1, 2, 0])
    }

    @Test func topPKeepsTheSmallestNucleus() {
        // Probabilities 0.5, 0.25, 0.125, 0.125.
        let logits: [Float] = [log(0.5), log(0.25), log(0.125), log(0.125)]
        var candidates = Sampler.topK(logits, k: 0)
        Sampler.topP(&candidates, p: 0.7)
        #expect(candidates.map(\.id) == [0, 1])
        candidates = Sampler.topK(logits, k: 0)
        Sampler.topP(&candidates, p: 0.5)
        #expect(candidates.map(\.id) == [0])
    }

    @Test func minPDropsTokensBelowAFractionOfTheBest() {
        let logits: [Float] = [log(0.6), log(0.3), log(0.05), log(0.05)]
        var candidates = Sampler.topK(logits, k: 0)
        Sampler.minP(&candidates, p: 0.1)  // threshold 0.06
        #expect(candidates.map(\.id) == [0, 1])
    }

    @Test func softmaxAppliesTemperature() {
        let candidates = [Sampler.Candidate(id: 0, logit: 1), Sampler.Candidate(id: 1, logit: 0)]
        let p1 = Sampler.softmax(candidates, temperature: 1)
        #expect(abs(p1[0] - exp(1) / (exp(1) + 1)) < 1e-12)
        let p2 = Sampler.softmax(candidates, temperature: 0.5)
        #expect(abs(p2[0] - exp(2) / (exp(2) + 1)) < 1e-12)
    }

    @Test func sameSeedSameTokensAndTheDistributionIsRight() {
        let logits: [Float] = [log(0.5), log(0.3), log(0.2)]
        let parameters = SamplingParameters(temperature: 1, topK: 0, topP: 1, minP: 0, seed: 1234)
        var first = Sampler(parameters: parameters)
        var second = Sampler(parameters: parameters)
        let a = (0..<2000).map { _ in first.sample(logits) }
        let b = (0..<2000).map { _ in second.sample(logits) }
        #expect(a == b)
        var other = Sampler(parameters: SamplingParameters(temperature: 1, topK: 0, topP: 1, minP: 0, seed: 99))
        #expect((0..<2000).map { _ in other.sample(logits) } != a)
        let share = Double(a.filter { $0 == 0 }.count) / 2000
        #expect(abs(share - 0.5) < 0.05)
    }

    @Test func randomSourceIsReproducible() {
        var a = RandomSource(seed: 42)
        var b = RandomSource(seed: 42)
        #expect((0..<10).map { _ in a.next() } == (0..<10).map { _ in b.next() })
        var c = RandomSource(seed: 42)
        let unit = (0..<1000).map { _ in c.nextUnit() }
        #expect(unit.allSatisfy { $0 >= 0 && $0 < 1 })
    }
}
