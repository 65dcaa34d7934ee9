import Foundation
import GRDB
import Testing
@testable import Store

/// Stored links as (chunk, document) pairs.
func storedLinks(_ store: IndexStore) throws -> Set<[Int64]> {
    try store.writer.read { db in
        Set(try Row.fetchAll(db, sql: "SELECT chunk_id, document_id FROM links").map { [$0[0] as Int64, $0[1] as Int64] })
    }
}

/// The links a full recompute finds (what the v3 backfill would write now).
func recomputedLinks(_ store: IndexStore) throws -> Set<[Int64]> {
    try store.writer.read { db in
        var documents: [(id: Int64, title: String)] = []
        for row in try Row.fetchAll(db, sql: "SELECT id, title FROM documents") { documents.append((row[0], row[1])) }
        let matcher = TitleMatcher(documents: documents)
        var result = Set<[Int64]>()
        for row in try Row.fetchAll(db, sql: "SELECT c.id, c.text, d.title FROM chunks c JOIN documents d ON d.id = c.document_id") {
            let id: Int64 = row[0]
            let text: String = row[1]
            let title: String = row[2]
            let fast = matcher.linkedDocuments(inText: text, ownTitle: title)
            #expect(fast == TitleMatcher.referenceLinkedDocuments(inText: text, ownTitle: title, documents: documents))
            for target in fast { result.insert([id, target]) }
        }
        return result
    }
}

/// Titles of the documents a chunk links to, in the order `linkedChunks` returns them.
func linkedTitles(_ store: IndexStore, from id: Int64, _ direction: LinkDirection) throws -> [String] {
    try store.linkedChunks(from: [id]).filter { $0.direction == direction }.map(\.to.title)
}

func firstChunk(_ store: IndexStore, _ sourcePath: String) throws -> Int64 {
    try #require(try store.chunkIDs(sourcePath: sourcePath).first)
}

