import Foundation

/// Chooses next tokens from logits according to `SamplingParameters`, deterministically for a seed.
///
/// For example:
/// ```swift
/// var sampler = Sampler(parameters: SamplingParameters(temperature: 0.8, seed: 7))
/// let next = sampler.sample(logits, recentTokens: history)
/// ```
public struct Sampler: Sendable {
    /// A token and its (possibly adjusted) logit.
    public struct Candidate: Sendable, Equatable {
        public var id: Int32
        public var logit: Float
        public init(id: Int32, logit: Float) {
            self.id = id
            self.logit = logit
        }
    }

    public let parameters: SamplingParameters
    private var random: RandomSource

    public init(parameters: SamplingParameters) {
        self.parameters = parameters
        self.random = RandomSource(seed: parameters.seed ?? UInt64.random(in: .min ... .max))
    }

    /// Picks the next token.
    ///
    /// - Parameters:
    ///   - logits: one score per vocabulary entry.
    ///   - recentTokens: the tokens so far (prompt and generated); the last `repeatLastN` are penalised.
    public mutating func sample(_ logits: [Float], recentTokens: [Int32] = []) -> Int32 {
        precondition(!logits.isEmpty, "sampling needs at least one logit")
        var logits = logits
        if parameters.repeatPenalty != 1, parameters.repeatLastN != 0 {
            let window = parameters.repeatLastN < 0 ? recentTokens[...] : recentTokens.suffix(parameters.repeatLastN)
            Self.applyRepetitionPenalty(&logits, tokens: window, penalty: parameters.repeatPenalty)
        }
        if parameters.temperature <= 0 { return Self.argmax(logits) }

        var candidates = Self.topK(logits, k: parameters.topK)
        Self.topP(&candidates, p: parameters.topP)
        Self.minP(&candidates, p: parameters.minP)
        let probabilities = Self.softmax(candidates, temperature: parameters.temperature)
        let draw = random.nextUnit()
        var cumulative = 0.0
        for (index, probability) in probabilities.enumerated() {
            cumulative += probability
            if draw < cumulative { return candidates[index].id }
        }
        return candidates[candidates.count - 1].id
    }

    /// Index of the largest logit (the first one on ties).
    public static func argmax(_ logits: [Float]) -> Int32 {
        var best = 0
        var bestValue = logits[0]
        for index in 1..<logits.count where logits[index] > bestValue {
            best = index
            bestValue = logits[index]
        }
        return Int32(best)
    }

    /// llama.cpp's repetition penalty: each distinct recent token's logit is divided by `penalty`
    /// when positive and multiplied by it when negative.
    public static func applyRepetitionPenalty<C: Collection>(_ logits: inout [Float], tokens: C, penalty: Float)
    where C.Element == Int32 {
        var seen = Set<Int32>()
        for token in tokens where token >= 0 && Int(token) < logits.count && seen.insert(token).inserted {
            let value = logits[Int(token)]
            logits[Int(token)] = value > 0 ? value / penalty : value * penalty
        }
    }

    /// The `k` highest logits as candidates sorted by decreasing logit (all of them when `k <= 0`).
    public static func topK(_ logits: [Float], k: Int) -> [Candidate] {
        let count = logits.count
        if k <= 0 || k >= count {
            var all = logits.enumerated().map { Candidate(id: Int32($0.offset), logit: $0.element) }
            all.sort { $0.logit != $1.logit ? $0.logit > $1.logit : $0.id < $1.id }
            return all
        }
        // Min-heap of the k best seen so far (worst at the root).
        var heap: [Candidate] = []
        heap.reserveCapacity(k)
        func worse(_ a: Candidate, _ b: Candidate) -> Bool { a.logit != b.logit ? a.logit < b.logit : a.id > b.id }
        for (index, logit) in logits.enumerated() {
            let candidate = Candidate(id: Int32(index), logit: logit)
            if heap.count < k {
                heap.append(candidate)
                var child = heap.count - 1
                while child > 0 {
                    let parent = (child - 1) / 2
                    guard worse(heap[child], heap[parent]) else { break }
                    heap.swapAt(child, parent)
                    child = parent
                }
            } else if worse(heap[0], candidate) {
                heap[0] = candidate
                var parent = 0
                while true {
                    let left = 2 * parent + 1
                    if left >= k { break }
                    var child = left
                    if left + 1 < k && worse(heap[left + 1], heap[left]) { child = left + 1 }
                    guard worse(heap[child], heap[parent]) else { break }
                    heap.swapAt(child, parent)
                    parent = child
                }
            }
        }
        heap.sort { worse($1, $0) }
        return heap
    }

    /// Nucleus filter (Holtzman et al., arXiv 1904.09751): keeps the shortest prefix of the sorted
    /// candidates whose probabilities reach `p`.
    public static func topP(_ candidates: inout [Candidate], p: Float) {
        guard p < 1, candidates.count > 1 else { return }
        let probabilities = softmax(candidates, temperature: 1)
        var cumulative = 0.0
        for (index, probability) in probabilities.enumerated() {
            cumulative += probability
            if cumulative >= Double(p) {
                candidates.removeSubrange((index + 1)...)
                return
            }
        }
    }

    /// Min-p filter: keeps candidates whose probability is at least `p` times the largest one.
    public static func minP(_ candidates: inout [Candidate], p: Float) {
        guard p > 0, candidates.count > 1 else { return }
        let maximum = candidates.map(\.logit).max()!
        let threshold = maximum + log(min(p, 1))
        candidates.removeAll { $0.logit < threshold }
    }

    /// Probabilities of the candidates at `temperature`, in double precision.
    public static func softmax(_ candidates: [Candidate], temperature: Float) -> [Double] {
        guard let maximum = candidates.map(\.logit).max() else { return [] }
        let scale = Double(1 / temperature)
        var values = candidates.map { exp(Double($0.logit - maximum) * scale) }
        let sum = values.reduce(0, +)
        for index in values.indices { values[index] /= sum }
        return values
    }
}
