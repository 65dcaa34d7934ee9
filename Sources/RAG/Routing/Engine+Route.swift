import Foundation
import Embeddings
import Store
import Routing
import Strategies

/// The route `auto` takes for one question: the strategy, the router's probabilities, and its
/// expected F1 per route when the router chooses by it.
public struct Route: Sendable, Equatable {
    public var label: RouteLabel
    public var strategy: StrategyKind
    public var probabilities: RouteProbabilities
    public var expectedF1: RouteProbabilities? = nil

    /// The classifier's own choice, before the cost preference: the most probable route.
    public var mostProbable: RouteLabel {
        let p = [probabilities.A, probabilities.B, probabilities.C]
        return RouteLabel(index: p.indices.max { p[$0] < p[$1] }!)!
    }

    /// The strategy of each route: A none, B single, C notes (the default multi-step strategy).
    public static func strategy(for label: RouteLabel) -> StrategyKind {
        switch label {
        case .A: return .none
        case .B: return .single
        case .C: return .notes
        }
    }
}

/// A router and the file it came from (`nil`: the one shipped with rag).
public struct LoadedRouter: Sendable {
    public var router: QuestionRouter
    public var file: URL?

    /// Where it came from, for people: a path, or "shipped default".
    public var source: String { file?.path ?? "shipped default" }

    /// The router a configuration selects: its `routerFile`, else the index's own `router.json`,
    /// else the shipped default. Not checked against an embedding model (``Engine/router()`` is).
    /// - Throws: `RoutingError` for a corrupt or foreign file.
    public static func select(for configuration: EngineConfiguration) throws -> LoadedRouter {
        // A PostgreSQL index has no folder for a router of its own: --router, else the shipped one.
        let own = configuration.postgresURL != nil ? nil
            : IndexStore.databaseURL(for: configuration.indexDirectory).deletingLastPathComponent().appendingPathComponent(Engine.routerFileName)
        if let url = configuration.routerFile ?? own.flatMap({ FileManager.default.fileExists(atPath: $0.path) ? $0 : nil }) {
            return LoadedRouter(router: QuestionRouter(model: try RouterModel.load(from: url)), file: url)
        }
        return LoadedRouter(router: QuestionRouter(model: try DefaultRouter.model()), file: nil)
    }

    /// ``select(for:)``, checked against the model `embedder` embeds questions with.
    /// - Throws: `RoutingError` for a corrupt, foreign or mismatched file.
    public static func select(for configuration: EngineConfiguration, checkedAgainst embedder: any Embedder) throws -> LoadedRouter {
        let loaded = try select(for: configuration)
        try loaded.router.model.checkEmbedding(model: embedder.modelID, dimension: embedder.dimension, path: loaded.source)
        return loaded
    }
}

extension Engine {
    /// The file name of an index's own router, in the index folder.
    public static let routerFileName = "router.json"

    /// Where this index's own router is (or would be) written.
    public var indexRouterURL: URL { indexFolder.appendingPathComponent(Self.routerFileName) }

    /// The router `auto` uses: `configuration.routerFile`, else the index's own `router.json`, else
    /// the shipped default; checked against the embedding model. Loaded once.
    /// - Throws: `RoutingError` for a corrupt, foreign or mismatched file; the embedder's errors.
    public func router() throws -> LoadedRouter {
        try routerBox.get { try LoadedRouter.select(for: configuration, checkedAgainst: try embedder()) }
    }

    /// Routes one question: embeds it and asks the router.
    ///
    /// For example:
    /// ```swift
    /// let route = try engine.route("Who directed the film that won the 1994 Palme d'Or?")
    /// print(route.strategy, route.probabilities.C)
    /// ```
    public func route(_ question: String, preference: RoutePreference = .balanced) throws -> Route {
        try routes([question], preference: preference)[0]
    }

    /// Routes many questions, embedding them in batches.
    public func routes(_ questions: [String], preference: RoutePreference = .balanced) throws -> [Route] {
        try routes(questions, preferences: [preference])[0]
    }

    /// Routes many questions under several preferences, embedding each question once: one list of
    /// routes per preference, in order.
    public func routes(_ questions: [String], preferences: [RoutePreference]) throws -> [[Route]] {
        let router = try router().router
        let vectors = try embedder().embed(questions)
        let decisions = zip(questions, vectors).map { router.route($0, embedding: $1, preferences: preferences) }
        return preferences.indices.map { i in
            decisions.map { perPreference in
                let decision = perPreference[i]
                let p = decision.probabilities
                return Route(label: decision.label, strategy: Route.strategy(for: decision.label),
                             probabilities: RouteProbabilities(A: p[0], B: p[1], C: p[2]),
                             expectedF1: decision.expectedF1.map { RouteProbabilities(A: $0[0], B: $0[1], C: $0[2]) })
            }
        }
    }
}