@Suite struct LinkTests {
    @Test func outLinksAndInLinks() throws {
        let store = try IndexStore.inMemory()
        try store.write([
            makeSource("films.jsonl", documents: [
                ("p1", "Sinister (film)", ["Sinister is a 2012 horror film directed by Scott Derrickson."]),
                ("p2", "Doctor Strange (2016 film)", ["Doctor Strange was directed by scott derrickson and stars Benedict Cumberbatch."]),
            ]),
            makeSource("people.jsonl", documents: [
                ("p3", "Scott Derrickson", ["Scott Derrickson (born 1966) is an American director.", "He directed Sinister.",
                                            "third", "fourth", "fifth"]),
            ]),
        ])
        let sinister = try firstChunk(store, "films.jsonl")
        let derrickson = try firstChunk(store, "people.jsonl")
        // Out-links: the first four chunks (by ordinal) of the mentioned document.
        let out = try store.linkedChunks(from: [sinister])
        #expect(out.map(\.direction) == [.mentions, .mentions, .mentions, .mentions])
        #expect(out.map(\.to.ordinal) == [0, 1, 2, 3])
        #expect(out.allSatisfy { $0.from == sinister && $0.to.title == "Scott Derrickson" })
        #expect(try store.linkedChunks(from: [sinister], limitPerDocument: 1).filter { $0.direction == .mentions }
                    .map(\.to.id) == [derrickson])
        // In-links: passages of other documents that mention the chunk's document title; the
        // second Derrickson chunk mentions "Sinister" (core of "Sinister (film)").
        let links = try store.linkedChunks(from: [derrickson])
        #expect(links.filter { $0.direction == .mentionedBy }.map(\.to.title) == ["Sinister (film)", "Doctor Strange (2016 film)"])
        #expect(try store.linkedChunks(from: [derrickson], mentionedByLimit: 1).filter { $0.direction == .mentionedBy }.count == 1)
        // The Derrickson chunk "He directed Sinister." links to the film: seen from the film, it is
        // both a `.mentions` target and a `.mentionedBy` source, and is listed once.
        let fromFilm = try store.linkedChunks(from: [sinister])
        #expect(Set(fromFilm.map(\.to.id)).count == fromFilm.count)
        // The given chunks themselves are never returned.
        let both = try store.linkedChunks(from: [sinister, derrickson])
        #expect(!both.contains { $0.to.id == sinister || $0.to.id == derrickson })
        #expect(try store.linkedChunks(from: [987_654]).isEmpty)
        #expect(try store.linkedChunks(from: []).isEmpty)
        #expect(try store.linkCount() == 3)  // p1 → p3, p2 → p3, p3#1 → p1
        #expect(try storedLinks(store) == recomputedLinks(store))
    }

    @Test func titlesArrivingLaterGetInLinksFromEarlierChunks() throws {
        let store = try IndexStore.inMemory()
        try store.write([makeSource("a.txt", documents: [("a.txt", "Plan 9", ["A film by Ed Wood, shot in Zürich."])])])
        #expect(try store.linkCount() == 0)
        try store.write([makeSource("b.txt", documents: [("b.txt", "Ed Wood", ["Edward Davis Wood Jr."])])])
        #expect(try linkedTitles(store, from: try firstChunk(store, "a.txt"), .mentions) == ["Ed Wood"])
        // A corpus written in parts: a later part's titles link from an earlier part of the same source.
        try store.write([makeSource("corpus.jsonl", documents: [("c1", "Tim Burton", ["Burton filmed in ZURICH."])])])
        try store.append([DocumentInput(name: "c2", title: "Zurich", type: "jsonl", chunks: [ChunkInput(ordinal: 0, text: "A city.")])],
                         toSource: "corpus.jsonl")
        #expect(try linkedTitles(store, from: try firstChunk(store, "corpus.jsonl"), .mentions) == ["Zurich"])
        #expect(try linkedTitles(store, from: try firstChunk(store, "a.txt"), .mentions) == ["Ed Wood", "Zurich"])
        #expect(try storedLinks(store) == recomputedLinks(store))
    }

    @Test func rewritingASourceReplacesItsLinks() throws {
        let store = try IndexStore.inMemory()
        try store.write([
            makeSource("a.txt", documents: [("a.txt", "Notes", ["We visited Paris and Rome."])]),
            makeSource("paris.txt", documents: [("paris.txt", "Paris", ["Capital of France."])]),
            makeSource("rome.txt", documents: [("rome.txt", "Rome", ["Capital of Italy."])]),
        ])
        #expect(try linkedTitles(store, from: try firstChunk(store, "a.txt"), .mentions) == ["Paris", "Rome"])
        // Out-links of a re-written source follow its new text.
        try store.write([makeSource("a.txt", hash: "h2", documents: [("a.txt", "Notes", ["Only Rome this time."])])])
        #expect(try linkedTitles(store, from: try firstChunk(store, "a.txt"), .mentions) == ["Rome"])
        // In-links of a re-written target follow its new title.
        try store.write([makeSource("rome.txt", hash: "h2", documents: [("rome.txt", "Roma", ["Capital of Italy."])])])
        #expect(try store.linkCount() == 0)
        try store.write([makeSource("rome.txt", hash: "h3", documents: [("rome.txt", "Rome", ["Capital of Italy."])])])
        #expect(try linkedTitles(store, from: try firstChunk(store, "a.txt"), .mentions) == ["Rome"])
        #expect(try storedLinks(store) == recomputedLinks(store))
    }

    @Test func removalRemovesLinksBothWays() throws {
        let store = try IndexStore.inMemory()
        try store.write([
            makeSource("a.txt", documents: [("a.txt", "Travel", ["From Paris to Berlin."])]),
            makeSource("cities.jsonl", documents: [("p", "Paris", ["In France, not Berlin."]), ("b", "Berlin", ["In Germany."])]),
        ])
        #expect(try store.linkCount() == 3)
        try store.removeSources(paths: ["a.txt"])
        #expect(try store.linkCount() == 1)  // Paris → Berlin
        try store.removeSources(paths: ["cities.jsonl"])
        #expect(try store.linkCount() == 0)
        // Raw SQL deletes cascade too (foreign keys are on in every connection).
        try store.write([
            makeSource("a.txt", documents: [("a.txt", "Travel", ["From Paris to Berlin."])]),
            makeSource("cities.jsonl", documents: [("p", "Paris", ["In France."]), ("b", "Berlin", ["In Germany."])]),
        ])
        #expect(try store.linkCount() == 2)
        try store.writer.write { db in try db.execute(sql: "DELETE FROM documents WHERE title = 'Paris'") }
        #expect(try store.linkCount() == 1)
        try store.writer.write { db in try db.execute(sql: "DELETE FROM sources WHERE path = 'a.txt'") }
        #expect(try store.linkCount() == 0)
    }

    @Test func removingATitleRefillsCappedChunks() throws {
        // 33 titles mentioned by one chunk: the shortest is dropped by the cap until a longer one goes.
        let titles = (0..<33).map { "Entity \(String(repeating: "q", count: $0 + 1))" }
        let store = try IndexStore.inMemory()
        try store.write([makeSource("hub.txt", documents: [("hub.txt", "Hub", [titles.joined(separator: "; ")])])]
                        + titles.map { makeSource("\($0).txt", documents: [("\($0).txt", $0, ["about \($0)"])]) })
        let hub = try firstChunk(store, "hub.txt")
        var linked = try linkedTitles(store, from: hub, .mentions)
        #expect(linked.count == TitleMatcher.maximumLinksPerChunk)
        #expect(linked.first == titles.last && !linked.contains(titles[0]))
        try store.removeSources(paths: ["\(titles[32]).txt"])
        linked = try linkedTitles(store, from: hub, .mentions)
        #expect(linked.count == 32 && linked.contains(titles[0]))
        #expect(try storedLinks(store) == recomputedLinks(store))
    }

    @Test func shortCommonAmbiguousAndOwnTitlesAreSkipped() throws {
        let store = try IndexStore.inMemory()
        let text = "Home, Us, 1984, Introduction; Parisians. The Martin Luther article."
        try store.write([makeSource("a.txt", documents: [("a.txt", "Martin Luther", [text])])]
                        + ["Home", "Us", "1984", "Paris"].map { makeSource("\($0).txt", documents: [("\($0).txt", $0, ["x"])]) }
                        + (0...20).map { makeSource("intro\($0).md", documents: [("intro\($0).md", "Introduction", ["x"])]) }
                        + [makeSource("luther2.jsonl", documents: [("l2", "Martin Luther", ["His early life."])])])
        #expect(try store.linkCount() == 0)
        // A question naming "Martin Luther" does find those passages (no own document to exclude).
        #expect(try store.documentsTitled(in: text, limit: 10).map(\.title) == ["Martin Luther", "Martin Luther"])
        // The 21st "Introduction" removed: 20 documents share it now, so it links.
        try store.removeSources(paths: ["intro0.md"])
        #expect(try store.linkCount() == 20)
        #expect(try storedLinks(store) == recomputedLinks(store))
    }

    @Test func quotesAndFTSOperatorsInTitlesAndTexts() throws {
        let store = try IndexStore.inMemory()
        let titles = [#""Quoted" Title"#, "AND OR NOT", "NEAR(alpha, beta)", "C++ *star*", "text: column", #"she said ""hi"""#,
                      "^caret -minus", "{title} : x", "\"", "()", "a\"b\"c\"d"]
        try store.write(titles.enumerated().map { index, title in
            makeSource("t\(index).txt", documents: [("t\(index).txt", title, ["mentions \(titles[(index + 1) % titles.count])"])])
        })
        try store.write([makeSource("all.txt", documents: [("all.txt", "All", [titles.joined(separator: " | ")])])])
        let linked = Set(try linkedTitles(store, from: try firstChunk(store, "all.txt"), .mentions))
        #expect(linked == [#""Quoted" Title"#, "AND OR NOT", "NEAR(alpha, beta)", "C++ *star*", "text: column",
                           #"she said ""hi"""#, "^caret -minus", "{title} : x", "a\"b\"c\"d"])
        #expect(try store.documentsTitled(in: #"Was "AND OR NOT" written by {title} : x?"#, limit: 5).map(\.title)
                == ["AND OR NOT", "{title} : x"])
        try store.removeSources(paths: titles.indices.map { "t\($0).txt" })
        #expect(try store.linkCount() == 0)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func documentsTitledFindsNamedPassagesLongestFirst() throws {
        let store = try IndexStore.inMemory()
        try store.write([
            makeSource("people.jsonl", documents: [
                ("p1", "Scott Derrickson", ["Scott Derrickson is a director.", "Second paragraph."]),
                ("p2", "Ed Wood (director)", ["Ed Wood was a director."]),
                ("p3", "Ed Wood (film)", ["Ed Wood is a 1994 film."]),
                ("p4", "Empty", []),
            ]),
        ])
        let named = try store.documentsTitled(in: "Were Scott Derrickson and ED WOOD of the same nationality? Empty!", limit: 5)
        #expect(named.map(\.title) == ["Scott Derrickson", "Ed Wood (director)", "Ed Wood (film)"])
        #expect(named.map(\.ordinal) == [0, 0, 0])
        #expect(try store.documentsTitled(in: "Scott Derrickson and Ed Wood", limit: 2).map(\.title) == ["Scott Derrickson", "Ed Wood (director)"])
        #expect(try store.documentsTitled(in: "anything", limit: 0).isEmpty)
        // The cached dictionary follows writes.
        try store.write([makeSource("more.jsonl", documents: [("p5", "Nationality", ["x"])])])
        #expect(try store.documentsTitled(in: "the same nationality", limit: 5).map(\.title) == ["Nationality"])
    }

    @Test func aFailedWriteLeavesLinksAndTheCachedDictionaryIntact() throws {
        let store = try IndexStore.inMemory()
        try store.setEmbeddingModel(id: "m", dimension: 2)
        try store.write([makeSource("a.txt", documents: [("a.txt", "Alpha Centauri", ["near Beta Pictoris"])], vectors: [[1, 2]])])
        let good = makeSource("b.txt", documents: [("b.txt", "Beta Pictoris", ["near Alpha Centauri"])], vectors: [[1, 2]])
        let bad = makeSource("c.txt", documents: [("c.txt", "Gamma", ["y"])], vectors: [[1, 2, 3]])
        #expect(throws: StoreError.self) { try store.write([good, bad]) }
        #expect(try store.linkCount() == 0)
        #expect(try store.documentsTitled(in: "Beta Pictoris", limit: 3).isEmpty)
        try store.write([good])
        #expect(try store.linkCount() == 2)
        #expect(try store.documentsTitled(in: "Beta Pictoris", limit: 3).map(\.title) == ["Beta Pictoris"])
    }

    @Test func aPathWrittenTwiceInOneBatchKeepsTheLastVersionsLinks() throws {
        let store = try IndexStore.inMemory()
        try store.write([
            makeSource("target.txt", documents: [("target.txt", "Kilimanjaro", ["A mountain."])]),
            makeSource("a.txt", documents: [("a.txt", "First", ["climbing Kilimanjaro"])]),
            makeSource("a.txt", hash: "h2", documents: [("a.txt", "Second", ["climbing Kilimanjaro again"])]),
        ])
        #expect(try store.linkCount() == 1)
        #expect(try store.linkedChunks(from: [try firstChunk(store, "a.txt")]).map(\.to.title) == ["Kilimanjaro"])
        #expect(try storedLinks(store) == recomputedLinks(store))
    }

    /// Random writes, appends and removals over overlapping titles: the stored links always equal a
    /// full recompute.
    @Test func incrementalLinksEqualAFullRecompute() throws {
        var random = SeededGenerator(state: 7)
        let words = ["red", "green", "Blue", "amber", "Ōtsu", "fox", "wolf", "hare", "river", "delta"]
        func phrase(_ count: Int) -> String {
            (0..<count).map { _ in words.randomElement(using: &random)! }.joined(separator: " ")
        }
        func documents(_ prefix: String) -> [DocumentInput] {
            (0..<Int.random(in: 1...4, using: &random)).map { index in
                var title = phrase(Int.random(in: 1...3, using: &random))
                if Bool.random(using: &random) { title += " (\(phrase(1)))" }
                return DocumentInput(name: "\(prefix)-\(index)", title: title, type: "text",
                                     chunks: (0..<Int.random(in: 0...3, using: &random)).map {
                                         ChunkInput(ordinal: $0, text: phrase(Int.random(in: 0...30, using: &random)))
                                     })
            }
        }
        let store = try IndexStore.inMemory()
        var paths: [String] = []
        for step in 0..<40 {
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<5:
                let path = Bool.random(using: &random) && !paths.isEmpty ? paths.randomElement(using: &random)! : "s\(step)"
                try store.write([SourceInput(path: path, contentHash: "h\(step)", modificationDate: Date(), size: 1,
                                             type: "text", documents: documents("d\(step)"))])
                if !paths.contains(path) { paths.append(path) }
            case 5..<8 where !paths.isEmpty:
                try store.append(documents("a\(step)"), toSource: paths.randomElement(using: &random)!)
            default:
                if let path = paths.randomElement(using: &random) {
                    try store.removeSources(paths: [path])
                    paths.removeAll { $0 == path }
                }
            }
            #expect(try storedLinks(store) == recomputedLinks(store), "after step \(step)")
        }
        #expect(try store.linkCount() > 0)
    }
}

