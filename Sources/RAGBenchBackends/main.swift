import Embeddings
import Foundation
import PostgresStore
import RAG
import Retrieval
import Store

// Benchmark (not a test) of the two index backends side by side, in one run:
//
//   rag-bench-backends query --sqlite DIR --postgres URL --questions FILE... [--max 200] [--limit 10]
//       Per-query latency p50/p99 of bm25, dense (PostgreSQL: HNSW and exact) and hybrid on the same
//       index in both backends (e.g. one made by `rag migrate`), the questions embedded once up front
//       (the same MiniLM cost on both sides, left out), and the overlap@limit of HNSW with exact.
//   rag-bench-backends synth --sqlite DIR --postgres URL --chunks N [--batch 2000] [--queries 200]
//       Writes N synthetic chunks (random words from a 20k-word vocabulary; 384-d unit vectors in
//       2,000 clusters, as text embeddings are, not uniform noise, on which no ANN index works)
//       into both (empty) backends, timing the writes (PostgreSQL: and its HNSW index), then queries
//       with random words and vectors as above.
//
// One JSON line per measurement on stdout; progress on stderr.

struct Arguments {
    var values: [String: [String]] = [:]
    init(_ list: ArraySlice<String>) {
        var key = ""
        for item in list {
            if item.hasPrefix("--") { key = String(item.dropFirst(2)); values[key, default: []] = [] } else { values[key, default: []].append(item) }
        }
    }
    func one(_ key: String) -> String? { values[key]?.first }
    func int(_ key: String, _ fallback: Int) -> Int { one(key).flatMap(Int.init) ?? fallback }
}

