// rag-bench-kernels: throughput of the quantized matrix kernels on the shapes of the two models.
//
// Prints, per shape and thread count, the median time of a matrix-vector product (decode) with the
// weight bytes streamed per second (GB/s; decode is bandwidth bound) and of a batch product of
// `--batch` tokens (prefill; GFLOP/s, 2·rows·columns·tokens). The peer line is this machine's
// streaming-read bandwidth measured in the same run: decode GB/s ÷ that ratio says how close a
// kernel is to the memory floor. The "model" lines add up one token's products for SmolLM2-135M
// and Qwen2.5-0.5B (random weights of the right types) to bound tokens/s from the matrices alone.
import CKernels
import Foundation
import Kernels

struct Shape {
    let name: String, type: UInt32, rows: Int, columns: Int
}

let typeNames: [UInt32: String] = [0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 6: "Q5_0", 7: "Q5_1", 8: "Q8_0",
                                   12: "Q4_K", 13: "Q5_K", 14: "Q6_K"]

var arguments = CommandLine.arguments.dropFirst()
var batch = 64
var repeats = 30
var quick = false
nonisolated(unsafe) var useThreadCPUTime = false
while let a = arguments.popFirst() {
    switch a {
    case "--batch": batch = Int(arguments.popFirst() ?? "") ?? batch
    case "--repeats": repeats = Int(arguments.popFirst() ?? "") ?? repeats
    case "--quick": quick = true
    case "--cpu": useThreadCPUTime = true
    default: print("usage: rag-bench-kernels [--batch N] [--repeats N] [--quick] [--cpu]"); exit(64)
    }
}

/// Random weights of `type` with small valid scales (half floats at the block's scale offsets).
final class Weights {
    let pointer: UnsafeMutableRawPointer
    let bytes: Int
    init(type: UInt32, rows: Int, columns: Int, seed: UInt64) {
        bytes = QuantizedMatrix.rowSize(type: type, columns: columns) * rows
        pointer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        var s = seed | 1
        let words = pointer.bindMemory(to: UInt64.self, capacity: bytes / 8)
        for i in 0..<(bytes / 8) {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17
            words[i] = s
        }
        let half = Float16(0.01).bitPattern
        func setHalf(_ offset: Int) { pointer.storeBytes(of: half, toByteOffset: offset, as: UInt16.self) }
        let block = QuantizedMatrix.rowSize(type: type, columns: QuantizedMatrix.blockElements(type))
        switch type {
        case 0:
            let f = pointer.bindMemory(to: Float.self, capacity: bytes / 4)
            for i in 0..<(bytes / 4) { f[i] = Float(i % 17) * 0.01 - 0.08 }
        case 1:
            let h = pointer.bindMemory(to: UInt16.self, capacity: bytes / 2)
            for i in 0..<(bytes / 2) { h[i] = Float16(Float(i % 17) * 0.01 - 0.08).bitPattern }
        case 2, 6, 8: for b in stride(from: 0, to: bytes, by: block) { setHalf(b) }
        case 3, 7, 12, 13: for b in stride(from: 0, to: bytes, by: block) { setHalf(b); setHalf(b + 2) }
        case 14: for b in stride(from: 0, to: bytes, by: block) { setHalf(b + 208) }
        default: break
        }
    }
    deinit { pointer.deallocate() }
}

func median(_ xs: [Double]) -> Double { let s = xs.sorted(); return s[s.count / 2] }

/// Wall time of `body`; with `--cpu` (one thread), the calling thread's CPU time instead, which
/// ignores time lost to other processes on a shared machine.
func time(_ body: () -> Void) -> Double {
    if useThreadCPUTime {
        var a = timespec(), b = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a)
        body()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b)
        return Double(b.tv_sec - a.tv_sec) + Double(b.tv_nsec - a.tv_nsec) / 1e9
    }
    let t0 = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
}

/// Streaming-read bandwidth of `threads` threads over a buffer larger than the caches (GB/s).
func readBandwidth(threads: Int) -> Double {
    let count = 64 << 20  // 256 MB of floats
    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: count)
    defer { buffer.deallocate() }
    buffer.initialize(repeating: 1, count: count)
    // One row of F32 "weights" per 1M floats, dotted with ones: a pure read stream.
    let columns = 1 << 20
    let ones = [Float](repeating: 1, count: columns)
    var y = [Float](repeating: 0, count: count / columns)
    setKernelThreads(threads)
    var samples: [Double] = []
    for _ in 0..<7 {
        samples.append(time { ck_matvec(0, buffer, Int64(count / columns), Int64(columns), ones, &y) })
    }
    return Double(count * 4) / median(samples) / 1e9
}

struct Result { let decodeSeconds: Double; let batchSeconds: Double; let repackSeconds: Double }

@MainActor func measure(_ shape: Shape, threads: Int, batch: Int) -> Result {
    let w = Weights(type: shape.type, rows: shape.rows, columns: shape.columns, seed: UInt64(shape.rows * 31 + shape.columns))
    var m: QuantizedMatrix! = nil
    let repackSeconds = time {
        m = QuantizedMatrix(type: shape.type, rows: shape.rows, columns: shape.columns, data: w.pointer)
        m.prepare()
    }
    let x = (0..<(shape.columns * batch)).map { Float(($0 * 7919) % 1000) / 500 - 1 }
    var y = [Float](repeating: 0, count: shape.rows * batch)
    setKernelThreads(threads)
    var dec: [Double] = []
    let reps = shape.rows * shape.columns > 50_000_000 ? max(5, repeats / 6) : repeats
    for _ in 0..<3 { m.multiply(vector: x, into: &y) }
    for _ in 0..<reps { dec.append(time { m.multiply(vector: x, into: &y) }) }
    var bat: [Double] = []
    m.multiply(batch: x, count: batch, into: &y)
    for _ in 0..<max(3, reps / 5) { bat.append(time { m.multiply(batch: x, count: batch, into: &y) }) }
    return Result(decodeSeconds: median(dec), batchSeconds: median(bat), repackSeconds: repackSeconds)
}

