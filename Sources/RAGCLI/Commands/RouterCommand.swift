import ArgumentParser
import Foundation
import RAG
import Routing

/// `rag router`: train the question router `--strategy auto` follows, and show where it came from.
struct RouterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "router",
        abstract: "Train the question router that --strategy auto follows, or show the one in use.",
        discussion: """
            The router predicts from the question alone whether it needs no retrieval (A: none), one \
            (B: single) or several (C: notes), as Adaptive-RAG does (arXiv 2403.14403): a logistic \
            regression over the MiniLM question embedding and a few wording features, with calibrated \
            probabilities. It learns from `rag eval --out` lines: each question takes the simplest \
            strategy that answered it right (silver label); questions none answered, and those of \
            --questions files without lines, take their dataset's kind (single-hop B, multi-hop C).
            With lines of every route, it also learns each route's expected F1 from the F1 the route \
            scored, and routes by that: the best expected F1 less a cost weight times the route's share \
            of the slowest route's seconds. A question no route is likely to answer then takes the cheap \
            route, as the oracle would; the silver labels cannot say that.
            rag ask and rag eval use the index's own router (router.json in the index folder) when it \
            has one, else the router shipped with rag.

            Examples:
              rag eval my-questions.jsonl --strategy none,single,notes --out runs/mine.jsonl
              rag router train runs/mine.jsonl --questions my-questions.jsonl
              rag router show
              rag router route "Who directed the film that won the 1994 Palme d'Or?"
            """,
        subcommands: [Train.self, Show.self, RouteQuestions.self]
    )

    struct Train: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a router from rag eval --out lines (and question files), cross-validated.",
            discussion: """
                Reports accuracy overall and per route, with the confusion matrix, on held-out folds \
                (a fixed split by question id), on every labelled question and on those with silver \
                labels. Then trains on all of them and writes the router file.
                With lines of every route (10 or more each), it trains each route's expected F1 too \
                (--rule expected-f1, the default), cross-validated on the same folds; --rule labels \
                routes by the label probabilities alone, as Adaptive-RAG does.
                On the questions every route was run on, it replays the routing with the held-out \
                scores over a range of cost weights and keeps, as --prefer balanced, the cheapest \
                weight whose F1 is within --tolerance of always running the best route (fast and \
                accurate move that weight by +0.1 and -0.1 for expected F1, +0.5 and -0.5 for \
                labels); without such questions balanced is the router's own choice.
                """)

        @OptionGroup var indexOptions: IndexOptions

        @Argument(help: ArgumentHelp("rag eval --out files (JSONL): silver labels and each route's seconds.", valueName: "results"))
        var results: [String] = []

        @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp(
            "Question files whose questions without lines get their dataset's label (single-hop B, multi-hop C).",
            valueName: "file"))
        var questions: [String] = []

        @Option(name: .long, help: "Skip this many questions at the start of each --questions file.")
        var skip = 0

        @Option(name: .customLong("limit"), help: "Questions per --questions file (0 = all); keep held-out questions out.")
        var maxQuestions = 0

        @Option(name: .long, help: ArgumentHelp("Write the router here (default: router.json in the index folder).", valueName: "file"))
        var out: String?

        @Option(name: .long, help: "Cross-validation folds.")
        var folds = 5

        @Option(name: [.short, .long], help: "Seed of the initial weights and the folds.")
        var seed: UInt64 = 9

        @Option(name: .long, help: "L2 penalty on the weights.")
        var l2: Float = TrainingParameters().l2

        @Option(name: .long, help: "L2 penalty on the embedding's weights.")
        var embeddingL2: Float = TrainingParameters().embeddingL2 ?? TrainingParameters().l2

        @Option(name: .long, help: ArgumentHelp("all | embedding | lexical: the features to learn from.", valueName: "set"))
        var features = "all"

        @Option(name: .long, help: ArgumentHelp("expected-f1 | labels: route by each route's expected F1 (needs lines of every route), or by the label probabilities.", valueName: "rule"))
        var rule = "expected-f1"

        @Option(name: .long, help: ArgumentHelp("F1 points --prefer balanced may give up against always running the best route.", valueName: "points"))
        var tolerance = 100 * CostWeightSweep.defaultTolerance

        @Option(name: .long, help: "A note kept in the router's provenance (e.g. the command that trained it).")
        var note: String?

        @Flag(name: .long, help: "Print the router's provenance {label_counts, evaluation, ...} as JSON on stdout.")
        var json = false

        func validate() throws {
            guard !results.isEmpty || !questions.isEmpty else { throw ValidationError("give rag eval --out files, --questions files, or both") }
            guard (2...20).contains(folds) else { throw ValidationError("--folds must be between 2 and 20") }
            guard l2 >= 0, embeddingL2 >= 0 else { throw ValidationError("--l2 and --embedding-l2 must not be negative") }
            guard ["all", "embedding", "lexical"].contains(features) else { throw ValidationError("--features: all, embedding or lexical") }
            guard ["expected-f1", "labels"].contains(rule) else { throw ValidationError("--rule: expected-f1 or labels") }
            guard (0...100).contains(tolerance) else { throw ValidationError("--tolerance must be between 0 and 100 F1 points") }
        }

        func run() async throws {
            let configuration = indexOptions.configuration
            let target: URL
            if let out { target = URL(fileURLWithPath: out) } else {
                let index = configuration.indexDirectory
                if configuration.postgresURL != nil {
                    throw CLIError("a router file cannot be stored in a PostgreSQL index: pass --out FILE, then --router FILE to ask and serve")
                }
                guard FileManager.default.fileExists(atPath: index.path) else {
                    throw CLIError("no index at \(index.path): pass --index DIR, or --out FILE to write the router elsewhere")
                }
                target = index.appendingPathComponent(Engine.routerFileName)
            }
            let data = try RouterTrainingData(resultFiles: results, questionFiles: questions, skip: skip,
                                              questionsPerFile: maxQuestions)
            let names: [String] = switch features {
            case "embedding": [RouterModel.embeddingFeature]
            case "lexical": LexicalFeatures.names
            default: [RouterModel.embeddingFeature] + LexicalFeatures.names
            }
            let router = try data.train(embedder: try RouterTrainingData.embedder(for: configuration), features: names,
                                        parameters: TrainingParameters(l2: l2, embeddingL2: embeddingL2, seed: seed), folds: folds,
                                        rule: rule == "labels" ? .labelProbabilities : .expectedF1, tolerance: tolerance / 100, note: note)
            try router.write(to: target)
            if json {
                try Terminal.printJSON(router.provenance)
                return
            }
            RouterReport.print(router, source: target.path)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the router in use: its source, training data and accuracy.")

        @OptionGroup var indexOptions: IndexOptions
        @OptionGroup var routerOptions: RouterOptions

        @Flag(name: .long, help: "Print {source, embedding_model, features, rule, costs, balanced_cost_weight, provenance} as JSON on stdout.")
        var json = false

        struct Output: Encodable {
            var source: String
            var embedding_model: String
            var embedding_dimension: Int
            var features: [String]
            var rule: RoutingRule
            var costs: [String: Double]
            var balanced_cost_weight: Double
            var provenance: RouterProvenance
        }

        func run() async throws {
            var configuration = indexOptions.configuration
            routerOptions.apply(to: &configuration)
            let loaded = try LoadedRouter.select(for: configuration)
            let m = loaded.router.model
            if json {
                try Terminal.printJSON(Output(source: loaded.source, embedding_model: m.embeddingModel,
                                              embedding_dimension: m.embeddingDimension, features: m.features, rule: m.rule,
                                              costs: m.costs, balanced_cost_weight: m.costWeight(.balanced), provenance: m.provenance))
                return
            }
            RouterReport.print(m, source: loaded.source)
        }
    }
}

