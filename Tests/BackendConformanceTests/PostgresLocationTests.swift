import Foundation
@testable import PostgresStore
import Testing

/// Parsing `postgres://` locations: defaults, the password's sources, and that it is never shown.
@Suite struct PostgresLocationTests {
    @Test func partsAndDefaults() throws {
        let full = try PostgresLocation("postgres://rag:p%40ss@db.example:6543/docs?sslmode=require", environment: [:])
        #expect(full.host == "db.example" && full.port == 6543 && full.user == "rag" && full.database == "docs")
        #expect(full.password == "p@ss" && full.sslMode == "require")
        #expect(full.redacted == "postgres://rag@db.example:6543/docs")
        let bare = try PostgresLocation("postgresql://localhost", environment: ["USER": "ann"])
        #expect(bare.port == 5432 && bare.user == "ann" && bare.database == "ann" && bare.password == nil && bare.sslMode == "disable")
    }

    @Test func passwordFromTheEnvironmentOrPgpass() throws {
        let fromEnvironment = try PostgresLocation("postgres://rag@h/docs", environment: ["PGPASSWORD": "env-secret"])
        #expect(fromEnvironment.password == "env-secret")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pgpass-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try "# comment\nother:5432:*:rag:wrong\nh:5432:docs:rag:file\\:secret\n*:*:*:*:fallback\n".write(to: file, atomically: true, encoding: .utf8)
        let fromFile = try PostgresLocation("postgres://rag@h/docs", environment: ["PGPASSFILE": file.path])
        #expect(fromFile.password == "file:secret")
        let wildcard = try PostgresLocation("postgres://bob@elsewhere:7000/x", environment: ["PGPASSFILE": file.path])
        #expect(wildcard.password == "fallback")
    }

    @Test func badLocationsSayWhatIsWrongWithoutThePassword() {
        for text in ["postgres://rag:hunter2@/docs", "postgres://rag:hunter2@h/docs?sslmode=sometimes", "mysql://h/docs"] {
            #expect(throws: PostgresStoreError.self) { try PostgresLocation(text, environment: [:]) }
            do { _ = try PostgresLocation(text, environment: [:]) } catch {
                #expect(!"\(error)".contains("hunter2"))
            }
        }
    }
}
