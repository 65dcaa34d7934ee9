// rag-bench: lexical retrieval benchmark (ingest throughput, BM25 latency and recall@10).
// Run through benchmarks/bm25/run.sh, which also runs the bm25s peer and prints ratios.
//
//   rag-bench [--corpus wiki.jsonl] [--questions dir] [--html dir] [--json out.json]
import Documents
import Foundation
import Retrieval
import Store

/// `<package root>/../shared`, where the project's evaluation data lives beside the checkout.
let sharedFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared").path

struct BenchOptions {
    var corpus = sharedFolder + "/data/corpus/wiki.jsonl"
    var questions = sharedFolder + "/data/questions"
    var html = "/usr/share/doc/sqlite3"
    var json: String?

    init(arguments: [String]) throws {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            guard let value = iterator.next() else { throw BenchError("missing value after \(flag)") }
            switch flag {
            case "--corpus": corpus = value
            case "--questions": questions = value
            case "--html": html = value
            case "--json": json = value
            default: throw BenchError("unknown flag \(flag); flags: --corpus --questions --html --json")
            }
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

struct Question: Decodable {
    var id: String
    var dataset: String
    var question: String
    var supporting_ids: [String]
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// CPU seconds (user + system) used by this process: on a shared, loaded machine this tells work
/// apart from waiting for a core.
func cpu() -> Double {
    var usage = rusage()
    #if os(Linux)
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
    getrusage(RUSAGE_SELF, &usage)
    #endif
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    if values.isEmpty { return 0 }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(p * Double(sorted.count)))]
}

func median(_ values: [Double]) -> Double {
    if values.isEmpty { return 0 }
    let sorted = values.sorted()
    let mid = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/// Turns a loaded file into a store input (chunked with the default chunker).
func sourceInput(_ loaded: LoadedSource, path: String, size: Int, date: Date, chunker: Chunker) -> SourceInput {
    let documents = loaded.documents.map { document in
        DocumentInput(name: document.name, title: document.title, type: document.type.rawValue,
                      chunks: chunker.chunks(of: document).map {
                          ChunkInput(ordinal: $0.ordinal, text: $0.text, heading: $0.headingPath.joined(separator: " > "),
                                     start: $0.start, end: $0.end)
                      })
    }
    return SourceInput(path: path, contentHash: "\(size)-\(date.timeIntervalSince1970)", modificationDate: date,
                       size: size, type: loaded.type.rawValue, documents: documents)
}

func temporaryIndex(_ name: String) throws -> (URL, IndexStore) {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("rag-bench-\(name)-\(getpid())")
    try? FileManager.default.removeItem(at: url)
    return (url, try IndexStore(directory: url))
}

func runBench() throws {
    let options = try BenchOptions(arguments: CommandLine.arguments)
    var result: [String: Any] = [:]
    let chunker = Chunker()

    // 1. Ingest the JSONL corpus (load + chunk + one transaction), then merge the FTS segments.
    let corpusURL = URL(fileURLWithPath: options.corpus)
    let corpusBytes = (try FileManager.default.attributesOfItem(atPath: corpusURL.path)[.size] as? Int) ?? 0
    let (wikiURL, store) = try temporaryIndex("wiki")
    defer { try? FileManager.default.removeItem(at: wikiURL) }
    var t0 = now()
    var c0 = cpu()
    let loaded = try DocumentLoader.load(corpusURL)
    let input = sourceInput(loaded, path: corpusURL.path, size: corpusBytes, date: Date(), chunker: chunker)
    let tLoaded = now()
    let written = try store.write([input])
    let tWritten = now()
    let ingestCPU = cpu() - c0
    try store.optimize()
    let tOptimized = now()
    let ingestSeconds = tWritten - t0
    result["wiki_ingest"] = [
        "bytes": corpusBytes, "documents": loaded.documents.count, "chunks": written.chunksAdded,
        "seconds": ingestSeconds, "cpu_seconds": ingestCPU, "load_chunk_seconds": tLoaded - t0, "write_seconds": tWritten - tLoaded,
        "optimize_seconds": tOptimized - tWritten,
        "mb_per_s": Double(corpusBytes) / 1e6 / ingestSeconds, "chunks_per_s": Double(written.chunksAdded) / ingestSeconds,
    ]
    print(String(format: "wiki ingest: %d passages -> %d chunks, %.1f MB in %.2f s, %.2f s CPU (load+chunk %.2f s, write %.2f s; optimize %.2f s): %.2f MB/s, %.0f chunks/s",
                 loaded.documents.count, written.chunksAdded, Double(corpusBytes) / 1e6, ingestSeconds, ingestCPU, tLoaded - t0,
                 tWritten - tLoaded, tOptimized - tWritten, Double(corpusBytes) / 1e6 / ingestSeconds,
                 Double(written.chunksAdded) / ingestSeconds))

    // 2. Questions: latency and recall@10 of the supporting passages, per dataset.
    let questionFiles = try FileManager.default.contentsOfDirectory(atPath: options.questions)
        .filter { $0.hasSuffix(".jsonl") && !$0.hasPrefix("triviaqa") }.sorted()
    let decoder = JSONDecoder()
    var questions: [Question] = []
    for file in questionFiles {
        let text = try String(contentsOfFile: options.questions + "/" + file, encoding: .utf8)
        for line in text.split(separator: "\n") where !line.isEmpty {
            questions.append(try decoder.decode(Question.self, from: Data(line.utf8)))
        }
    }
    // The in-memory engine's one-off build (read the FTS5 index, precompute impacts), timed apart.
    t0 = now()
    c0 = cpu()
    let postings = try store.lexicalPostings()
    let tPostings = now()
    let postingsCPU = cpu() - c0
    let memoryIndex = BM25MemoryIndex(postings)
    let tIndex = now()
    result["memory_index_build"] = ["read_postings_seconds": tPostings - t0, "read_postings_cpu_seconds": postingsCPU, "impacts_seconds": tIndex - tPostings,
                                    "postings": postings.documents.count, "terms": postings.terms.count]
    print(String(format: "in-memory BM25 index: %d terms, %d postings; read %.2f s (%.2f s CPU) + build %.2f s (once per index generation)",
                 postings.terms.count, postings.documents.count, tPostings - t0, postingsCPU, tIndex - tPostings))
    _ = try BM25Retriever(store: store, engine: .memory).search("warm", limit: 1)  // caches it on the store
    _ = memoryIndex
    if ProcessInfo.processInfo.environment["RAG_BENCH_PROFILE"] != nil {
        // Where a memory-engine query spends its time (CPU seconds over all questions).
        let keywordLists = questions.map { FTSQueryBuilder.keywords(in: $0.question) }
        var c = cpu()
        for _ in questions { _ = try store.generation() }
        print(String(format: "profile: generation() %.1f us/query", (cpu() - c) / Double(questions.count) * 1e6))
        c = cpu()
        let tokenLists = try keywordLists.map { try store.ftsTokens($0) }
        print(String(format: "profile: ftsTokens %.1f us/query", (cpu() - c) / Double(questions.count) * 1e6))
        c = cpu()
        let rankedLists = tokenLists.map { memoryIndex.search(tokens: $0, limit: 10) }
        print(String(format: "profile: scoring %.1f us/query", (cpu() - c) / Double(questions.count) * 1e6))
        c = cpu()
        for ranked in rankedLists { _ = try store.chunks(ids: ranked.map(\.chunkID)) }
        print(String(format: "profile: chunks(ids:) %.1f us/query", (cpu() - c) / Double(questions.count) * 1e6))
    }
    let engines: [(String, any Retriever)] = [
        ("fts5", BM25Retriever(store: store, engine: .fts5)),
        ("memory", BM25Retriever(store: store, engine: .memory)),
    ]
    var perEngine: [String: Any] = [:]
    for (engineName, retriever) in engines {
        for question in questions.prefix(20) { _ = try retriever.search(question.question, limit: 10) }  // warm-up
        var latencies: [String: [Double]] = [:]
        var recalls: [String: [Double]] = [:]
        var total = 0.0
        let searchCPU0 = cpu()
        for question in questions {
            t0 = now()
            let hits = try retriever.search(question.question, limit: 10)
            let elapsed = now() - t0
            total += elapsed
            var names: [String] = []
            for hit in hits { if let name = hit.chunk?.documentName, !names.contains(name) { names.append(name) } }
            let found = question.supporting_ids.filter { names.prefix(10).contains($0) }.count
            let recall = question.supporting_ids.isEmpty ? 0 : Double(found) / Double(question.supporting_ids.count)
            latencies[question.dataset, default: []].append(elapsed)
            recalls[question.dataset, default: []].append(recall)
            latencies["all", default: []].append(elapsed)
            recalls["all", default: []].append(recall)
        }
        var rows: [String: Any] = [:]
        print("\nBM25 (\(engineName)) on \(questions.count) questions, top 10:")
        print("dataset            n   median ms   p95 ms   recall@10")
        for dataset in latencies.keys.sorted(by: { $0 == "all" ? false : ($1 == "all" ? true : $0 < $1) }) {
            let lat = latencies[dataset]!, rec = recalls[dataset]!
            let recall = rec.reduce(0, +) / Double(rec.count)
            rows[dataset] = ["n": lat.count, "median_ms": median(lat) * 1e3, "p95_ms": percentile(lat, 0.95) * 1e3,
                             "recall_at_10": recall]
            let name = dataset.padding(toLength: max(16, dataset.count), withPad: " ", startingAt: 0)
            print(name + String(format: " %4d   %8.3f  %7.3f   %.3f", lat.count, median(lat) * 1e3,
                                percentile(lat, 0.95) * 1e3, recall))
        }
        let searchCPU = cpu() - searchCPU0
        rows["queries_per_s"] = Double(questions.count) / total
        rows["queries_per_cpu_s"] = Double(questions.count) / searchCPU
        print(String(format: "throughput: %.0f queries/s wall, %.0f per CPU second (one query at a time, hits with chunk text)",
                     Double(questions.count) / total, Double(questions.count) / searchCPU))
        perEngine[engineName] = rows
    }
    result["search"] = perEngine

    // 3. Ingest HTML (the SQLite documentation): walk, load, chunk, write in batches of 64 files.
    let htmlURL = URL(fileURLWithPath: options.html)
    if FileManager.default.fileExists(atPath: htmlURL.path) {
        let (htmlIndexURL, htmlStore) = try temporaryIndex("html")
        defer { try? FileManager.default.removeItem(at: htmlIndexURL) }
        t0 = now()
        let walked = FileWalker(options: WalkOptions(globs: ["*.html", "*.htm"])).walk([htmlURL])
        var batch: [SourceInput] = []
        var bytes = 0, chunks = 0, files = 0, failures = 0
        for file in walked.files {
            do {
                let loaded = try DocumentLoader.load(file.url)
                batch.append(sourceInput(loaded, path: file.url.path, size: file.size, date: file.modificationDate, chunker: chunker))
                bytes += file.size
                files += 1
            } catch {
                failures += 1
            }
            if batch.count == 64 { chunks += try htmlStore.write(batch).chunksAdded; batch.removeAll() }
        }
        chunks += try htmlStore.write(batch).chunksAdded
        let seconds = now() - t0
        result["html_ingest"] = ["files": files, "failed": failures, "bytes": bytes, "chunks": chunks, "seconds": seconds,
                                 "mb_per_s": Double(bytes) / 1e6 / seconds, "chunks_per_s": Double(chunks) / seconds]
        print(String(format: "\nhtml ingest (%@): %d files (%d failed), %.1f MB -> %d chunks in %.2f s: %.2f MB/s, %.0f chunks/s",
                     htmlURL.path as NSString, files, failures, Double(bytes) / 1e6, chunks, seconds, Double(bytes) / 1e6 / seconds,
                     Double(chunks) / seconds))
    }

    if let json = options.json {
        let data = try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: json))
    }
}

do {
    try runBench()
} catch {
    FileHandle.standardError.write(Data("rag-bench: \(error)\n".utf8))
    exit(1)
}