/// Renders a router's provenance and cross-validation for people.
enum RouterReport {
    static func print(_ router: RouterModel, source: String) {
        let p = router.provenance
        let e = p.evaluation
        Swift.print("router: \(source)")
        Swift.print("  trained \(p.trainedAt) on \(p.silverExamples + p.biasExamples) questions (\(p.silverExamples) silver, \(p.biasExamples) dataset-bias labels): "
            + RouteLabel.allCases.map { "\($0.rawValue) \(p.labelCounts[$0.rawValue] ?? 0)" }.joined(separator: ", "))
        if !p.resultFiles.isEmpty { Swift.print("  results: \(p.resultFiles.joined(separator: ", "))") }
        if !p.questionFiles.isEmpty { Swift.print("  questions: \(p.questionFiles.joined(separator: ", "))") }
        Swift.print("  features: \(router.features.map { $0 == RouterModel.embeddingFeature ? "\(router.embeddingModel) embedding (\(router.embeddingDimension))" : $0 }.joined(separator: ", "))")
        let embeddingL2 = p.parameters.embeddingL2.map { String(format: " (embedding %g)", $0) } ?? ""
        Swift.print(String(format: "  l2 %g%@, seed %llu, temperature %.2f, held-out log loss %.3f", p.parameters.l2, embeddingL2,
                           p.parameters.seed, e.temperature, e.logLoss))
        if !router.costs.isEmpty {
            Swift.print("  seconds per question: " + RouteLabel.allCases.compactMap { l in
                router.cost(l).map { String(format: "%@ %.2f", l.rawValue, $0) } }.joined(separator: ", "))
        }
        if let note = p.note { Swift.print("  note: \(note)") }
        Swift.print("held-out accuracy (\(e.folds)-fold, split by question id):")
        matrix("all labels", e.all)
        matrix("silver labels", e.silver)
        if let v = p.expectedF1Evaluation { expectedF1(v) }
        Swift.print("routes by: " + (router.rule == .expectedF1 ? "expected F1 less cost weight × seconds / slowest route's seconds"
                                                             : "label probabilities, log p less cost weight × log(seconds / cheapest route's)"))
        if let choice = p.costWeightChoice { sweep(choice, router: router) }
        else { Swift.print("cost weight: balanced is the router's own choice (no question had every route's result)") }
    }

