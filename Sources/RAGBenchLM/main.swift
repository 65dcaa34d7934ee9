// rag-bench-lm: prefill and decode throughput of our Llama-family engine on a GGUF model.
//
//   rag-bench-lm <model.gguf> [--prompt 512] [--decode 128] [--threads 2] [--repeats 3]
//   rag-bench-lm <model.gguf> --agreement REFS.json [--threads 2]   (see Agreement.swift)
//
// Prints one JSON line: median prefill tokens/s (one batched append of the prompt), median
// decode tokens/s (greedy, one token per append), load seconds and peak RSS in MB. The prompt is
// a fixed pseudo-random sequence of ordinary token ids, the same as benchmarks/llm/peer.py uses.
import CKernels
import Foundation
import LanguageModels

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("rag-bench-lm: \(message)\n".utf8))
    exit(1)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard let modelPath = arguments.first, !modelPath.hasPrefix("-") else {
    fail("usage: rag-bench-lm <model.gguf> [--prompt N] [--decode N] [--threads N] [--repeats N]")
}
arguments.removeFirst()
var agreementPath: String?
if let index = arguments.firstIndex(of: "--agreement"), index + 1 < arguments.count {
    agreementPath = arguments[index + 1]
    arguments.removeSubrange(index...index + 1)
}
var options = ["--prompt": 512, "--decode": 128, "--threads": 2, "--repeats": 3]
while let flag = arguments.first {
    guard options[flag] != nil, arguments.count >= 2, let value = Int(arguments[1]), value > 0 else {
        fail("bad option \(flag)")
    }
    options[flag] = value
    arguments.removeFirst(2)
}
let promptLength = options["--prompt"]!, decodeLength = options["--decode"]!
ck_set_threads(Int32(options["--threads"]!))

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

let loadStart = now()
let model: LlamaModel
do {
    model = try LlamaModel(url: URL(fileURLWithPath: modelPath))
} catch {
    fail("\(error)")
}
let loadSeconds = now() - loadStart
if let agreementPath {
    let report = try runAgreement(model: model, modelName: URL(fileURLWithPath: modelPath).lastPathComponent,
                                  references: URL(fileURLWithPath: agreementPath))
    let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
    print(String(decoding: json, as: UTF8.self))
    exit(0)
}
let vocabulary = model.configuration.vocabularySize
// Ordinary (non-special) ids spread over the vocabulary; peer.py uses the same formula.
let prompt: [Int32] = (0..<promptLength).map { Int32(1000 + ($0 * 7919) % (vocabulary / 2)) }

let session = model.makeSession(contextLength: promptLength + decodeLength + 8)
var prefillRates: [Double] = [], decodeRates: [Double] = []
for _ in 0..<options["--repeats"]! {
    session.truncate(to: 0)
    let start = now()
    var logits = try session.append(prompt)
    prefillRates.append(Double(promptLength) / (now() - start))
    let decodeStart = now()
    for _ in 0..<decodeLength {
        var best = 0
        for i in logits.indices where logits[i] > logits[best] { best = i }
        logits = try session.append([Int32(best)])
    }
    decodeRates.append(Double(decodeLength) / (now() - decodeStart))
}

let result: [String: Any] = [
    "engine": "rag", "model": URL(fileURLWithPath: modelPath).lastPathComponent,
    "prompt_tokens": promptLength, "decode_tokens": decodeLength, "threads": options["--threads"]!,
    "prefill_tps": (median(prefillRates) * 10).rounded() / 10,
    "decode_tps": (median(decodeRates) * 10).rounded() / 10,
    "load_s": (loadSeconds * 1000).rounded() / 1000,
    "peak_rss_mb": peakRSSMegabytes().rounded(),
]
let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
print(String(decoding: json, as: UTF8.self))
