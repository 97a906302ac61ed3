import Foundation
import HTTPServerLimits
import Hummingbird
import Logging
import NIOCore
import QLDBControl
import QLDBLedger
import QLDBPrimitives
import QLDBSession
import SigV4

/// Serves a ``LedgerService`` over HTTP as QLDB's session endpoint: `POST /` with
/// `X-Amz-Target: QLDBSession.SendCommand`, awsJson1_0 bodies, SigV4 on every request.
public struct LedgerServer: Sendable {
    /// How requests are authenticated.
    public enum Authentication: Sendable {
        /// Verify every signature with these access keys and secrets, scoped to `region`.
        case verify(region: String, credentials: [String: String])
        /// Development mode: any access key; only the form of the `Authorization` header is checked.
        case development
        /// The principals, keys and policies of an IAM file: signatures verified with the
        /// principals' keys (and session tokens), every request authorized by their policies.
        case iam(IAMAuthorizer)
    }

    /// Where to listen and how to authenticate.
    public struct Configuration: Sendable {
        /// The address to bind (default 127.0.0.1).
        public var host = "127.0.0.1"
        /// The port (default 8000; 0 picks a free one).
        public var port = 8000
        /// How requests are authenticated.
        public var authentication: Authentication = .development
        /// Connections, timeouts, the largest request body (8 MB) and the shutdown deadline.
        public var limits = ServerLimits()
        /// Largest request body accepted (the limits' `maxBodyBytes`).
        public var maxBodyBytes: Int {
            get { limits.maxBodyBytes }
            set { limits.maxBodyBytes = newValue }
        }
        /// The metrics text `GET /metrics` serves (Prometheus exposition format); `nil` (the
        /// default) leaves the route out.
        public var metrics: (@Sendable () -> [UInt8])?
        /// For a frontend sharing its ledgers with others: how commands for another frontend's
        /// sessions reach it. `nil` (the default) for a server that is alone.
        public var forwarding: SessionForwarding?
        /// QLDB's control plane (the `qldb` REST-JSON API: ledgers, tags, digests and proofs,
        /// journal exports) on the same port, signed as the session API is; `nil` (the default)
        /// answers only `SendCommand`.
        public var controlPlane: ControlPlane?
        /// The defaults.
        public init() {}
    }

    let service: LedgerService
    let configuration: Configuration
    let logger: Logger

    /// A server for `service`.
    public init(
        service: LedgerService, configuration: Configuration, logger: Logger = Logger(label: "swift-qldb.serve")
    ) {
        self.service = service
        self.configuration = configuration
        self.logger = logger
    }

    /// Builds the Hummingbird application, with the ledger service as one of its services (its
    /// `run()` removes expired sessions); `onServerRunning` receives the bound port.
    ///
    /// - Throws: when the TLS configuration cannot be used.
    public func application(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws
        -> some ApplicationProtocol
    {
        let router = Router()
        let handler = SendCommandHandler(service: service, configuration: configuration, logger: logger)
        if configuration.forwarding != nil {
            router.post(.init(SessionForwarding.path)) { request, context in
                try await handler.respondToForwarded(request, context: context)
            }
        }
        router.post("/") { request, context in try await handler.respond(to: request, context: context) }
        router.post("/**") { request, context in try await handler.respond(to: request, context: context) }
        if configuration.controlPlane != nil {
            for path in ["/ledgers", "/ledgers/**", "/tags/**", "/journal-s3-exports"] {
                for method in [HTTPRequest.Method.get, .post, .patch, .delete] {
                    router.on(.init(path), method: method) { request, context in
                        try await handler.respond(to: request, context: context)
                    }
                }
            }
        }
        if let metrics = configuration.metrics {
            router.get("/metrics") { _, _ in
                Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                    body: .init(byteBuffer: ByteBuffer(bytes: metrics())))
            }
        }
        router.get("/health") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        return Application(
            router: router,
            server: try configuration.limits.server { declared, limit in
                let error = LedgerError(
                    type: "BadRequestException", status: 413,
                    message: "The request body is \(declared) bytes; the limit is \(limit) bytes")
                return ("application/x-amz-json-1.0", LedgerService.errorResponse(error).body)
            },
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "swift-qldb"),
            services: [service],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    /// Runs until cancelled or sent SIGINT/SIGTERM; then in-flight requests get the limits'
    /// shutdown timeout to finish.
    public func run(onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await configuration.limits.run(try application(onServerRunning: onServerRunning), logger: logger)
    }
}

struct SendCommandHandler: Sendable {
    let service: LedgerService
    let configuration: LedgerServer.Configuration
    let logger: Logger
    let verifier: SigV4Verifier?
    let iam: IAMAuthorizer?
    let controlPlaneRoutes: ControlPlaneRoutes?