    /// Held-out expected F1 against the F1 each route scored.
    static func expectedF1(_ v: ExpectedF1Evaluation) {
        Swift.print("held-out expected F1 (\(v.folds)-fold, same split):")
        Swift.print("  route  questions  expected  scored   MSE  (mean-only MSE)")
        for (i, label) in RouteLabel.allCases.enumerated() where i < v.questions.count {
            Swift.print(String(format: "  %@      %9d  %8.1f  %6.1f  %.4f  (%.4f)", label.rawValue, v.questions[i], 100 * v.meanExpected[i],
                               100 * v.meanScored[i], v.meanSquaredError[i], v.baselineMeanSquaredError[i]))
        }
    }

    /// The cost weights tried, with the three preferences' marked.
    static func sweep(_ choice: CostWeightChoice, router: RouterModel) {
        let expected = (choice.rule ?? .labelProbabilities) == .expectedF1
        Swift.print(String(format: "cost weight of --prefer balanced: %.2f, the cheapest within %.1f F1 of the best fixed route on the %d questions every route ran (held-out %@)",
                           choice.chosen, 100 * choice.tolerance, choice.questions, expected ? "expected F1" : "probabilities"))
        Swift.print("  fixed: " + RouteLabel.allCases.compactMap { l in
            choice.fixed[l.rawValue].map { String(format: "%@ F1 %.1f at %.2f s", l.rawValue, 100 * $0.f1, $0.seconds) } }.joined(separator: ", "))
        // Hundredths of a weight; every 0.1 (expected F1) or 0.5 (labels) is printed, and each preference's.
        let marks = Dictionary(RoutePreference.allCases.map { (Int((router.costWeight($0) * 100).rounded()), $0.rawValue) },
                               uniquingKeysWith: { a, _ in a })
        let every = expected ? 10 : 50
        Swift.print("  weight    F1   s/q     A    B    C")
        for point in choice.points {
            let hundredths = Int((point.weight * 100).rounded())
            guard hundredths % every == 0 || marks[hundredths] != nil else { continue }
            let counts = RouteLabel.allCases.map { String(format: "%5d", point.routes[$0.rawValue] ?? 0) }.joined()
            Swift.print(String(format: "  %6.2f %5.1f %5.2f", point.weight, 100 * point.f1, point.seconds) + counts
                        + (marks[hundredths].map { "  \($0)" } ?? ""))
        }
    }

    static func matrix(_ title: String, _ m: ConfusionMatrix) {
        let perClass = zip(RouteLabel.allCases, m.perClassAccuracy).map { label, a in
            "\(label.rawValue) " + (a.map { String(format: "%.1f%%", 100 * $0) } ?? "-")
        }.joined(separator: ", ")
        Swift.print(String(format: "  %@: %.1f%% of %d (%@)", title, 100 * m.accuracy, m.total, perClass))
        Swift.print("    true\\predicted    A     B     C")
        for (label, row) in zip(RouteLabel.allCases, m.counts) {
            Swift.print("    \(label.rawValue)              " + row.map { String(format: "%5d", $0) }.joined(separator: " "))
        }
    }
}
