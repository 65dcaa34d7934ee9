import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import NIOSSL

/// A few connections to one server, lent to one caller at a time, for the store's synchronous API.
///
/// The store's protocol is synchronous (the retrievers and strategies call it from plain functions),
/// so each call waits on postgres-nio's future on the calling thread; the connections' I/O runs on
/// NIO's shared event loops, never on the waiting thread. At most `maximum` connections are open;
/// a caller beyond that waits for one to come back. A connection that failed is closed, not reused.
/// (postgres-nio's `PostgresClient` pool is async-only and needs a running service; the store needs
/// neither, so this small lender is our own.)
final class PostgresConnectionPool: @unchecked Sendable {
    let location: PostgresLocation
    let maximum: Int
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var nextID = 1

    init(location: PostgresLocation, maximum: Int) throws {
        self.location = location
        self.maximum = max(1, maximum)
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: try Self.tls(location.sslMode, location: location))
        configuration.options.connectTimeout = .seconds(10)
        self.configuration = configuration
        var logger = Logger(label: "rag.postgres")
        logger.logLevel = .critical
        self.logger = logger
    }

    deinit {
        for connection in idle { try? connection.close().wait() }
    }

    /// Runs `body` with a connection of its own.
    @discardableResult
    func withConnection<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        let connection = try checkOut()
        let session = PostgresSession(connection: connection, logger: logger, location: location.redacted)
        do {
            let result = try body(session)
            checkIn(connection)
            return result
        } catch {
            checkIn(connection)
            throw error
        }
    }

    /// postgres-nio's TLS setting for a libpq `sslmode`.
    static func tls(_ mode: String, location: PostgresLocation) throws -> PostgresConnection.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch mode {
        case "disable": return .disable
        case "require": tls.certificateVerification = .none
        case "verify-ca": tls.certificateVerification = .noHostnameVerification
        default: break // allow, prefer, verify-full: full verification
        }
        do {
            let context = try NIOSSLContext(configuration: tls)
            return mode == "allow" || mode == "prefer" ? .prefer(context) : .require(context)
        } catch {
            throw PostgresStoreError.connection(location: location.redacted, message: "cannot set up TLS (sslmode=\(mode)): \(error)")
        }
    }

    private func checkOut() throws -> PostgresConnection {
        condition.lock()
        while idle.isEmpty && open >= maximum { condition.wait() }
        if let connection = idle.popLast() {
            condition.unlock()
            if !connection.isClosed { return connection }
            condition.lock()
            open -= 1
        }
        open += 1
        let id = nextID
        nextID += 1
        condition.unlock()
        do {
            return try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.next(),
                                                  configuration: configuration, id: id, logger: logger).wait()
        } catch {
            condition.lock()
            open -= 1
            condition.signal()
            condition.unlock()
            throw PostgresStoreError.connection(location: location.redacted, message: PostgresStoreError.message(of: error))
        }
    }

    private func checkIn(_ connection: PostgresConnection) {
        condition.lock()
        if connection.isClosed { open -= 1 } else { idle.append(connection) }
        condition.signal()
        condition.unlock()
    }
}

/// One lent connection: runs statements, each waited for, with errors mapped to ``PostgresStoreError``.
struct PostgresSession {
    let connection: PostgresConnection
    let logger: Logger
    let location: String

    /// Runs one statement (`$1`, `$2`... bound to `binds`) and returns its rows.
    @discardableResult
    func query(_ sql: String, _ binds: PostgresBindings = PostgresBindings(), _ operation: String) throws -> PostgresQueryResult {
        do {
            return try connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).wait()
        } catch {
            throw PostgresStoreError.query(operation: operation, location: location, message: PostgresStoreError.message(of: error))
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        try query("BEGIN", PostgresBindings(), operation)
        do {
            let result = try body()
            try query("COMMIT", PostgresBindings(), operation)
            return result
        } catch {
            _ = try? query("ROLLBACK", PostgresBindings(), operation)
            throw error
        }
    }
}

/// Binds built from a list: `binds(path, 3, ["a"])`.
func binds(_ values: any PostgresThrowingDynamicTypeEncodable...) throws -> PostgresBindings {
    var result = PostgresBindings(capacity: values.count)
    for value in values { try result.append(value) }
    return result
}
