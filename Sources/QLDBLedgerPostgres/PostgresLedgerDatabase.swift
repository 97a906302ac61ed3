import Foundation
import Logging
import PostgresNIO
import QLDBLedger
import Synchronization

/// A PostgreSQL database (or any PostgreSQL-compatible engine, such as Aurora PostgreSQL) that
/// holds ledgers, shared by every `qldb serve` process connected to it: each of them may serve
/// any request, and QLDB's OCC rules hold across them (see `docs/storage.md`).
///
/// ```swift
/// let database = try await PostgresLedgerDatabase.connect(url: "postgresql://qldb:secret@db:5432/qldb")
/// let ledger = try await database.ledger(named: "licences")
/// ```
public final class PostgresLedgerDatabase: Sendable {
    let client: PostgresClient
    let logger: Logger
    private let running: Task<Void, Never>
    private let frontends = Mutex<[String: URL]>([:])

    private init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
        self.running = Task { await client.run() }
    }

    /// The connection settings a `postgresql://USER:PASSWORD@HOST:PORT/DATABASE` URL gives;
    /// `?sslmode=disable|prefer|require` chooses TLS (`prefer` when absent); `password`, when
    /// given, replaces the URL's (so that a secret need not be written into the URL).
    ///
    /// - Throws: ``StorageError`` naming what the URL lacks.
    public static func configuration(url: String, password: String? = nil) throws -> PostgresClient.Configuration {
        func invalid(_ reason: String) -> StorageError {
            StorageError(engine: "postgres", operation: "reading the database URL", reason: reason)
        }
        guard let parsed = URLComponents(string: url), ["postgres", "postgresql"].contains(parsed.scheme ?? "")
        else {
            throw invalid("expected postgresql://USER:PASSWORD@HOST:PORT/DATABASE, got a URL of another form")
        }
        guard let host = parsed.host, !host.isEmpty else { throw invalid("the URL names no host") }
        guard let user = parsed.user, !user.isEmpty else { throw invalid("the URL names no user") }
        let database = parsed.path.hasPrefix("/") ? String(parsed.path.dropFirst()) : parsed.path
        guard !database.isEmpty else { throw invalid("the URL names no database (…/DATABASE)") }
        let tls: PostgresClient.Configuration.TLS
        switch parsed.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer" {
        case "disable": tls = .disable
        case "prefer": tls = .prefer(.makeClientConfiguration())
        case "require": tls = .require(.makeClientConfiguration())
        case let mode: throw invalid("sslmode=\(mode): expected disable, prefer or require")
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: parsed.port ?? 5432, username: user.removingPercentEncoding ?? user,
            password: password ?? parsed.password?.removingPercentEncoding, database: database, tls: tls)
        configuration.options.maximumConnections = 20
        return configuration
    }

    /// Connects, and creates or upgrades the schema (once, however many processes start);
    /// `password`, when given, replaces the URL's.
    ///
    /// - Throws: ``StorageError`` when the URL is malformed, the database cannot be reached, or
    ///   its schema is newer than this build's.
    public static func connect(
        url: String, password: String? = nil, logger: Logger = Logger(label: "swift-qldb.postgres")
    ) async throws
        -> PostgresLedgerDatabase
    {
        // The pool's own background chatter (connections opening and closing) only when it fails.
        var background = logger
        background.logLevel = .error
        let database = PostgresLedgerDatabase(
            client: PostgresClient(
                configuration: try configuration(url: url, password: password), backgroundLogger: background),
            logger: logger)
        do {
            try await PostgresSchema.migrate(database.client, logger: logger)
        } catch {
            await database.close()
            throw PostgresLedgerStore.failure("preparing the database", error)
        }
        return database
    }

    /// The ledger with this name; with `create` (the default), created empty when the database
    /// has none by that name yet.
    ///
    /// - Throws: ``StorageError`` when there is no such ledger and `create` is false, or the
    ///   database fails; ``LedgerError`` when `name` is not a ledger name.
    public func ledger(
        named name: String, limits: LedgerLimits = LedgerLimits(), create: Bool = true, logger: Logger? = nil
    ) async throws -> Ledger {
        try LedgerName.validate(name)
        let logger = logger ?? self.logger
        if !create {
            var exists = false
            for try await _ in try await client.query("SELECT 1 FROM ledgers WHERE name = \(name)", logger: logger) {
                exists = true
            }
            guard exists else {
                throw StorageError(
                    engine: "postgres", operation: "opening ledger \(name)", reason: "there is no such ledger")
            }
        }
        let store = try await PostgresLedgerStore.open(
            ledger: name, newStrandID: Ledger.newIdentifier(), client: client, logger: logger)
        return try await Ledger(name: name, store: store, limits: limits, logger: logger)
    }

    // MARK: Frontends

    /// Records where a frontend listens for commands other frontends forward to it.
    public func register(frontend id: String, url: URL) async throws {
        do {
            try await client.query(
                """
                INSERT INTO frontends (id, url) VALUES (\(id), \(url.absoluteString))
                ON CONFLICT (id) DO UPDATE SET url = excluded.url
                """, logger: logger)
        } catch {
            throw PostgresLedgerStore.failure("registering frontend \(id)", error)
        }
    }

    /// Forgets a frontend that is stopping: its sessions end with it.
    public func unregister(frontend id: String) async {
        _ = try? await client.query("DELETE FROM frontends WHERE id = \(id)", logger: logger)
    }

    /// Where a frontend listens, or `nil` when no frontend has that id.
    public func url(ofFrontend id: String) async -> URL? {
        if let known = frontends.withLock({ $0[id] }) { return known }
        do {
            for try await url in try await client.query(
                "SELECT url FROM frontends WHERE id = \(id)", logger: logger
            ).decode(String.self) {
                guard let found = URL(string: url) else { return nil }
                frontends.withLock { $0[id] = found }
                return found
            }
        } catch {
            logger.warning("cannot look a frontend up", metadata: ["frontend": "\(id)", "error": "\(error)"])
        }
        return nil
    }

    /// The secret the frontends of this database show each other on forwarded commands, made
    /// when the schema was created.
    public func forwardingSecret() async throws -> String {
        do {
            for try await secret in try await client.query(
                "SELECT value FROM cluster_settings WHERE key = 'forward_secret'", logger: logger
            ).decode(String.self) {
                return secret
            }
        } catch {
            throw PostgresLedgerStore.failure("reading the forwarding secret", error)
        }
        throw StorageError(engine: "postgres", operation: "reading the forwarding secret", reason: "it is missing")
    }

    /// Closes every connection; the ledgers opened from it fail afterwards.
    public func close() async {
        running.cancel()
        _ = await running.value
    }
}