func log(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

func emit(_ fields: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

/// An embedder answering with vectors computed before the clock starts.
struct PrecomputedEmbedder: Embedder {
    let vectors: [String: [Float]]
    var modelID: String { "all-MiniLM-L6-v2" }
    var dimension: Int { 384 }
    func embed(_ texts: [String]) throws -> [[Float]] { texts.map { vectors[$0] ?? [Float](repeating: 0, count: 384) } }
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
}

/// Times each query once after a warm-up pass; returns (p50, p99) in ms and the results.
func time(_ retriever: any Retriever, _ queries: [String], limit: Int) throws -> (p50: Double, p99: Double, hits: [[Int64]]) {
    for query in queries.prefix(min(20, max(1, queries.count / 4))) { _ = try retriever.search(query, limit: limit) }
    var samples: [Double] = []
    var hits: [[Int64]] = []
    for query in queries {
        let start = DispatchTime.now().uptimeNanoseconds
        let found = try retriever.search(query, limit: limit)
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        hits.append(found.map(\.chunkID))
    }
    samples.sort()
    return (percentile(samples, 0.5), percentile(samples, 0.99), hits)
}

func overlap(_ a: [[Int64]], _ b: [[Int64]]) -> Double {
    let pairs = zip(a, b).map { x, y -> Double in
        y.isEmpty ? 1 : Double(Set(x).intersection(y).count) / Double(y.count)
    }
    return pairs.isEmpty ? 0 : pairs.reduce(0, +) / Double(pairs.count)
}

func measure(sqlite: IndexStore, postgres: PostgresIndexStore, queries: [String], embedder: any Embedder, limit: Int, label: String,
             exactQueries: Int? = nil) throws {
    let fusion = EngineConfiguration.defaultHybridFusion
    let loaded = try sqlite.loadVectors()
    let dense = DenseRetriever(index: VectorIndex(ids: loaded.ids, dimension: loaded.dimension, matrix: loaded.matrix),
                               embedder: embedder, store: sqlite)
    let bm25 = BM25Retriever(store: sqlite)
    let local: [(String, any Retriever)] = [("bm25", bm25), ("dense", dense), ("hybrid", HybridRetriever([bm25, dense], fusion: fusion))]
    let server: [(String, any Retriever)] = [
        ("bm25", ServerLexicalRetriever(backend: postgres)),
        ("dense", ServerDenseRetriever(backend: postgres, embedder: embedder)),
        ("dense-exact", ServerDenseRetriever(backend: postgres, embedder: embedder, exact: true)),
        ("hybrid", ServerHybridRetriever(backend: postgres, embedder: embedder, fusion: fusion)),
    ]
    var sqliteP50: [String: Double] = [:]
    for (name, retriever) in local {
        let t = try time(retriever, queries, limit: limit)
        sqliteP50[name] = t.p50
        emit(["set": label, "backend": "sqlite", "retriever": name, "queries": queries.count, "p50_ms": t.p50, "p99_ms": t.p99])
    }
    var results: [String: [[Int64]]] = [:]
    for (name, retriever) in server {
        // The exact scan is slow at scale: fewer queries, and the overlap counted on those.
        let asked = name == "dense-exact" ? Array(queries.prefix(exactQueries ?? queries.count)) : queries
        let t = try time(retriever, asked, limit: limit)
        results[name] = t.hits
        var fields: [String: Any] = ["set": label, "backend": "postgresql", "retriever": name, "queries": asked.count,
                                     "p50_ms": t.p50, "p99_ms": t.p99, "lexical": postgres.lexicalRanking]
        if let base = sqliteP50[name == "dense-exact" ? "dense" : name] { fields["p50_over_sqlite"] = t.p50 / base }
        emit(fields)
    }
    if let hnsw = results["dense"], let exact = results["dense-exact"] {
        emit(["set": label, "backend": "postgresql", "hnsw_overlap_with_exact_at_\(limit)": overlap(hnsw, exact)])
    }
}

func questionTexts(_ files: [String], max: Int) throws -> [String] {
    var texts: [String] = []
    for file in files {
        var n = 0
        for line in try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n") where n < max {
            if let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let q = object["question"] as? String {
                texts.append(q)
                n += 1
            }
        }
    }
    return texts
}

func runQuery(_ args: Arguments) throws {
    guard let dir = args.one("sqlite"), let url = args.one("postgres"), let files = args.values["questions"], !files.isEmpty else {
        log("usage: rag-bench-backends query --sqlite DIR --postgres URL --questions FILE... [--max 200] [--limit 10]"); exit(64)
    }
    let engine = try Engine(configuration: EngineConfiguration(indexDirectory: URL(fileURLWithPath: dir)), readOnly: true)
    let queries = try questionTexts(files, max: args.int("max", 200))
    log("embedding \(queries.count) questions")
    let model = try engine.embedder()
    let vectors = try model.embed(queries)
    let embedder = PrecomputedEmbedder(vectors: Dictionary(zip(queries, vectors), uniquingKeysWith: { a, _ in a }))
    let sqlite = try IndexStore(directory: URL(fileURLWithPath: dir), createIfMissing: false, readOnly: true)
    let postgres = try PostgresIndexStore(url: url, createIfMissing: false, readOnly: true, lexical: args.one("lexical"))
    let (s, p) = (try sqlite.statistics().chunks, try postgres.statistics().chunks)
    log("chunks: sqlite \(s), postgresql \(p)")
    try measure(sqlite: sqlite, postgres: postgres, queries: queries, embedder: embedder, limit: args.int("limit", 10), label: "\(s) chunks")
}

/// A reproducible generator (xorshift64*).
struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state >> 12; state ^= state << 25; state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
    mutating func unit(_ n: Int) -> [Float] {
        normalized((0..<n).map { _ in uniform() })
    }
    mutating func uniform() -> Float { Float(Int64(bitPattern: next() % 2_000_001) - 1_000_000) / 1_000_000 }
    /// A point near `center`: about 0.8 cosine to it (noise of a third of its norm per unit vector).
    mutating func near(_ center: [Float]) -> [Float] {
        let noise = unit(center.count)
        return normalized(zip(center, noise).map { $0 + 0.75 * $1 })
    }
    func normalized(_ v: [Float]) -> [Float] {
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { $0 / norm }
    }
}

