// rag-bench-embed: the Swift side of benchmarks/embeddings and benchmarks/vectors.
// Prints one JSON object per measurement on stdout; the run.sh scripts put it beside the peers.
//
//   rag-bench-embed embed --texts FILE [--batch 32] [--threads 2] [--rounds 3] [--limit N]
//                         [--precision auto|fp32|bf16] [--kernel portable]
//   rag-bench-embed search --n 100000 [--dim 384] [--queries 200] [--batch 32] [--k 10] [--threads 2]
import CKernels
import Foundation
import Embeddings
import Kernels
import RAG
import Retrieval

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("rag-bench-embed: \(message)\n".utf8))
    exit(1)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else { fail("usage: rag-bench-embed embed|peak|search [options]") }
let options: [String: String] = {
    var options: [String: String] = [:]
    var i = 1
    while i < arguments.count {
        guard arguments[i].hasPrefix("--"), i + 1 < arguments.count else { fail("bad argument \(arguments[i])") }
        options[String(arguments[i].dropFirst(2))] = arguments[i + 1]
        i += 2
    }
    return options
}()
func int(_ key: String, _ fallback: Int) -> Int { options[key].flatMap(Int.init) ?? fallback }

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}
func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s.isEmpty ? 0 : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2)
}
func emit(_ object: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
}

let threads = int("threads", 2)
setKernelThreads(threads)   // the kernels' pool runs everything; OpenBLAS stays single-threaded

switch command {
case "embed":
    // Texts: a JSONL file with a "text" (or "question") field per line, or plain lines.
    guard let path = options["texts"] else { fail("embed needs --texts FILE") }
    guard let raw = try? String(contentsOfFile: path, encoding: .utf8) else { fail("cannot read \(path)") }
    var texts: [String] = raw.split(separator: "\n").map { line in
        if line.hasPrefix("{"), let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] {
            return (obj["text"] as? String) ?? (obj["question"] as? String) ?? ""
        }
        return String(line)
    }
    texts = Array(texts.prefix(int("limit", texts.count)))
    let dir: URL
    do { dir = try ModelLocator().embeddingModel(options["model"].map { URL(fileURLWithPath: $0) }) } catch {
        fail("\(error)")
    }
    guard let precision = EmbeddingPrecision(choice: options["precision"] ?? "auto") else {
        fail("--precision takes auto, fp32 or bf16")
    }
    let kernel: BFloat16Matrix.Kernel = options["kernel"] == "portable" ? .portable : .automatic
    let embedder = try MiniLMEmbedder(directory: dir, batchSize: int("batch", 32), precision: precision, kernel: kernel)
    _ = try embedder.embed(Array(texts.prefix(64)))   // warm-up
    var tokenizeTimes: [Double] = [], totalTimes: [Double] = []
    var tokens = 0
    for _ in 0..<int("rounds", 3) {
        let t0 = now()
        let ids = embedder.tokenize(texts)
        let t1 = now()
        let vectors = embedder.embed(tokenIDs: ids)
        let t2 = now()
        precondition(vectors.count == texts.count)
        tokens = ids.reduce(0) { $0 + $1.count }
        tokenizeTimes.append(t1 - t0); totalTimes.append(t2 - t0)
    }
    let total = median(totalTimes)
    // Arithmetic of one pass: the four products per token and layer, and attention's QKᵀ and PV per sequence.
    let c = embedder.encoder.configuration
    let perToken = 2.0 * Double(c.numHiddenLayers) * Double(4 * c.hiddenSize * c.hiddenSize + 2 * c.hiddenSize * c.intermediateSize)
    let lengths = embedder.tokenize(texts).map { Double($0.count) }
    let flops = lengths.reduce(0) { $0 + perToken * $1 + 4.0 * Double(c.numHiddenLayers) * $1 * $1 * Double(c.hiddenSize) }
    emit(["impl": "swift", "gflops": flops / total / 1e9, "sentences": texts.count, "tokens": tokens, "batch": embedder.batchSize,
          "threads": threads, "seconds": total, "sentences_per_s": Double(texts.count) / total,
          "tokenize_share": median(tokenizeTimes) / total, "precision": precision.rawValue,
          "kernel": precision == .bf16 ? (embedder.encoder.usesHardwareKernel ? "avx512bf16" : "portable") : "openblas"])

