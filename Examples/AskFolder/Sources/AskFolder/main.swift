// Index a folder with rag's library and answer one question from it, citing the sources.
//
//   ask-folder DOCS "Your question?" [INDEX_DIR]
//
// The index goes to INDEX_DIR (default: a folder in the temporary directory); re-running reuses it
// and re-reads only changed files. The models are found as `rag` finds them: in `models/` beside the
// index or in the working folder (run it from the rag checkout), or where $RAG_MODEL (a GGUF path or
// name) and $RAG_EMBEDDING_MODEL (the all-MiniLM-L6-v2 folder) say.
import Foundation
import RAG

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: ask-folder DOCS \"question\" [INDEX_DIR]\n".utf8))
    exit(64)
}
let folder = URL(fileURLWithPath: arguments[arguments.startIndex])
let question = arguments[arguments.startIndex + 1]
let indexDirectory = arguments.count >= 3
    ? URL(fileURLWithPath: arguments[arguments.startIndex + 2])
    : FileManager.default.temporaryDirectory.appendingPathComponent("ask-folder-index")

do {
    let engine = try Engine(configuration: EngineConfiguration(indexDirectory: indexDirectory))

    let report = try engine.ingest([folder])
    print("indexed \(report.filesIndexed) file(s), \(report.filesUnchanged) unchanged, \(report.chunksAdded) chunk(s) added")
    for skipped in report.filesSkipped { print("skipped \(skipped.path): \(skipped.reason)") }

    let answer = try await engine.ask(question)
    print("\n\(answer.text)\n")
    print("strategy \(answer.strategy.rawValue), \(String(format: "%.1f", answer.seconds)) s")
    for (n, citation) in answer.citations.enumerated() {
        let place = citation.heading.isEmpty ? citation.title : "\(citation.title) > \(citation.heading)"
        print("[\(n + 1)] \(citation.document): \(place)")
    }
} catch {
    FileHandle.standardError.write(Data("ask-folder: \(error)\n".utf8))
    exit(1)
}
