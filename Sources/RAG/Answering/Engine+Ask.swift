import Foundation
import Store
import Strategies
import LanguageModels

extension Engine {
    /// Answers a question from the index with the chosen strategy, citing the passages it used.
    ///
    /// For example:
    /// ```swift
    /// let answer = try await engine.ask("Who directed Sinister?", parameters: AskParameters(strategy: .notes))
    /// print(answer.text, answer.citations.first?.document ?? "")
    /// ```
    /// - Parameters:
    ///   - observer: receives each retrieval, note, verdict and piece of the answer as it happens.
    /// With `auto` (the default) the question is embedded and routed first (``route(_:preference:)``),
    /// and the answer carries the router's probabilities.
    /// - Throws: `RAGError.emptyQuestion`, `.indexEmpty`, `.languageModelMissing`,
    ///   `.embeddingModelMismatch`; `RoutingError` for a bad router file; the model's and the store's
    ///   errors; `CancellationError`.
    public func ask(_ question: String, parameters: AskParameters = AskParameters(),
                    observer: StrategyObserver? = nil) async throws -> Answer {
        let question = question.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !question.isEmpty else { throw RAGError.emptyQuestion }
        let kind: StrategyKind, probabilities: RouteProbabilities, expectedF1: RouteProbabilities?
        if let fixed = parameters.strategy.fixed {
            (kind, probabilities, expectedF1) = (fixed, .certain(fixed), nil)
        } else {
            let route = try route(question, preference: parameters.preference)
            (kind, probabilities, expectedF1) = (route.strategy, route.probabilities, route.expectedF1)
        }
        let watch = DispatchTime.now().uptimeNanoseconds
        let strategy = parameters.strategy(kind)
        let result: StrategyResult
        if let model = answeringModel ?? servedLanguageModel() {
            result = try await strategy.answer(question, context: strategyContext(
                kind: kind, model: model, parameters: parameters, observer: observer))
        } else {
            // One session for all the answer's calls: their prompts share a prefix it keeps cached.
            if kind != .none { try checkAnswerable(retriever: parameters.retriever) }
            result = try await languageModels().withGenerator { generator in
                try await strategy.answer(question, context: strategyContext(
                    kind: kind, model: generator, parameters: parameters, observer: observer))
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - watch) / 1e9
        return Answer(question: question, text: result.answer, strategy: kind, strategyName: parameters.name(kind),
                      choice: parameters.strategy, probabilities: probabilities, expectedF1: expectedF1,
                      citations: result.citations.map(Citation.init), passages: result.passagesSeen,
                      steps: result.steps, usage: result.usage, seconds: seconds,
                      retrievalSeconds: result.retrievalSeconds, stopReason: result.stopReason,
                      rawAnswer: result.rawAnswer)
    }

    /// `ask` as a stream: `.step` events while the strategy works (the answer's text arrives as
    /// `.step(.answerText)` pieces), then one `.answer`. Cancelling the iteration cancels the work.
    public func answerStream(_ question: String, parameters: AskParameters = AskParameters())
        -> AsyncThrowingStream<AnswerEvent, Error> {
        let (stream, continuation) = AsyncThrowingStream<AnswerEvent, Error>.makeStream()
        let task = Task {
            do {
                let answer = try await ask(question, parameters: parameters) { continuation.yield(.step($0)) }
                continuation.yield(.answer(answer))
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// The model, the passages and the answer rules for one question; checks the index first.
    func strategyContext(kind: StrategyKind, model: any LanguageModel, parameters: AskParameters,
                         observer: StrategyObserver?) throws -> StrategyContext {
        if kind != .none { try checkAnswerable(retriever: parameters.retriever) }
        let retriever: any PassageRetriever = kind == .none
            ? NoPassages() : try IndexPassageRetriever(engine: self, kind: parameters.retriever)
        return StrategyContext(model: model, retriever: retriever, observer: observer,
                               prompts: AnswerPrompts(answerTokens: parameters.answerTokens),
                               snapper: parameters.snapAnswers ? AnswerSnapper() : nil)
    }

    /// An index to answer from: not empty, and embedded with the model this engine would embed with.
    func checkAnswerable(retriever: RetrieverKind) throws {
        let path = indexLocation
        guard try store.statistics().chunks > 0 else { throw RAGError.indexEmpty(path: path) }
        guard retriever != .bm25, let stored = try store.embeddingModel(), try store.vectorCount() > 0 else { return }
        let embedder = try embedder()
        if embedder.modelID != stored.id || embedder.dimension != stored.dimension {
            throw RAGError.embeddingModelMismatch(index: path, indexModel: "\(stored.id) (\(stored.dimension) dimensions)",
                                                  configured: "\(embedder.modelID) (\(embedder.dimension) dimensions)")
        }
    }
}

/// The retriever of strategy A: there are no passages.
struct NoPassages: PassageRetriever {
    func retrieve(_ query: String, limit: Int) throws -> [Passage] { [] }
}
