import Foundation
import Hummingbird
import Prometheus
import RAG

/// What `GET /metrics` reports, in Prometheus's text format: requests and their latencies by route,
/// answers and their latencies by strategy, tokens, and (read at scrape time) the generation queue
/// and the index size. A registry of its own, not the process-wide `MetricsSystem`, so a library user
/// embedding two servers (or the tests) get separate figures.
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .seconds(2), .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120),
    ]

    public init() {}

    func requestFinished(route: String, method: String, status: Int, duration: Duration) {
        registry.makeCounter(descriptor: .init(namespace: "rag", metricName: "http_requests", unitName: "total",
                                               helpText: "HTTP requests by route, method and status"),
                             labels: [("route", route), ("method", method), ("status", String(status))]).increment()
        registry.makeDurationHistogram(descriptor: .init(namespace: "rag", metricName: "http_request_duration", unitName: "seconds",
                                                         helpText: "Time to the response head, by route"),
                                       labels: [("route", route)], buckets: Self.latencyBuckets).record(duration)
    }

    func answered(_ answer: Answer) {
        let strategy = [("strategy", answer.strategy.rawValue)]
        registry.makeCounter(descriptor: .init(namespace: "rag", metricName: "answers", unitName: "total",
                                               helpText: "Answers generated, by the strategy that ran"),
                             labels: strategy).increment()
        registry.makeDurationHistogram(descriptor: .init(namespace: "rag", metricName: "answer_duration", unitName: "seconds",
                                                         helpText: "Time to answer, by strategy"),
                                       labels: strategy, buckets: Self.latencyBuckets)
            .record(.milliseconds(Int64(answer.seconds * 1000)))
        let tokens: [(String, Int, String)] = [
            ("prompt_tokens", answer.usage.promptTokens, "Prompt tokens given to the language model"),
            ("reused_prompt_tokens", answer.usage.reusedPromptTokens, "Prompt tokens served from the KV cache"),
            ("generated_tokens", answer.usage.generatedTokens, "Tokens the language model generated"),
        ]
        for (name, count, help) in tokens {
            registry.makeCounter(descriptor: .init(namespace: "rag", metricName: name, unitName: "total", helpText: help))
                .increment(by: Int64(count))
        }
    }

    /// The text `GET /metrics` returns, with the gauges read now.
    func exposition(running: Int, waiting: Int, chunks: Int?) -> [UInt8] {
        let gauges: [(String, String, Int?)] = [
            ("generation_running", "Answers being generated now", running),
            ("generation_waiting", "Asks waiting for a generation slot", waiting),
            ("index_chunks", "Chunks in the index", chunks),
        ]
        for (name, help, value) in gauges {
            guard let value else { continue }
            registry.makeGauge(descriptor: .init(namespace: "rag", metricName: name, unitName: "", helpText: help))
                .set(Double(value))
        }
        return registry.emitToBuffer()
    }
}

/// Counts every request into ``ServerMetrics`` under its route's pattern (not its raw path, which
/// would give each search its own series).
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            metrics.requestFinished(route: context.endpointPath ?? "unmatched", method: request.method.rawValue,
                                    status: response.status.code, duration: ContinuousClock.now - started)
            return response
        } catch {
            metrics.requestFinished(route: context.endpointPath ?? "unmatched", method: request.method.rawValue,
                                    status: APIError.from(error).status.code, duration: ContinuousClock.now - started)
            throw error
        }
    }
}