@Suite struct LinkMigrationTests {
    @Test func openingAVersion2IndexBackfillsLinks() throws {
        let folder = try TemporaryDirectory()
        let file = folder.url.appendingPathComponent(IndexStore.fileName)
        do {
            let queue = try DatabaseQueue(path: file.path, configuration: IndexStore.configuration(readonly: false))
            try Schema.migrator.migrate(queue, upTo: "v2: fts5vocab instance table over chunks_fts")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO sources(id, path, content_hash, mtime, size, type, indexed_at) VALUES (1, 'wiki.jsonl', 'h', 0, 1, 'jsonl', 0);
                    INSERT INTO documents(id, source_id, name, title, type) VALUES
                        (1, 1, 'p1', 'Sinister (film)', 'jsonl'), (2, 1, 'p2', 'Scott Derrickson', 'jsonl'),
                        (3, 1, 'p3', 'Scott Derrickson', 'jsonl'), (4, 1, 'p4', 'Home', 'jsonl');
                    INSERT INTO chunks(id, document_id, ordinal, text, heading, start, "end", text_key) VALUES
                        (10, 1, 0, 'Directed by Scott Derrickson, set at home.', '', 0, 0, 0),
                        (20, 2, 0, 'Derrickson directed Sinister.', '', 0, 0, 0),
                        (30, 3, 0, 'Scott Derrickson, second passage.', '', 0, 0, 0);
                    """)
                #expect(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema_version'") == "2")
            }
        }
        let store = try IndexStore(directory: folder.url, createIfMissing: false)
        #expect(try store.schemaVersion() == 3)
        #expect(try storedLinks(store) == [[10, 2], [10, 3], [20, 1]])
        #expect(try storedLinks(store) == recomputedLinks(store))
        #expect(try store.linkedChunks(from: [20]).map(\.to.id) == [10])
        #expect(try store.linkedChunks(from: [10], limitPerDocument: 1).map(\.to.id) == [20, 30])
        // Writes after the migration keep the links up to date.
        try store.removeSources(paths: ["wiki.jsonl"])
        #expect(try store.linkCount() == 0)
    }
}
