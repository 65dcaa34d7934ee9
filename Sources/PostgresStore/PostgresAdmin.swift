import Foundation
import PostgresNIO

/// Server-level chores: creating and dropping databases (tests give each case a fresh database;
/// `rag migrate` may create its target).
package enum PostgresAdmin {
    /// Creates database `name` on the server `url` names (connecting to its `postgres` database) and
    /// installs pgvector in it, and pg_textsearch where it can be loaded. Returns the new database's URL.
    package static func createDatabase(_ name: String, like url: String) throws -> String {
        var place = try PostgresLocation(url)
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw PostgresStoreError.badLocation("database names here are letters, digits and _ (got \(name))")
        }
        let server = PostgresLocation.with(place, database: "postgres")
        try PostgresConnectionPool(location: server, maximum: 1).withConnection { session in
            try session.query("CREATE DATABASE \(name)", PostgresBindings(), "creating database \(name)")
        }
        place.database = name
        try PostgresConnectionPool(location: place, maximum: 1).withConnection { session in
            try session.query("CREATE EXTENSION IF NOT EXISTS vector", PostgresBindings(), "installing pgvector")
            _ = try? session.query("CREATE EXTENSION IF NOT EXISTS pg_textsearch", PostgresBindings(), "installing pg_textsearch")
        }
        return "postgres://\(place.user)@\(place.host):\(place.port)/\(name)"
    }

    /// Drops database `name` (when it exists) on the server `url` names.
    package static func dropDatabase(_ name: String, like url: String) throws {
        let server = PostgresLocation.with(try PostgresLocation(url), database: "postgres")
        try PostgresConnectionPool(location: server, maximum: 1).withConnection { session in
            try session.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", PostgresBindings(), "dropping database \(name)")
        }
    }
}

extension PostgresLocation {
    static func with(_ location: PostgresLocation, database: String) -> PostgresLocation {
        var copy = location
        copy.database = database
        return copy
    }
}
