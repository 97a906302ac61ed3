import Hummingbird
import Logging
import NIOCore

/// Serves a ``LicenceAPI`` over HTTP with Hummingbird (the local mode of `licence-service`).
public struct LicenceHTTPServer: Sendable {
    let api: LicenceAPI
    let host: String
    let port: Int
    let logger: Logger

    /// A server for `api` on `host:port`.
    public init(
        api: LicenceAPI, host: String = "127.0.0.1", port: Int = 3000,
        logger: Logger = Logger(label: "licence-service.http")
    ) {
        self.api = api
        self.host = host
        self.port = port
        self.logger = logger
    }

    /// The Hummingbird application; `onServerRunning` receives the bound port.
    public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in })
        -> some ApplicationProtocol
    {
        let router = Router()
        let api = api
        let limit = api.maxBodyBytes
        let respond: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            var buffer = try await request.body.collect(upTo: limit + 1)
            let body = buffer.readBytes(length: buffer.readableBytes) ?? []
            let answer = await api.handle(
                LicenceRequest(method: request.method.rawValue, path: request.uri.path, body: body.isEmpty ? nil : body)
            )
            var headers = HTTPFields()
            // The names are the API's own constants (Content-Type, Access-Control-Allow-Origin), all valid.
            for (name, value) in answer.headers { headers[.init(name)!] = value }
            return Response(
                status: .init(code: answer.status), headers: headers,
                body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
        }
        for method in [HTTPRequest.Method.get, .post, .put, .delete, .patch] {
            router.on("/**", method: method, use: respond)
            router.on("/", method: method, use: respond)
        }
        return Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "licence-service"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) }, logger: logger)
    }
}
