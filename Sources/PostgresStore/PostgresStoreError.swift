import Foundation
import PostgresNIO

/// Errors of the PostgreSQL store; each description is one line (what, where, what to do) and never
/// holds a password.
public enum PostgresStoreError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The `postgres://` URL is malformed.
    case badLocation(String)
    /// The server could not be reached or refused the login.
    case connection(location: String, message: String)
    /// The server lacks an extension rag needs (pgvector).
    case missingExtension(location: String, name: String)
    /// A query failed.
    case query(operation: String, location: String, message: String)

    public var description: String {
        switch self {
        case let .badLocation(message):
            return "bad PostgreSQL index location: \(message)"
        case let .connection(location, message):
            return "cannot connect to \(location): \(message): check that the server runs and the user, database and password (PGPASSWORD or ~/.pgpass) are right"
        case let .missingExtension(location, name):
            return "\(location) has no \(name) extension: install it on the server (and CREATE EXTENSION \(name) as a superuser), or use an SQLite index folder"
        case let .query(operation, location, message):
            return "PostgreSQL error while \(operation) in \(location): \(message)"
        }
    }

    /// The server's message of a postgres-nio error (its own description hides it), else a short form.
    static func message(of error: any Error) -> String {
        if let error = error as? PSQLError {
            if let info = error.serverInfo, let message = info[.message] {
                return [info[.sqlState].map { "[\($0)] " } ?? "", message, info[.detail].map { " (\($0))" } ?? ""].joined()
            }
            if let underlying = error.underlying { return "\(error.code) (\(underlying))" }
            return "\(error.code)"
        }
        return "\(error)"
    }
}
