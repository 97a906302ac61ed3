import HTTPServerLimits
import Hummingbird
import LicenceService
import Logging
import NIOCore

/// Serves a ``LicenceAPI`` over HTTP with Hummingbird (the local mode of `licence-service`).
struct LicenceHTTPServer: Sendable {
    let api: LicenceAPI
    let host: String
    let port: Int
    let limits: ServerLimits
    let logger: Logger

    /// A server for `api` on `host:port`, with `limits` on connections, timeouts and bodies
    /// (its body limit is the API's).
    init(
        api: LicenceAPI, host: String = "127.0.0.1", port: Int = 3000, limits: ServerLimits = ServerLimits(),
        logger: Logger = Logger(label: "licence-service.http")
    ) {
        self.api = api
        self.host = host
        self.port = port
        var limits = limits
        limits.maxBodyBytes = api.maxBodyBytes
        self.limits = limits
        self.logger = logger
    }

    /// Runs the server until SIGTERM or SIGINT, then lets in-flight requests finish for at most
    /// the limits' shutdown timeout.
    func run(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await limits.run(try application(onServerRunning: onServerRunning), logger: logger)
    }

    /// The Hummingbird application; `onServerRunning` receives the bound port.
    ///
    /// - Throws: when the TLS configuration cannot be used.
    func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws
        -> some ApplicationProtocol
    {
        let router = Router()
        let api = api
        let limit = api.maxBodyBytes
        let respond: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            var buffer = try await request.body.collect(upTo: limit + 1)
            let body = buffer.readBytes(length: buffer.readableBytes) ?? []
            var query: [String: String] = [:]
            for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
            let answer = await api.handle(
                LicenceRequest(
                    method: request.method.rawValue, path: request.uri.path, query: query,
                    body: body.isEmpty ? nil : body))
            var headers = HTTPFields()
            // The names are the API's own constants (Content-Type, Access-Control-Allow-Origin), all valid.
            for (name, value) in answer.headers { headers[.init(name)!] = value }
            return Response(
                status: .init(code: answer.status), headers: headers,
                body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
        for method in [HTTPRequest.Method.get, .post, .put, .delete, .patch, .options] {
            router.on("/**", method: method, use: respond)
            router.on("/", method: method, use: respond)
        }
        return Application(
            router: router,
            server: try limits.server { declared, limit in
                let problem = Problem(
                    type: "/problems/too-large", title: "Payload too large", status: 413,
                    detail: "the body is \(declared) bytes; the limit is \(limit)")
                return ("application/problem+json", problem.response.body)
            },
            configuration: .init(address: .hostname(host, port: port), serverName: "licence-service"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) }, logger: logger)
    }
}
