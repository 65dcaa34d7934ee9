import Foundation

/// An embedder for many concurrent callers (a server's searches): texts asked for while an
/// embedding runs wait, and go together into the next one, as one batch. Nothing waits when it is
/// idle (the first caller runs at once); under load, batches form by themselves, and one batched
/// product costs far less than as many one-query products.
///
/// ```swift
/// let queries = CoalescingEmbedder(try MiniLMEmbedder(directory: dir))
/// let vector = try queries.embed(["what is WAL mode?"])[0]   // from any thread
/// ```
public final class CoalescingEmbedder: Embedder, @unchecked Sendable {
    public let base: any Embedder
    /// Most texts one batch takes (a caller with more still goes alone).
    public let maxBatch: Int
    public var modelID: String { base.modelID }
    public var dimension: Int { base.dimension }
    public var precision: EmbeddingPrecision { base.precision }

    private final class Request {
        let texts: [String]
        var result: Result<[[Float]], Error>?
        init(_ texts: [String]) { self.texts = texts }
    }

    private let condition = NSCondition()
    private var waiting: [Request] = []
    private var busy = false

    public init(_ base: any Embedder, maxBatch: Int = 64) {
        self.base = base
        self.maxBatch = maxBatch
    }

    public func embed(_ texts: [String]) throws -> [[Float]] {
        if texts.isEmpty { return [] }
        let request = Request(texts)
        condition.lock()
        waiting.append(request)
        while request.result == nil {
            guard !busy else { condition.wait(); continue }
            // Nobody is embedding: this caller embeds everything waiting (up to maxBatch texts).
            busy = true
            var batch: [Request] = []
            var count = 0
            while let next = waiting.first, batch.isEmpty || count + next.texts.count <= maxBatch {
                batch.append(waiting.removeFirst())
                count += next.texts.count
            }
            condition.unlock()
            let outcome = Result { try base.embed(batch.flatMap(\.texts)) }
            condition.lock()
            var offset = 0
            for member in batch {
                member.result = outcome.map { Array($0[offset..<offset + member.texts.count]) }
                offset += member.texts.count
            }
            busy = false
            condition.broadcast()
        }
        condition.unlock()
        return try request.result!.get()
    }
}
