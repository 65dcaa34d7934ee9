import LanguageModels

/// Strategy C, Adaptive-Note (arXiv 2410.08821 §3, as coded in thunlp/Adaptive-Note `retrieve_note`):
/// an initial retrieval and note; rounds of new retrieval, note refinement and a memory review that
/// keeps the better note; three stop rules (rounds, rejected updates, a unique-passage budget); the
/// answer from the best note.
///
/// Each of the paper's three model judgements has a variant that does not rely on a 0.5B model's
/// judgement (see ../shared/notes/adaptive-design.md §1-2), selected by ``Parameters``:
/// - notes: `.model` (the paper: the model writes and rewrites a note) or `.extractive` (the passages'
///   own sentences, ``NoteExtractor``);
/// - next queries: `.model` (the model proposes two queries; one retrieval with them and the
///   question, as the paper) or `.links` (the passages whose titles the note's passages mention, or
///   that mention theirs: the index's title-link graph);
/// - reviewer: `.model` (`{"status":"True"}` verdict) or `.likelihood` (accept when the model's mean
///   log-probability of its short answer rises, or when a new passage contains that answer; stop
///   when the answer is the same two rounds running).
public struct NoteBased: AnsweringStrategy {
    public enum NoteWriter: String, Sendable, CaseIterable, Codable { case extractive, model }
    public enum QueryWriter: String, Sendable, CaseIterable, Codable { case links, model }
    public enum Reviewer: String, Sendable, CaseIterable, Codable { case likelihood, model }
    /// What the answer is read from: the whole note, or its chains (see ``Parameters/focus``).
    public enum Focus: String, Sendable, CaseIterable, Codable { case all, chains, named }

    public struct Parameters: Sendable, Equatable {
        /// Passages per retrieval (the paper's `top_k`).
        public var passagesPerRetrieval = 5
        /// Update rounds after the initial note (`max_step`; the paper's README runs use 3).
        public var maxRounds = 3
        /// Rejected updates that end the loop (`max_fail_step`; 1 in the README runs).
        public var maxRejected = 1
        /// Unique passages seen before the loop stops (`max_top_k`).
        public var passageBudget = 15
        public var noteWriter = NoteWriter.extractive
        public var queryWriter = QueryWriter.links
        public var reviewer = Reviewer.likelihood
        /// Sentences an extractive note keeps per passage (nil: whole passages).
        public var sentencesPerPassage: Int? = 3
        /// Passages of documents the question names, added to the first retrieval (links variant).
        public var namedPassages = 2
        /// `.chains`: the answer reads only the passages the question names, the first
        /// `chainRoots` passages found by a query, and the passages reached from those by links
        /// (transitively); a passage retrieved for the question's words that nothing links to is left
        /// out of the answer (it stays in what the strategy saw). `.all`: the whole note.
        ///
        /// A 0.5B reader given the whole note often answers from a look-alike passage (another film's
        /// director, who died somewhere else) instead of the linked one. Chosen on questions 0-19 of
        /// the five dev files: F1 30.7 against 28.4 for the whole note (multi-hop 27.1 against 25.8),
        /// with 14% fewer prompt tokens. On the held-out questions 100-139 the two are within noise
        /// overall (36.7 against 37.3) and chains is lower on the multi-hop sets (29.7 against 31.6):
        /// see benchmarks/answers/README.md before building on it.
        /// `.named`: as `.chains`, but when the question names documents, only those are roots (the
        /// first passages found by a query are roots only when it names none). On questions 0-39 of
        /// the three multi-hop dev files (119 q, session 11 prompts) it scored 27.8 F1 against 30.3
        /// for `.chains`: far better on 2WikiMultihopQA (31.4 against 22.9, whose questions name
        /// the film exactly), far worse on MuSiQue (10.0 against 24.1), so not the default.
        public var focus = Focus.chains
        public var chainRoots = 3

        public init() {}

        /// The paper's reference variant: model-written notes and queries, model verdict.
        public static var paper: Parameters {
            var p = Parameters()
            p.noteWriter = .model
            p.queryWriter = .model
            p.reviewer = .model
            p.namedPassages = 0
            return p
        }

        /// A short name for reports: `notes`, or the variant, e.g. `notes[model,model,model]`.
        public var variantName: String {
            let base = Parameters()
            let focusName = focus == base.focus && chainRoots == base.chainRoots ? ""
                : focus == .all ? ",all" : ",\(focus.rawValue)\(chainRoots)"
            if noteWriter == base.noteWriter && queryWriter == base.queryWriter && reviewer == base.reviewer && focusName.isEmpty {
                return "notes"
            }
            return "notes[\(noteWriter.rawValue),\(queryWriter.rawValue),\(reviewer.rawValue)\(focusName)]"
        }
    }

    public var kind: StrategyKind { .notes }
    public var parameters: Parameters
    public var notePrompts: NotePrompts

    public init(parameters: Parameters = Parameters(), notePrompts: NotePrompts = NotePrompts()) {
        self.parameters = parameters
        self.notePrompts = notePrompts
    }

