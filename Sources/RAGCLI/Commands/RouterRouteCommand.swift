import ArgumentParser
import Foundation
import RAG
import Routing

/// `rag router route`: the route `auto` would take for each question, without answering it.
struct RouteQuestions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route",
        abstract: "Show the route auto would take for questions, with the router's scores, without answering them.",
        discussion: """
            Prints, per question, the route under each --prefer setting, the label probabilities and, \
            for a router that has them, each route's expected F1. Questions come from the arguments \
            (before any --questions, which takes every word up to the next option as a file) or from \
            --questions files (rag eval's format; --skip/--limit per file).

            Examples:
              rag router route "Is Heat older than Alien?" "What is WAL mode?"
              rag router route --questions mine.jsonl --limit 20 --json | jq -r '.[] | .routes.balanced'
            """)

    @OptionGroup var indexOptions: IndexOptions
    @Option(name: .long, help: ArgumentHelp(
        "Router file (default: router.json in the index folder, else the router shipped with rag).", valueName: "file"))
    var router: String?

    @Argument(help: "Questions to route.")
    var questions: [String] = []

    @Option(name: .customLong("questions"), parsing: .upToNextOption, help: ArgumentHelp("Question files (JSONL with a \"question\").", valueName: "file"))
    var files: [String] = []

    @Option(name: .long, help: "Skip this many questions at the start of each --questions file.")
    var skip = 0

    @Option(name: .customLong("limit"), help: "Questions per --questions file (0 = all).")
    var maxQuestions = 0

    @Flag(name: .long, help: "Print [{id, dataset, question, routes: {fast, balanced, accurate}, probabilities, expected_f1}] on stdout.")
    var json = false

    struct Output: Encodable {
        var id: String?
        var dataset: String?
        var question: String
        var routes: [String: String]
        var probabilities: [String: Double]
        var expected_f1: [String: Double]?
    }

    func validate() throws {
        guard !questions.isEmpty || !files.isEmpty else { throw ValidationError("give questions, or --questions files") }
        guard skip >= 0, maxQuestions >= 0 else { throw ValidationError("--skip and --limit must not be negative") }
    }

    func run() async throws {
        var configuration = indexOptions.configuration
        configuration.routerFile = router.map { URL(fileURLWithPath: ($0 as NSString).expandingTildeInPath) }
        var items: [(id: String?, dataset: String?, question: String)] = questions.map { (nil, nil, $0) }
        for file in files {
            items += try LabelledQuestion.load(URL(fileURLWithPath: file), skip: skip, limit: maxQuestions).map { ($0.id, $0.dataset, $0.question) }
        }
        let embedder = try RouterTrainingData.embedder(for: configuration)
        let loaded = try LoadedRouter.select(for: configuration, checkedAgainst: embedder)
        let vectors = try embedder.embed(items.map(\.question))
        let labels = RouteLabel.allCases.map(\.rawValue)
        func named(_ values: [Double]) -> [String: Double] { Dictionary(uniqueKeysWithValues: zip(labels, values)) }
        let outputs = zip(items, vectors).map { item, vector -> Output in
            let decisions = loaded.router.route(item.question, embedding: vector, preferences: RoutePreference.allCases)
            let routes = Dictionary(uniqueKeysWithValues: zip(RoutePreference.allCases.map(\.rawValue), decisions.map(\.label.rawValue)))
            return Output(id: item.id, dataset: item.dataset, question: item.question, routes: routes,
                          probabilities: named(decisions[0].probabilities), expected_f1: decisions[0].expectedF1.map(named))
        }
        if json {
            try Terminal.printJSON(outputs)
            return
        }
        Terminal.error("router: \(loaded.source)")
        for o in outputs {
            let p = labels.map { String(format: "%@ %.2f", $0, o.probabilities[$0]!) }.joined(separator: " ")
            let e = o.expected_f1.map { e in "  expected F1 " + labels.map { String(format: "%@ %.2f", $0, e[$0]!) }.joined(separator: " ") } ?? ""
            let routes = RoutePreference.allCases.map { "\($0.rawValue) \(o.routes[$0.rawValue]!)" }.joined(separator: ", ")
            print(Terminal.visible("\(o.routes["balanced"]!)  (\(routes))  p \(p)\(e)  \(o.question)"))
        }
    }
}
