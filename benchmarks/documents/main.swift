// Documents benchmark: walk + extract + chunk the SQLite docs (HTML) and the shared QA passages (JSONL).
// Compiled together with Sources/Documents by run.sh (one optimised module, no SwiftPM), so it runs even
// while other modules of the package are mid-edit. Prints one JSON line per corpus with the median of N runs.
import Foundation

let arguments = CommandLine.arguments
let runs = Int(ProcessInfo.processInfo.environment["RUNS"] ?? "") ?? 3

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ xs: [Double]) -> Double { xs.sorted()[xs.count / 2] }

struct Tally { var files = 0; var documents = 0; var chunks = 0; var bytes = 0; var errors = 0; var pieces = 0; var loadSeconds = 0.0; var chunkSeconds = 0.0 }

func ingest(_ paths: [String], globs: [String]) -> Tally {
    var tally = Tally()
    let (files, problems) = FileWalker(options: WalkOptions(globs: globs)).walk(paths.map { URL(fileURLWithPath: $0) })
    tally.errors += problems.count
    let chunker = Chunker()
    for file in files {
        tally.files += 1
        tally.bytes += file.size
        do {
            var source: LoadedSource?
            tally.loadSeconds += try seconds { source = try DocumentLoader.load(file.url) }
            tally.chunkSeconds += seconds {
                for document in source!.documents {
                    tally.documents += 1
                    let chunks = chunker.chunks(of: document)
                    tally.chunks += chunks.count
                    for chunk in chunks { tally.pieces += chunk.tokenEstimate }
                }
            }
        } catch {
            tally.errors += 1
        }
    }
    return tally
}

for spec in arguments.dropFirst() {
    // name=path[,path...][:glob]
    let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
    guard parts.count == 2 else { continue }
    let pathAndGlob = parts[1].split(separator: ":", maxSplits: 1).map(String.init)
    let paths = pathAndGlob[0].split(separator: ",").map(String.init)
    let globs = pathAndGlob.count > 1 ? [pathAndGlob[1]] : []
    var tally = Tally()
    var times: [Double] = []
    for _ in 0..<runs { times.append(seconds { tally = ingest(paths, globs: globs) }) }
    let t = median(times)
    print("{\"impl\":\"rag\",\"corpus\":\"\(parts[0])\",\"files\":\(tally.files),\"documents\":\(tally.documents),\"chunks\":\(tally.chunks),\"errors\":\(tally.errors),\"mb\":\(String(format: "%.1f", Double(tally.bytes) / 1e6)),\"seconds\":\(String(format: "%.3f", t)),\"load_s\":\(String(format: "%.3f", tally.loadSeconds)),\"chunk_s\":\(String(format: "%.3f", tally.chunkSeconds)),\"mb_per_s\":\(String(format: "%.1f", Double(tally.bytes) / 1e6 / t)),\"mean_chunk_pieces\":\(tally.chunks > 0 ? tally.pieces / tally.chunks : 0)}")
}
