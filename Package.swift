// swift-tools-version:6.0
import PackageDescription

// Numeric targets are compiled with optimisation even in debug builds' dependencies where it matters;
// the C kernels target the build machine's CPU (rag is built from source where it runs).
let numericSwift: [SwiftSetting] = [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]
// Swift SIMD types compile to the build machine's widest vectors (AVX2/AVX-512) with this; the
// attention loops of the LM need it (like CKernels, rag is built where it runs).
let nativeSIMD: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-march=native"], .when(configuration: .release))]

let package = Package(
    name: "rag",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "rag", targets: ["RAGCLI"]),
        .library(name: "RAG", targets: ["RAG"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.27.0"),
    ],
    targets: [
        // System libraries.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CXML", path: "Sources/CXML", pkgConfig: "libxml-2.0",
                       providers: [.apt(["libxml2-dev"])]),
        // Tiny C target for SIMD kernels (quantized dot products); each has a portable fallback.
        .target(name: "CKernels", path: "Sources/CKernels",
                cSettings: [.unsafeFlags(["-O3", "-march=native", "-ffast-math", "-fno-finite-math-only"])]),

        .target(name: "Kernels", dependencies: ["CBLAS", "CKernels"], swiftSettings: numericSwift),
        .target(name: "Documents", dependencies: ["CXML"]),
        .target(name: "Store", dependencies: [.product(name: "GRDB", package: "GRDB.swift"),
                                             .product(name: "GRDBSQLite", package: "GRDB.swift")]),
        // The index in PostgreSQL + pgvector (`--index postgres://...`), behind Store's IndexBackend.
        .target(name: "PostgresStore", dependencies: ["Store",
                                                     .product(name: "PostgresNIO", package: "postgres-nio"),
                                                     .product(name: "NIOCore", package: "swift-nio"),
                                                     .product(name: "NIOPosix", package: "swift-nio"),
                                                     .product(name: "NIOSSL", package: "swift-nio-ssl"),
                                                     .product(name: "Logging", package: "swift-log")]),
        .target(name: "Embeddings", dependencies: ["Kernels", "CKernels"], swiftSettings: numericSwift + nativeSIMD),
        .target(name: "LanguageModels", dependencies: ["Kernels", "CKernels"],
                swiftSettings: numericSwift + nativeSIMD),
        .target(name: "Retrieval", dependencies: ["Store", "Kernels", "Embeddings"]),
        .target(name: "Strategies", dependencies: ["Documents", "Retrieval", "LanguageModels"]),
        .target(name: "Routing", dependencies: ["Kernels"], swiftSettings: numericSwift),
        .target(name: "RAG", dependencies: ["Documents", "Store", "PostgresStore", "Embeddings", "Retrieval",
                                            "LanguageModels", "Strategies", "Routing"]),
        // The HTTP server (`rag serve`): the RAG engine behind Hummingbird, OpenAI-compatible routes.
        .target(name: "RAGServer", dependencies: ["RAG", "Strategies", "LanguageModels",
                                                  .product(name: "Hummingbird", package: "hummingbird"),
                                                  .product(name: "DequeModule", package: "swift-collections"),
                                                  .product(name: "Prometheus", package: "swift-prometheus"),
                                                  .product(name: "Logging", package: "swift-log")],
                // The web page `GET /` serves, compiled into the binary (one binary, nothing to install beside it).
                resources: [.embedInCode("Web/index.html")]),
        .executableTarget(name: "RAGCLI", dependencies: [
            "RAG", "RAGServer", "Documents", "Store", "Embeddings", "Retrieval", "LanguageModels", "Strategies", "Routing",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        .executableTarget(name: "rag-bench-embed", dependencies: ["Embeddings", "Retrieval", "Kernels", "CKernels", "RAG"],
                          path: "Sources/RAGBenchEmbed", swiftSettings: numericSwift),
        .executableTarget(name: "rag-bench-kernels", dependencies: ["Kernels", "CKernels"],
                          path: "Sources/RAGBenchKernels", swiftSettings: numericSwift),
        .executableTarget(name: "rag-bench-lm", dependencies: ["LanguageModels", "CKernels"],
                          path: "Sources/RAGBenchLM", swiftSettings: numericSwift),
        .executableTarget(name: "rag-bench", dependencies: ["Store", "Retrieval", "Documents"],
                          path: "Sources/RAGBench"),
        .executableTarget(name: "rag-bench-backends", dependencies: ["Store", "PostgresStore", "Retrieval", "Embeddings", "RAG"],
                          path: "Sources/RAGBenchBackends"),

        // The example package's program (Examples/AskFolder), built here too so the test command
        // builds and runs it without a second build of the library.
        .executableTarget(name: "rag-example-ask-folder", dependencies: ["RAG"], path: "Examples/AskFolder/Sources/AskFolder"),

        // Test support shared by the test targets: package root, Tests/Fixtures, model paths and the
        // rule for tests needing absent files (skipped locally, failing under CI=true).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "CKernels", "TestSupport"]),
        .testTarget(name: "DocumentsTests", dependencies: ["Documents", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", .product(name: "GRDB", package: "GRDB.swift")]),
        // The same tests against both backends: SQLite always, PostgreSQL at $RAG_TEST_POSTGRES_URL
        // (scripts/test.sh starts a server on loopback; required under CI=true).
        .testTarget(name: "BackendConformanceTests", dependencies: ["Store", "PostgresStore", "Retrieval", "Embeddings", "TestSupport"]),
        .testTarget(name: "EmbeddingsTests", dependencies: ["Embeddings", "Kernels", "TestSupport"]),
        .testTarget(name: "LanguageModelsTests", dependencies: ["LanguageModels", "Kernels", "CKernels", "TestSupport"]),
        .testTarget(name: "RetrievalTests", dependencies: ["Retrieval", "Store", "Documents", "RAG", "TestSupport"]),
        .testTarget(name: "StrategiesTests", dependencies: ["Strategies", "LanguageModels"]),
        .testTarget(name: "RoutingTests", dependencies: ["Routing"]),
        .testTarget(name: "RAGTests", dependencies: ["RAG", "Routing", "TestSupport", "Strategies", "LanguageModels"]),
        .testTarget(name: "RAGCLITests", dependencies: ["RAG", "PostgresStore", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        // Real servers on loopback, spoken to with URLSession (HummingbirdTesting would pull in
        // async-http-client and BoringSSL: minutes of CI build for no more realism).
        .testTarget(name: "RAGServerTests", dependencies: [
            "RAGServer", "RAG", "TestSupport", .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
    ]
)

// The fuzz targets (Fuzz/), only when asked for: they need the fuzzer runtime
// (`-sanitize=fuzzer`), which a normal build does not link. See Fuzz/run.sh.
if Context.environment["RAG_FUZZ"] != nil {
    package.targets.append(.executableTarget(
        name: "rag-fuzz", dependencies: ["Documents", "Embeddings", "LanguageModels"], path: "Fuzz/Sources",
        swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
}
