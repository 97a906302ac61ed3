import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOHTTPTypes
import NIOSSL
import ServiceLifecycle

/// What a server allows each connection and how long it waits, so that no client (slow,
/// half-sent, oversized, or simply too many) can hold it: the defaults suit a service behind a
/// load balancer.
public struct ServerLimits: Sendable {
    /// Time from a connection's start, or the end of its last response, to a complete request
    /// head (default 10 s); a connection still sending headers then is closed.
    public var headerTimeout: Duration = .seconds(10)
    /// Time a connection may do nothing (default 60 s).
    public var idleTimeout: Duration = .seconds(60)
    /// Connections open at once (default 512); one more is closed at once.
    public var maxConnections = 512
    /// The largest request body; a larger declared `Content-Length` is answered 413 and the
    /// connection closed once the client has sent the rest (or after `headerTimeout`).
    public var maxBodyBytes = 8 * 1024 * 1024
    /// How long a SIGTERM or SIGINT lets in-flight requests finish before they are cancelled
    /// (default 10 s).
    public var shutdownTimeout: Duration = .seconds(10)
    /// Serve HTTPS with this certificate and key instead of plain HTTP (`nil`, the default).
    public var tls: TLSConfiguration?

    /// The defaults.
    public init() {}

    /// The HTTP/1 server (over TLS when ``tls`` is set) with these limits; `tooLarge` builds
    /// the 413 body and its content type.
    public func server(tooLarge: @escaping @Sendable (_ declared: Int, _ limit: Int) -> (String, [UInt8])) throws
        -> HTTPServerBuilder
    {
        let plain = http1(tooLarge: tooLarge)
        guard let tls else { return plain }
        return try .tls(plain, tlsConfiguration: tls)
    }

    func http1(tooLarge: @escaping @Sendable (_ declared: Int, _ limit: Int) -> (String, [UInt8]))
        -> HTTPServerBuilder
    {
        let counter = ConnectionCounter()
        let limits = self
        return .http1(
            configuration: HTTP1Channel.Configuration(
                additionalChannelHandlers: [
                    ConnectionLimitHandler(counter: counter, limit: limits.maxConnections),
                    HeaderTimeoutHandler(timeout: .nanoseconds(Int64(limits.headerTimeout.nanoseconds))),
                    OversizedRequestHandler(
                        limit: limits.maxBodyBytes,
                        drainTimeout: .nanoseconds(Int64(limits.headerTimeout.nanoseconds)), response: tooLarge),
                ],
                idleTimeout: .nanoseconds(Int64(limits.idleTimeout.nanoseconds))))
    }

    /// Runs `service` (an application) until SIGTERM or SIGINT, then gives in-flight requests
    /// ``shutdownTimeout`` to finish and cancels what is left.
    public func run(_ service: some Service, logger: Logger) async throws {
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = shutdownTimeout
        configuration.maximumCancellationDuration = .seconds(2)
        try await ServiceGroup(configuration: configuration).run()
    }
}

extension Duration {
    /// Whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled &+ attoseconds / 1_000_000_000
    }
}