func fmt(_ v: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", v) }

let qwen: [Shape] = [
    Shape(name: "qwen attn_q/o", type: 6, rows: 896, columns: 896),
    Shape(name: "qwen attn_k", type: 6, rows: 128, columns: 896),
    Shape(name: "qwen attn_v", type: 8, rows: 128, columns: 896),
    Shape(name: "qwen ffn_gate/up", type: 6, rows: 4864, columns: 896),
    Shape(name: "qwen ffn_down", type: 12, rows: 896, columns: 4864),
    Shape(name: "qwen ffn_down", type: 14, rows: 896, columns: 4864),
    Shape(name: "qwen output", type: 8, rows: 151936, columns: 896),
]
let smol: [Shape] = [
    Shape(name: "smol attn_q/o", type: 3, rows: 576, columns: 576),
    Shape(name: "smol attn_k/v", type: 3, rows: 192, columns: 576),
    Shape(name: "smol ffn_gate/up", type: 3, rows: 1536, columns: 576),
    Shape(name: "smol ffn_down", type: 3, rows: 576, columns: 1536),
    Shape(name: "smol output", type: 8, rows: 49152, columns: 576),
]
let extra: [Shape] = quick ? [] : [
    Shape(name: "generic", type: 2, rows: 4864, columns: 896),
    Shape(name: "generic", type: 7, rows: 4864, columns: 896),
    Shape(name: "generic", type: 13, rows: 896, columns: 4864),
    Shape(name: "generic", type: 1, rows: 896, columns: 896),
    Shape(name: "generic", type: 0, rows: 896, columns: 896),
]

let threadCounts = useThreadCPUTime ? [1] : quick ? [2] : [1, 2]
print("rag-bench-kernels: batch \(batch) tokens, \(repeats) repeats, threads \(threadCounts)")
var peer: [Int: Double] = [:]
for t in threadCounts {
    peer[t] = readBandwidth(threads: t)
    print("peer  memory read floor, \(t) thread(s): \(fmt(peer[t]!)) GB/s")
}
print("shape                  type   rows×cols      thr  matvec µs   GB/s  ratio-to-floor  batch ms  GFLOP/s  load ms")
var results: [String: [Int: Result]] = [:]
for shape in smol + qwen + extra {
    for t in threadCounts {
        let r = measure(shape, threads: t, batch: batch)
        results["\(shape.name)/\(shape.type)", default: [:]][t] = r
        let bytes = Double(QuantizedMatrix.rowSize(type: shape.type, columns: shape.columns) * shape.rows)
        let gbs = bytes / r.decodeSeconds / 1e9
        let flops = 2 * Double(shape.rows * shape.columns * batch) / r.batchSeconds / 1e9
        let name = shape.name.padding(toLength: 22, withPad: " ", startingAt: 0)
        let ty = (typeNames[shape.type] ?? "?").padding(toLength: 6, withPad: " ", startingAt: 0)
        let dims = "\(shape.rows)×\(shape.columns)".padding(toLength: 14, withPad: " ", startingAt: 0)
        print("\(name) \(ty) \(dims) \(t)    \(fmt(r.decodeSeconds * 1e6).padding(toLength: 9, withPad: " ", startingAt: 0))  \(fmt(gbs).padding(toLength: 5, withPad: " ", startingAt: 0))  \(fmt(gbs / peer[t]!, 2).padding(toLength: 14, withPad: " ", startingAt: 0))  \(fmt(r.batchSeconds * 1e3, 2).padding(toLength: 8, withPad: " ", startingAt: 0))  \(fmt(flops).padding(toLength: 7, withPad: " ", startingAt: 0))  \(fmt(r.repackSeconds * 1e3, 1))")
    }
}

// One token through the matrices only (attention, norms and sampling excluded).
@MainActor func tokenEstimate(_ parts: [(String, Int)], layers: Int, output: String, threads t: Int) -> (decode: Double, prefill: Double) {
    var dec = 0.0, pre = 0.0
    for (key, count) in parts {
        guard let r = results[key]?[t] else { continue }
        dec += Double(count * layers) * r.decodeSeconds
        pre += Double(count * layers) * r.batchSeconds
    }
    // Prefill computes logits for the last prompt token only (as llama.cpp does).
    if let r = results[output]?[t] { dec += r.decodeSeconds; pre += r.decodeSeconds }
    return (1 / dec, Double(batch) / pre)
}
for t in threadCounts {
    let s = tokenEstimate([("smol attn_q/o/3", 2), ("smol attn_k/v/3", 2), ("smol ffn_gate/up/3", 2), ("smol ffn_down/3", 1)],
                          layers: 30, output: "smol output/8", threads: t)
    print("model SmolLM2-135M matrices, \(t) thr: decode ≤ \(fmt(s.decode)) tok/s, prefill ≤ \(fmt(s.prefill)) tok/s (llama.cpp 2 thr: ~150 / ~465 end to end)")
    let q = tokenEstimate([("qwen attn_q/o/6", 2), ("qwen attn_k/6", 1), ("qwen attn_v/8", 1), ("qwen ffn_gate/up/6", 2), ("qwen ffn_down/12", 1)],
                          layers: 24, output: "qwen output/8", threads: t)
    print("model Qwen2.5-0.5B matrices, \(t) thr: decode ≤ \(fmt(q.decode)) tok/s, prefill ≤ \(fmt(q.prefill)) tok/s (llama.cpp 2 thr: ~60 / ~330 end to end)")
}
