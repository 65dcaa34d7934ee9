// Coverage-guided fuzz targets (libFuzzer) for rag's parsers of untrusted bytes: the HTML, XML,
// Markdown and text extractors with the chunker after them, the text decoder, the JSONL loader,
// the GGUF and safetensors readers, and both tokenizers. One binary; the target is chosen by
// $RAG_FUZZ_TARGET. Built and run by Fuzz/run.sh (see Fuzz/README.md), never by `swift build`.
import Foundation
@testable import Documents
@testable import Embeddings
@testable import LanguageModels

enum FuzzTarget: String, CaseIterable {
    case html, xml, markdown, text, jsonl, gguf, safetensors, wordpiece, bpe
}

nonisolated(unsafe) var target = FuzzTarget.html
nonisolated(unsafe) var wordPiece: WordPieceTokenizer?
nonisolated(unsafe) var bpe: BPETokenizer?
let chunker = Chunker(parameters: ChunkingParameters())

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("rag-fuzz: \(message)\n".utf8))
    exit(2)
}

@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>,
                       _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    let environment = ProcessInfo.processInfo.environment
    guard let name = environment["RAG_FUZZ_TARGET"], let chosen = FuzzTarget(rawValue: name) else {
        fail("set RAG_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    target = chosen
    let models = environment["RAG_FUZZ_MODELS"] ?? "models"
    do {
        switch chosen {
        case .wordpiece:
            wordPiece = try WordPieceTokenizer(vocabularyURL: URL(fileURLWithPath: models + "/all-MiniLM-L6-v2/vocab.txt"))
        case .bpe:
            bpe = try BPETokenizer(gguf: GGUFFile(url: URL(fileURLWithPath: models + "/qwen2.5-coder-0.5b-instruct.gguf")))
        default:
            break
        }
    } catch {
        fail("cannot load the tokenizer for \(name) from \(models): \(error)")
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ pointer: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let data = pointer.map { Data(bytes: $0, count: size) } ?? Data()
    switch target {
    case .html: document(data, name: "fuzz.html")
    case .xml: document(data, name: "fuzz.xml")
    case .markdown: document(data, name: "fuzz.md")
    case .jsonl: document(data, name: "fuzz.jsonl")
    case .text:
        _ = TextDecoding.decode(data)
        document(data, name: "fuzz.txt")
    case .gguf:
        data.withUnsafeBytes { _ = try? GGUFFile.parse($0, path: "fuzz.gguf") }
    case .safetensors:
        _ = try? SafeTensorsFile.parseHeader(data, path: "fuzz.safetensors")
    case .wordpiece:
        let ids = wordPiece!.encode(String(decoding: data, as: UTF8.self))
        if ids.count > 256 { fail("wordpiece gave \(ids.count) ids past maxLength 256") }
    case .bpe:
        // Byte-level BPE loses nothing: decoding the ids of any valid text gives the text back.
        let text = String(decoding: data, as: UTF8.self)
        let ids = bpe!.encode(text, parseSpecial: false, addSpecial: false)
        let back = bpe!.decode(ids)
        if back != text { fail("bpe round trip changed \(Array(text.utf8)) into \(Array(back.utf8))") }
    }
    return 0
}

/// Loads a document as the ingest does and chunks it; every chunk must be the slice of the
/// document's text its offsets name.
func document(_ data: Data, name: String) {
    guard let loaded = try? DocumentLoader.load(data: data, name: name) else { return }
    for document in loaded.documents {
        for chunk in chunker.chunks(of: document) {
            let length = document.text.utf8.count
            guard 0 <= chunk.start, chunk.start <= chunk.end, chunk.end <= length else {
                fail("chunk \(chunk.ordinal) offsets \(chunk.start)..<\(chunk.end) outside the text (\(length) bytes)")
            }
            if document.slice(chunk.start..<chunk.end) != chunk.text {
                fail("chunk \(chunk.ordinal) text is not the slice its offsets name")
            }
        }
    }
}

/// The entry point SwiftPM gives an executable target (it links `main` to `<module>_main`): hands
/// the command line to libFuzzer's driver, which calls the two functions above.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<Int32>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

@_cdecl("rag_fuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return withUnsafeMutablePointer(to: &count) { countPointer in
        withUnsafeMutablePointer(to: &arguments) { argumentsPointer in
            runFuzzerDriver(countPointer, argumentsPointer, { testOneInput($0, $1) })
        }
    }
}