    /// A note: the extractive one, or model text with the passages it was written from.
    struct Note: Equatable {
        var extractive: ExtractiveNote?
        var written: String
        var sources: [Passage]
        var text: String { extractive?.text ?? written }
        var passages: [Passage] { extractive?.passages ?? sources }
    }

    public func answer(_ question: String, context: StrategyContext) async throws -> StrategyResult {
        var run = Run(question: question, context: context, parameters: parameters, prompts: notePrompts)
        return try await run.execute()
    }

    /// One question's loop state.
    struct Run {
        let question: String
        let context: StrategyContext
        let parameters: Parameters
        let prompts: NotePrompts
        let extractor: NoteExtractor
        var usage = ModelUsage()
        var retrievalSeconds = 0.0
        var seen: [Passage] = []
        var named: Set<Int64> = []
        var asked: [String]

        init(question: String, context: StrategyContext, parameters: Parameters, prompts: NotePrompts) {
            self.question = question
            self.context = context
            self.parameters = parameters
            self.prompts = prompts
            self.extractor = NoteExtractor(sentencesPerPassage: parameters.sentencesPerPassage)
            self.asked = [question]
        }

        mutating func execute() async throws -> StrategyResult {
            let k = max(1, parameters.passagesPerRetrieval)
            var initial = try retrieve(question, limit: k)
            if parameters.queryWriter == .links && parameters.namedPassages > 0 {
                let retriever = context.retriever, question = question, limit = parameters.namedPassages
                let named = try Stopwatch.time(&retrievalSeconds) { try retriever.named(in: question, limit: limit) }
                self.named = Set(named.map(\.chunkID))
                initial = (named + initial).unseen(in: [])
            }
            seen = initial
            context.report(.retrieved(round: 0, query: question, passages: initial))
            var best = try await makeNote(initial)
            context.report(.note(round: 0, text: best.text))
            var bestAnswer: AnswerWriter.Written?
            if parameters.reviewer == .likelihood { bestAnswer = try await answer(from: best) }

            var rounds = 0, rejected = 0
            var stop = "\(parameters.maxRounds) rounds"
            while rounds < parameters.maxRounds {
                try Task.checkCancellation()
                if seen.count >= parameters.passageBudget { stop = "passage budget (\(parameters.passageBudget))"; break }
                rounds += 1
                let room = min(k, parameters.passageBudget - seen.count)
                let (query, found) = try await nextPassages(note: best, room: room, round: rounds)
                context.report(.retrieved(round: rounds, query: query, passages: found))
                if found.isEmpty { stop = "no new passages"; rounds -= 1; break }
                seen += found
                let candidate = try await refine(best, with: found)
                context.report(.note(round: rounds, text: candidate.text))

                var accepted: Bool
                var reason: String
                var candidateAnswer: AnswerWriter.Written?
                switch parameters.reviewer {
                case .model:
                    let reply = try await generate(prompts.compare(question: question, best: best.text, candidate: candidate.text),
                                                   tokens: 16)
                    accepted = VerdictParser.accepts(reply)
                    reason = "model said \(reply.trimmingCharacters(in: .whitespacesAndNewlines).prefix(40))"
                case .likelihood:
                    let new = try await answer(from: candidate)
                    candidateAnswer = new
                    let old = bestAnswer!
                    let newLP = new.logProbability ?? -.infinity, oldLP = old.logProbability ?? -.infinity
                    let target = AnswerMetrics.normalize(new.answer)
                    let supported = !target.isEmpty && !QuestionForm.isYesOrNo(new.answer)
                        && found.contains { AnswerMetrics.normalize($0.title + " " + $0.text).contains(target) }
                    accepted = newLP > oldLP || supported
                    reason = String(format: "answer log-probability %.2f → %.2f%@", oldLP, newLP,
                                    supported ? ", answer found in a new passage" : "")
                }
                context.report(.verdict(round: rounds, accepted: accepted, reason: reason))
                if accepted {
                    let previous = bestAnswer
                    best = candidate
                    if let candidateAnswer {
                        bestAnswer = candidateAnswer
                        if let previous, AnswerMetrics.normalize(previous.answer) == AnswerMetrics.normalize(candidateAnswer.answer) {
                            stop = "answer stable"
                            break
                        }
                    }
                } else {
                    rejected += 1
                    if rejected >= parameters.maxRejected { stop = "\(rejected) rejected update(s)"; break }
                }
            }
            context.report(.stopped(reason: stop))

            let written: AnswerWriter.Written
            if let bestAnswer {
                context.report(.answerText(bestAnswer.answer))
                written = bestAnswer
            } else {
                written = try await answer(from: best, stream: true)
            }
            return StrategyResult(answer: written.answer, rawAnswer: written.raw, citations: written.citations,
                                  passagesSeen: seen, steps: 1 + rounds, usage: usage,
                                  retrievalSeconds: retrievalSeconds, stopReason: stop,
                                  answerLogProbability: written.logProbability)
        }