    init(service: LedgerService, configuration: LedgerServer.Configuration, logger: Logger) {
        self.service = service
        self.controlPlaneRoutes = configuration.controlPlane.map(ControlPlaneRoutes.init(controlPlane:))
        self.configuration = configuration
        self.logger = logger
        switch configuration.authentication {
        case .verify(let region, let credentials):
            verifier = SigV4Verifier(region: region, service: "qldb") { credentials[$0] }
            iam = nil
        case .iam(let authorizer):
            verifier = SigV4Verifier(region: authorizer.region, service: "qldb") { authorizer.secret(forAccessKey: $0) }
            iam = authorizer
        case .development:
            verifier = nil
            iam = nil
        }
    }

    func respond(to request: Request, context: some RequestContext) async throws -> Response {
        var buffer = try await request.body.collect(upTo: configuration.maxBodyBytes)
        let body = buffer.readBytes(length: buffer.readableBytes) ?? []
        let target = request.headers[.init("X-Amz-Target")!]
        if target == nil, let routes = controlPlaneRoutes,
            ControlPlaneOperation.match(method: request.method.rawValue, path: request.uri.path) != nil
        {
            if let failure = authenticate(request, body: body) { return failure }
            let query = Self.queryItems(request.uri.query ?? "")
            if let iam,
                let (operation, parameters) = ControlPlaneOperation.match(
                    method: request.method.rawValue, path: request.uri.path),
                let denied = await iam.authorize(
                    accessKey: Self.accessKey(of: request), action: "qldb:\(operation.rawValue)",
                    resource: routes.resource(of: operation, parameters, body: body),
                    requestTags: ControlPlaneRoutes.requestTags(of: operation, body: body))
            {
                return ControlPlaneRoutes.error(denied)
            }
            if let response = await routes.respond(
                method: request.method.rawValue, path: request.uri.path, query: query, body: body)
            {
                return response
            }
        }
        guard request.method == .post, target == "QLDBSession.SendCommand" else {
            if controlPlaneRoutes != nil {
                return Self.json(
                    status: .badRequest,
                    [
                        "__type": "UnknownOperationException",
                        "message":
                            "\(request.method.rawValue) \(request.uri.path) is no operation here: send QLDBSession.SendCommand (POST / with X-Amz-Target) or a qldb control-plane operation",
                    ])
            }
            return Self.json(
                status: .badRequest,
                ["__type": "UnknownOperationException", "message": "X-Amz-Target must be QLDBSession.SendCommand"])
        }
        if let failure = authenticate(request, body: body) { return failure }
        // Sessions belong to the access key that signed their StartSession (checked above).
        let principal = Self.accessKey(of: request)
        if let forwarding = configuration.forwarding, let owner = forwarding.owner(ofTokenIn: body) {
            return Self.response(await forwarding.forward(body, principal: principal, to: owner, logger: logger))
        }
        return Self.response(await service.handle(body: body, principal: principal))
    }

