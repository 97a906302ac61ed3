import ArgumentParser
import NIOSSL

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
    @Option(
        name: .customLong("tls-certificate"),
        help: "PEM certificate chain: serve HTTPS instead of HTTP (needs --tls-key).")
    var tlsCertificate: String?
    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-certificate.") var tlsKey: String?

    public init() {}

    /// `https` with a certificate, else `http`.
    public var scheme: String { tlsCertificate == nil ? "http" : "https" }

    public func validate() throws {
        for (name, value) in [("--header-timeout", headerTimeout), ("--idle-timeout", idleTimeout)] where value <= 0 {
            throw ValidationError("\(name) must be a positive number of seconds, got \(value)")
        }
        guard shutdownTimeout >= 0 else { throw ValidationError("--shutdown-timeout must not be negative") }
        guard maxConnections > 0 else { throw ValidationError("--max-connections must be positive") }
        guard (tlsCertificate == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-certificate and --tls-key go together")
        }
    }

    /// These options applied to `limits`.
    ///
    /// - Throws: `ValidationError` naming the file when the certificate or key cannot be read.
    public func applied(to limits: ServerLimits) throws -> ServerLimits {
        var limits = limits
        if let tlsCertificate, let tlsKey {
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(tlsCertificate).map {
                    NIOSSLCertificateSource.certificate($0)
                }
                let key = try NIOSSLPrivateKey(file: tlsKey, format: .pem)
                limits.tls = TLSConfiguration.makeServerConfiguration(
                    certificateChain: chain, privateKey: .privateKey(key))
            } catch {
                throw ValidationError(
                    "cannot use --tls-certificate \(tlsCertificate) and --tls-key \(tlsKey): \(error)")
            }
        }
        limits.headerTimeout = .milliseconds(Int64(headerTimeout * 1000))
        limits.idleTimeout = .milliseconds(Int64(idleTimeout * 1000))
        limits.maxConnections = maxConnections
        limits.shutdownTimeout = .milliseconds(Int64(shutdownTimeout * 1000))
        return limits
    }
}