        /// The next round's passages, new to the question, and the query (or link rule) that found them.
        mutating func nextPassages(note: Note, room: Int, round: Int) async throws -> (String, [Passage]) {
            switch parameters.queryWriter {
            case .links:
                let retriever = context.retriever, question = question, seen = seen
                let linked = try Stopwatch.time(&retrievalSeconds) {
                    try retriever.linked(to: seen, question: question, limit: room + seen.count)
                }.unseen(in: seen)
                if !linked.isEmpty {
                    return ("documents linked to the \(seen.count) passages seen", Array(linked.prefix(room)))
                }
                // Nothing linked: go deeper in the question's own ranking.
                let deeper = try retrieve(question, limit: seen.count + room).unseen(in: seen)
                return ("\(question) (deeper)", Array(deeper.prefix(room)))
            case .model:
                let reply = try await generate(prompts.newQueries(question: question, note: note.text, asked: asked),
                                               tokens: prompts.queryTokens)
                let queries = QueryListParser.queries(reply, asked: asked)
                for q in queries { context.report(.thought(round: round, text: q)) }
                asked += queries
                let query = String((queries.joined(separator: "\n") + "\n" + question).prefix(500))
                let found = try retrieve(query, limit: seen.count + room).unseen(in: seen)
                return (query, Array(found.prefix(room)))
            }
        }

        mutating func makeNote(_ passages: [Passage]) async throws -> Note {
            switch parameters.noteWriter {
            case .extractive:
                return Note(extractive: extractor.extend(ExtractiveNote(), with: passages, question: question), written: "", sources: passages)
            case .model:
                let fitted = fit(passages) { prompts.initialNote($0, question: question) }
                let text = try await generate(prompts.initialNote(fitted, question: question), tokens: prompts.noteTokens)
                return Note(extractive: nil, written: Self.oneParagraph(text), sources: passages)
            }
        }

        mutating func refine(_ note: Note, with passages: [Passage]) async throws -> Note {
            switch parameters.noteWriter {
            case .extractive:
                let extended = extractor.extend(note.extractive ?? ExtractiveNote(), with: passages, question: question)
                return Note(extractive: extended, written: "", sources: note.sources + passages)
            case .model:
                let fitted = fit(passages) { prompts.refine(note: note.written, passages: $0, question: question) }
                let text = try await generate(prompts.refine(note: note.written, passages: fitted, question: question),
                                              tokens: prompts.noteTokens)
                return Note(extractive: nil, written: Self.oneParagraph(text), sources: note.sources + passages)
            }
        }

        mutating func answer(from note: Note, stream: Bool = false) async throws -> AnswerWriter.Written {
            var writer = AnswerWriter(context: context)
            let note = focused(note)
            let messages = context.prompts.note(note.text, question: question)
            if !stream { writer.context.observer = nil }
            return try await writer.write(messages, question: question, passages: note.passages, usage: &usage, stream: stream,
                                          logProbability: parameters.reviewer == .likelihood)
        }

        /// The note the answer reads (``Parameters/focus``).
        func focused(_ note: Note) -> Note {
            guard parameters.focus != .all, let extractive = note.extractive else { return note }
            var kept = Set<Int64>()
            var roots = 0
            let namedOnly = parameters.focus == .named && extractive.entries.contains { named.contains($0.passage.chunkID) }
            for entry in extractive.entries where entry.passage.via == nil {
                if named.contains(entry.passage.chunkID) {
                    kept.insert(entry.passage.chunkID)
                } else if !namedOnly && roots < parameters.chainRoots {
                    kept.insert(entry.passage.chunkID)
                    roots += 1
                }
            }
            // Links are found in rounds, after what they link from: one pass in note order follows chains.
            for entry in extractive.entries {
                if let via = entry.passage.via, kept.contains(via) { kept.insert(entry.passage.chunkID) }
            }
            var focused = extractive
            focused.entries = extractive.entries.filter { kept.contains($0.passage.chunkID) }
            return Note(extractive: focused, written: note.written, sources: note.sources)
        }

        mutating func generate(_ messages: [ChatMessage], tokens: Int) async throws -> String {
            try Task.checkCancellation()
            let result = try await context.model.complete(.chat(messages), parameters: prompts.parameters(tokens))
            usage.add(result)
            return result.text
        }

        mutating func retrieve(_ query: String, limit: Int) throws -> [Passage] {
            let retriever = context.retriever
            return try Stopwatch.time(&retrievalSeconds) { try retriever.retrieve(query, limit: limit) }
        }

        func fit(_ passages: [Passage], render: ([Passage]) -> [ChatMessage]) -> [Passage] {
            PromptBudget.fit(passages, model: context.model, reserve: prompts.noteTokens + 16, render: render)
        }

        /// The paper strips a refined note's newlines; a note is one paragraph.
        static func oneParagraph(_ text: String) -> String {
            text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }.joined(separator: " ")
        }
    }
}

import Foundation
