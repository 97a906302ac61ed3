import ArgumentParser

/// The command-line flags of ``ServerLimits``, shared by `qldb serve` and `licence-service`.
public struct ServerLimitOptions: ParsableArguments {
    @Option(
        name: .customLong("header-timeout"),
        help: "Seconds a connection may take to send a complete request head before it is closed.")
    var headerTimeout: Double = 10
    @Option(name: .customLong("idle-timeout"), help: "Seconds a connection may stay idle before it is closed.")
    var idleTimeout: Double = 60
    @Option(name: .customLong("max-connections"), help: "Connections open at once; more are closed on arrival.")
    var maxConnections = 512
    @Option(
        name: .customLong("shutdown-timeout"),
        help: "Seconds in-flight requests get to finish after SIGTERM or SIGINT.")
    var shutdownTimeout: Double = 10

    public init() {}

    public func validate() throws {
        for (name, value) in [("--header-timeout", headerTimeout), ("--idle-timeout", idleTimeout)] where value <= 0 {
            throw ValidationError("\(name) must be a positive number of seconds, got \(value)")
        }
        guard shutdownTimeout >= 0 else { throw ValidationError("--shutdown-timeout must not be negative") }
        guard maxConnections > 0 else { throw ValidationError("--max-connections must be positive") }
    }

    /// These options applied to `limits`.
    public func applied(to limits: ServerLimits) -> ServerLimits {
        var limits = limits
        limits.headerTimeout = .milliseconds(Int64(headerTimeout * 1000))
        limits.idleTimeout = .milliseconds(Int64(idleTimeout * 1000))
        limits.maxConnections = maxConnections
        limits.shutdownTimeout = .milliseconds(Int64(shutdownTimeout * 1000))
        return limits
    }
}