case "peak":
    // The cores' measured arithmetic peak (register-only FMA / VDPBF16PS chains on every thread), the best
    // of --attempts (default 5): on these VMs two vCPUs sometimes share one physical core's FMA units
    // (then two threads reach what one does), so the best attempt is the hardware's peak.
    setKernelThreads(threads)
    let attempts = max(1, int("attempts", 5))
    let fp32 = (0..<attempts).map { _ in ck_peak_gflops(0) }.max() ?? 0
    let bf16 = (0..<attempts).map { _ in ck_peak_gflops(1) }.max() ?? 0
    emit(["impl": "peak", "threads": threads, "fp32_gflops": fp32, "bf16_gflops": bf16])

case "search":
    let n = int("n", 100_000), d = int("dim", 384), nq = int("queries", 200), batch = int("batch", 32)
    let k = int("k", 10)
    // Random unit vectors (xorshift, deterministic).
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> Float {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return Float(Int64(bitPattern: state >> 11) % 2_000_001) / 1_000_000 - 1
    }
    func unit(_ v: inout ArraySlice<Float>) {
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        for j in v.indices { v[j] /= norm }
    }
    let t0 = now()
    var matrix = [Float](repeating: 0, count: n * d)
    for r in 0..<n {
        var sum: Float = 0
        for j in 0..<d { let x = next(); matrix[r * d + j] = x; sum += x * x }
        let inv = 1 / sum.squareRoot()
        for j in 0..<d { matrix[r * d + j] *= inv }
    }
    var queries: [[Float]] = (0..<nq).map { _ in (0..<d).map { _ in next() } }
    for q in queries.indices { var s = queries[q][...]; unit(&s); queries[q] = Array(s) }
    let build = now() - t0
    let t1 = now()
    let index = VectorIndex(ids: (0..<Int64(n)).map { $0 }, dimension: d, matrix: matrix)
    let open = now() - t1
    matrix = []

    // Memory-bandwidth floor: a parallel sum over the same bytes (best of 5).
    var bandwidth: [Double] = []
    index.matrix.withUnsafeBufferPointer { m in
        for _ in 0..<5 {
            let t = now()
            var partial = [Float](repeating: 0, count: threads)
            partial.withUnsafeMutableBufferPointer { p in
                ParallelFor.ranges(m.count, workers: threads, minimumPerWorker: 1 << 16) { range in
                    var acc = SIMD8<Float>.zero
                    var j = range.lowerBound
                    let base = UnsafeRawPointer(m.baseAddress!)
                    while j + 8 <= range.upperBound {
                        acc += base.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self); j += 8
                    }
                    p[range.lowerBound * threads / m.count] = acc.sum()
                }
            }
            bandwidth.append(Double(m.count * 4) / (now() - t))
            if partial.reduce(0, +).isNaN { print("") }
        }
    }
    let bytesPerScan = Double(n * d * 4)
    let bestBandwidth = bandwidth.max()!

    // Opening from a vector file vs reading the same bytes (page cache warm; best of 3 each).
    let file = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("rag-bench-vectors-\(n).bin")
    try index.write(to: file)
    var openTimes: [Double] = [], readTimes: [Double] = []
    for _ in 0..<3 {
        let t = now(); let reopened = try VectorIndex(contentsOf: file); openTimes.append(now() - t)
        precondition(reopened.count == n)
        let t2 = now(); let bytes = try Data(contentsOf: file); readTimes.append(now() - t2)
        precondition(bytes.count > 0)
    }
    try? FileManager.default.removeItem(at: file)

    _ = index.search(queries[0], limit: k)   // warm-up
    var single: [Double] = []
    for q in queries { let t = now(); _ = index.search(q, limit: k); single.append(now() - t) }
    var batched: [Double] = []
    var start = 0
    while start < nq {
        let chunk = Array(queries[start..<min(nq, start + batch)])
        let t = now(); _ = index.search(batch: chunk, limit: k); batched.append((now() - t) / Double(chunk.count))
        start += batch
    }
    emit(["impl": "swift", "n": n, "dim": d, "k": k, "threads": threads, "batch": batch,
          "single_qps": 1 / median(single), "batch_qps": 1 / median(batched),
          "scan_ms": median(single) * 1000, "floor_ms": bytesPerScan / bestBandwidth * 1000,
          "bandwidth_gbs": bestBandwidth / 1e9, "wrap_ms": open * 1000, "generate_s": build,
          "file_open_ms": openTimes.min()! * 1000, "file_read_ms": readTimes.min()! * 1000])

default:
    fail("unknown command \(command): use embed or search")
}
