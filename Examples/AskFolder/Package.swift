// swift-tools-version:6.0
// An example of rag as a Swift library: index a folder, then answer a question from it.
//   swift run -c release ask-folder DOCS "Your question?" [INDEX_DIR]
import PackageDescription

let package = Package(
    name: "AskFolder",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "rag", path: "../..")],
    targets: [
        .executableTarget(name: "ask-folder", dependencies: [.product(name: "RAG", package: "rag")],
                          path: "Sources/AskFolder"),
    ]
)