    /// A command another frontend forwarded, its signature already checked there.
    func respondToForwarded(_ request: Request, context: some RequestContext) async throws -> Response {
        guard let forwarding = configuration.forwarding,
            let secret = request.headers[.init(SessionForwarding.secretHeader)!],
            secret.utf8.elementsEqual(forwarding.secret.utf8)
        else {
            return Self.json(
                status: .forbidden, ["__type": "AccessDeniedException", "message": "Not a frontend of this cluster"])
        }
        var buffer = try await request.body.collect(upTo: configuration.maxBodyBytes)
        let body = buffer.readBytes(length: buffer.readableBytes) ?? []
        let principal = request.headers[.init(SessionForwarding.principalHeader)!]
        return Self.response(await service.handle(body: body, principal: principal))
    }

    static func response(_ response: TransportResponse) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/x-amz-json-1.0"
        headers[.init("x-amzn-RequestId")!] = UUID().uuidString.lowercased()
        if let type = response.errorType { headers[.init("x-amzn-ErrorType")!] = type }
        return Response(
            status: .init(code: response.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: response.body)))
    }

    /// `nil` when the request may proceed, else the 403 to send.
    func authenticate(_ request: Request, body: [UInt8]) -> Response? {
        var headers = request.headers.map { (name: $0.name.rawName, value: $0.value) }
        // HTTP types keep Host as the :authority pseudo-header; SigV4 signs it as `host`.
        if let authority = request.head.authority, !headers.contains(where: { $0.name.lowercased() == "host" }) {
            headers.append((name: "host", value: authority))
        }
        guard let verifier else {
            guard let authorization = request.headers[.authorization],
                authorization.range(
                    of:
                        #"^AWS4-HMAC-SHA256 Credential=[^/\s]+/\d{8}/[a-z0-9-]+/qldb/aws4_request, ?SignedHeaders=[a-z0-9;-]+, ?Signature=[0-9a-f]{64}$"#,
                    options: .regularExpression) != nil
            else {
                return Self.json(
                    status: .forbidden,
                    [
                        "__type": "MissingAuthenticationTokenException",
                        "message":
                            "Request is missing a valid SigV4 Authorization header (development mode checks its form only)",
                    ])
            }
            return nil
        }
        let path = request.uri.path.isEmpty ? "/" : request.uri.path
        let signed = SigV4Request(
            method: request.method.rawValue, path: path, query: request.uri.query ?? "", headers: headers,
            payload: .bytes(body))
        do {
            let verified = try verifier.verify(signed)
            // A temporary key is valid only with its session token (as STS issues them).
            if let iam, case .some(.some(let token)) = iam.sessionToken(forAccessKey: verified.accessKeyID),
                !(request.headers[.init("X-Amz-Security-Token")!] ?? "").utf8.elementsEqual(token.utf8)
            {
                logger.info("rejected a request", metadata: ["reason": "wrong or missing session token"])
                return Self.json(
                    status: .forbidden,
                    [
                        "__type": "UnrecognizedClientException",
                        "message": "The security token included in the request is invalid",
                    ])
            }
            return nil
        } catch {
            let type: String
            switch error {
            case .missingAuthentication: type = "MissingAuthenticationTokenException"
            case .unknownAccessKey: type = "UnrecognizedClientException"
            default: type = "InvalidSignatureException"
            }
            logger.info("rejected a request", metadata: ["reason": "\(error)"])
            return Self.json(status: .forbidden, ["__type": type, "message": error.description])
        }
    }

    /// The query string's items, percent-decoded, in order (repeated names kept).
    static func queryItems(_ query: String) -> [(String, String)] {
        query.split(separator: "&").map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in String(decoding: PercentEncoding.decode(String(text)), as: UTF8.self) }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// The access key of a SigV4 `Authorization` header (`Credential=AKID/...`).
    static func accessKey(of request: Request) -> String? {
        guard let authorization = request.headers[.authorization],
            let start = authorization.range(of: "Credential=")?.upperBound
        else { return nil }
        let rest = authorization[start...]
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        return String(rest[..<slash])
    }

    static func json(status: HTTPResponse.Status, _ object: [String: String]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        var headers = HTTPFields()
        headers[.contentType] = "application/x-amz-json-1.0"
        headers[.init("x-amzn-ErrorType")!] = object["__type"]
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
