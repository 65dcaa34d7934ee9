import Foundation

/// A `postgres://` (or `postgresql://`) index location: where the server is, who to log in as, and
/// which database; the password from the URL, `$PGPASSWORD`, or a `.pgpass` file (`$PGPASSFILE`,
/// else `~/.pgpass`), never shown: ``redacted`` is what messages print.
///
/// For example:
/// ```swift
/// let location = try PostgresLocation("postgres://rag@db.internal:5432/docs")
/// location.redacted   // "postgres://rag@db.internal:5432/docs"
/// ```
public struct PostgresLocation: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    /// Never printed; nil means no password (trust or peer authentication).
    public var password: String?
    /// TLS as libpq's `sslmode` asks: `disable` (the default), `allow`/`prefer` (TLS when the server
    /// offers it), `require` (TLS, certificate not checked), `verify-ca`, `verify-full` (checked
    /// against the system's trust roots, `verify-full` the host name too).
    public var sslMode: String

    /// Whether `text` names a PostgreSQL index rather than a folder.
    public static func isPostgresURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    /// Parses a URL; fills the password from the environment or `.pgpass` when the URL has none.
    /// - Throws: ``PostgresStoreError/badLocation(_:)`` naming what is wrong (never the password).
    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard Self.isPostgresURL(text), let components = URLComponents(string: text) else {
            throw PostgresStoreError.badLocation("expected postgres://USER@HOST:PORT/DATABASE")
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresStoreError.badLocation("no host in the URL (postgres://USER@HOST:PORT/DATABASE)")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.user = components.user.flatMap { $0.removingPercentEncoding } ?? environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.database = path.removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 } ?? environment["PGDATABASE"] ?? user
        let sslmode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        guard ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].contains(sslmode) else {
            throw PostgresStoreError.badLocation("unknown sslmode '\(sslmode)' (disable, allow, prefer, require, verify-ca or verify-full)")
        }
        self.sslMode = sslmode
        self.password = components.password.flatMap { $0.removingPercentEncoding }
            ?? environment["PGPASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
            ?? Self.passwordFile(environment: environment).flatMap {
                Self.lookUp(pgpass: $0, host: host, port: components.port ?? 5432, database: database, user: user)
            }
    }

    /// The URL without its password, for messages and `rag stats`.
    public var redacted: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    static func passwordFile(environment: [String: String]) -> String? {
        let path = environment["PGPASSFILE"] ?? environment["HOME"].map { $0 + "/.pgpass" }
        return path.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) }
    }

    /// The password of the first `.pgpass` line matching (`host:port:database:user:password`, `*`
    /// matches anything, `\:` and `\\` are escapes, `#` starts a comment line).
    static func lookUp(pgpass: String, host: String, port: Int, database: String, user: String) -> String? {
        for line in pgpass.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            var fields: [String] = [], current = "", escaped = false
            for character in line {
                if escaped { current.append(character); escaped = false }
                else if character == "\\" { escaped = true }
                else if character == ":" && fields.count < 4 { fields.append(current); current = "" }
                else { current.append(character) }
            }
            fields.append(current)
            guard fields.count == 5 else { continue }
            let wanted = [host, String(port), database, user]
            if zip(fields, wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }
}
