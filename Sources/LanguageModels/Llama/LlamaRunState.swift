import Kernels

/// Scratch buffers of the forward pass for up to `batchCapacity` tokens at once (llama2.c's RunState).
final class LlamaRunState {
    let batchCapacity: Int
    let contextLength: Int
    /// Tokens per attention work item (they share each key/value row load).
    static let attentionBlock = 4
    /// Key ranges per KV head in decode attention.
    static let decodeParts = 4
    /// Decode attention partial outputs [kvHeads × decodeParts × group × headDimension] and their
    /// softmax (maximum, sum) pairs.
    let partialOutputs, partialStats: UnsafeMutablePointer<Float>
    /// Threads with score scratch (the kernels' pool never runs more).
    let maxThreads = 64
    /// Floats of score scratch per thread: attentionBlock × group × contextLength rounded up to 16.
    let scoresPerThread: Int
    /// x, xb: [batch × width]; q, attention: [batch × queryWidth]; k, v: [batch × kvWidth];
    /// hb, hb2: [batch × feedForward]; scoreStorage: [maxThreads × scoresPerThread] (zero pages until
    /// used); logits: [vocabulary];
    /// ropeCos, ropeSin: [ropeDims/2] for `ropePosition`.
    let x, xb, q, k, v, attention, hb, hb2, logits, ropeCos, ropeSin: UnsafeMutablePointer<Float>
    private let scoreStorage: UnsafeMutablePointer<Float>
    var ropePosition = -1
    /// Quantized-activation buffers by (weight type, length), reused across tokens.
    private var quantized: [Int: QuantizedActivations] = [:]

    /// Score scratch of pool thread `thread`.
    @inline(__always) func scores(thread: Int) -> UnsafeMutablePointer<Float> {
        scoreStorage + min(thread, maxThreads - 1) * scoresPerThread
    }

    /// A reusable buffer for `count` activations quantized for `weightType`.
    func activations(weightType: UInt32, count: Int) -> QuantizedActivations {
        let key = count << 8 | Int(weightType)
        if let existing = quantized[key] { return existing }
        let made = QuantizedActivations(weightType: weightType, count: count)
        quantized[key] = made
        return made
    }

    init(configuration c: LlamaConfiguration, batchCapacity: Int, contextLength: Int) {
        self.batchCapacity = batchCapacity
        self.contextLength = contextLength
        func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
            p.initialize(repeating: 0, count: max(count, 1))
            return p
        }
        x = buffer(batchCapacity * c.embeddingLength)
        xb = buffer(batchCapacity * c.embeddingLength)
        q = buffer(batchCapacity * c.queryWidth)
        attention = buffer(batchCapacity * c.queryWidth)
        k = buffer(batchCapacity * c.kvWidth)
        v = buffer(batchCapacity * c.kvWidth)
        hb = buffer(batchCapacity * c.feedForwardLength)
        hb2 = buffer(batchCapacity * c.feedForwardLength)
        partialOutputs = buffer(LlamaRunState.decodeParts * c.queryWidth)
        partialStats = buffer(2 * LlamaRunState.decodeParts * c.headCount)
        scoresPerThread = LlamaRunState.attentionBlock * c.groupSize * ((contextLength + 15) / 16 * 16)
        scoreStorage = calloc(maxThreads * scoresPerThread, MemoryLayout<Float>.stride)!.assumingMemoryBound(to: Float.self)
        logits = buffer(c.vocabularySize)
        ropeCos = buffer(c.ropeDimensionCount / 2)
        ropeSin = buffer(c.ropeDimensionCount / 2)
    }

    deinit {
        for p in [x, xb, q, k, v, attention, hb, hb2, logits, ropeCos, ropeSin, partialOutputs, partialStats] {
            p.deallocate()
        }
        free(scoreStorage)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