func runSynth(_ args: Arguments) throws {
    guard let dir = args.one("sqlite"), let url = args.one("postgres") else {
        log("usage: rag-bench-backends synth --sqlite DIR --postgres URL --chunks N [--batch 2000] [--queries 200]"); exit(64)
    }
    let total = args.int("chunks", 100_000), batch = args.int("batch", 2000)
    var random = Random(state: 0x9E37_79B9_7F4A_7C15)
    let syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "zen", "dar", "pel", "qua", "bri", "sto", "wen", "fy"]
    let vocabulary = (0..<20_000).map { i -> String in
        var word = "", x = i + 1
        while x > 0 { word += syllables[x % syllables.count]; x /= syllables.count }
        return word
    }
    // Zipf-like word choice: squaring a uniform number favours the first words.
    func word(_ r: inout Random) -> String {
        let u = Double(r.next() % 1_000_000) / 1_000_000
        return vocabulary[min(vocabulary.count - 1, Int(u * u * Double(vocabulary.count)))]
    }
    let centers = (0..<2000).map { _ in random.unit(384) }
    func vector(_ r: inout Random) -> [Float] { r.near(centers[Int(r.next() % UInt64(centers.count))]) }
    let sqlite = try IndexStore(directory: URL(fileURLWithPath: dir))
    let postgres = try PostgresIndexStore(url: url)
    for store in [sqlite as any IndexBackend, postgres] {
        guard try store.statistics().chunks == 0 else { log("\(store.location) is not empty"); exit(1) }
        try store.setEmbeddingModel(id: "all-MiniLM-L6-v2", dimension: 384)
    }
    var seconds: [String: Double] = ["sqlite": 0, "postgresql": 0]
    var written = 0, file = 0
    // --bulk: the load as `rag migrate` does it (PostgreSQL's HNSW index built once at the end).
    let bulk = args.values["bulk"] != nil
    var loadEnd = Date()
    func load() throws {
    while written < total {
        let n = min(batch, total - written)
        var documents: [DocumentInput] = []
        for d in stride(from: 0, to: n, by: 10) {
            let chunks = (0..<min(10, n - d)).map { c in
                ChunkInput(ordinal: c, text: (0..<60).map { _ in word(&random) }.joined(separator: " "), heading: "",
                           start: c * 400, end: c * 400 + 400, vector: vector(&random))
            }
            documents.append(DocumentInput(name: "synth-\(file)-\(d)", title: "Synthetic \(file) \(d)", type: "text", chunks: chunks))
        }
        let source = SourceInput(path: "synth-\(file).jsonl", contentHash: "h\(file)", modificationDate: Date(), size: n * 400,
                                 type: "jsonl", documents: documents)
        for (name, store) in [("sqlite", sqlite as any IndexBackend), ("postgresql", postgres)] {
            let start = Date()
            _ = try store.write([source])
            seconds[name, default: 0] += Date().timeIntervalSince(start)
        }
        written += n
        file += 1
        log("written \(written)/\(total)  sqlite \(Int(Double(written) / seconds["sqlite"]!))/s  postgresql \(Int(Double(written) / seconds["postgresql"]!))/s")
    }
        loadEnd = Date()
    }
    var buildSeconds = 0.0
    if bulk {
        try postgres.withBulkLoad { try load() }
        buildSeconds = Date().timeIntervalSince(loadEnd)
        seconds["postgresql", default: 0] += buildSeconds
        log("HNSW index built in \(Int(buildSeconds)) s")
    } else {
        try load()
    }
    let startOptimize = Date()
    try sqlite.optimize()
    let optimizeSQLite = Date().timeIntervalSince(startOptimize)
    for name in ["sqlite", "postgresql"] {
        emit(["set": "synthetic \(total)", "backend": name, "write_chunks_per_s": Double(total) / seconds[name]!, "write_seconds": seconds[name]!,
              "optimize_seconds": name == "sqlite" ? optimizeSQLite : 0, "bulk": bulk,
              "index_build_seconds": name == "sqlite" ? 0 : buildSeconds])
    }
    let count = args.int("queries", 200)
    let queries = (0..<count).map { _ in (0..<4).map { _ in word(&random) }.joined(separator: " ") }
    let embedder = PrecomputedEmbedder(vectors: Dictionary(uniqueKeysWithValues: zip(queries, queries.map { _ in vector(&random) })))
    try measure(sqlite: sqlite, postgres: postgres, queries: queries, embedder: embedder, limit: args.int("limit", 10),
                label: "synthetic \(total)", exactQueries: args.int("exact-queries", count))
}

let arguments = CommandLine.arguments
switch arguments.dropFirst().first {
case "query": try runQuery(Arguments(arguments.dropFirst(2)))
case "synth": try runSynth(Arguments(arguments.dropFirst(2)))
default:
    log("usage: rag-bench-backends query|synth ... (see Sources/RAGBenchBackends/main.swift)")
    exit(64)
}
