import Foundation

/// How `rag serve` listens and what it accepts. Defaults suit one machine: loopback only, no key.
public struct ServerConfiguration: Sendable {
    /// The address to bind (127.0.0.1 unless told otherwise: the server is not on the network by default).
    public var host: String
    /// The port; 0 picks a free one (the bound port is reported to `onRunning`).
    public var port: Int
    /// When set, every route but `/healthz` needs `Authorization: Bearer KEY`.
    public var apiKey: String?
    /// The largest request body accepted (413 beyond).
    public var maxBodyBytes: Int
    /// The longest question accepted, in characters (400 beyond).
    public var maxQuestionCharacters: Int
    /// How long one request may take before it is answered with 504.
    public var requestTimeout: Duration
    /// Answers generated at once (the language model's sessions).
    public var generationSlots: Int
    /// Asks that may wait for a slot; one more gets 429 with `Retry-After`.
    public var queueLimit: Int
    /// Folders under which `POST /v1/documents` may index paths on this machine; empty: none (uploads only).
    public var documentRoots: [URL]
    /// The name `/v1/models` lists and chat completions report.
    public var modelName: String

    public init(host: String = "127.0.0.1", port: Int = 8080, apiKey: String? = nil,
                maxBodyBytes: Int = 1 << 20, maxQuestionCharacters: Int = 4000,
                requestTimeout: Duration = .seconds(300), generationSlots: Int = 1, queueLimit: Int = 8,
                documentRoots: [URL] = [], modelName: String = "rag") {
        self.host = host
        self.port = port
        self.apiKey = apiKey.flatMap { $0.isEmpty ? nil : $0 }
        self.maxBodyBytes = maxBodyBytes
        self.maxQuestionCharacters = maxQuestionCharacters
        self.requestTimeout = requestTimeout
        self.generationSlots = max(1, generationSlots)
        self.queueLimit = max(0, queueLimit)
        self.documentRoots = documentRoots
        self.modelName = modelName
    }
}
