import Foundation
import Hummingbird
import Ion
import QLDBDriver
import QLDBHTTPTransport
import QLDBLedger
import QLDBLedgerServer
import QLDBSession
import SigV4
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `qldb serve`'s server over loopback HTTP, driven by the Swift driver's HTTP transport.
@Suite struct ServerTests {
    func withServer(
        authentication: LedgerServer.Authentication, _ body: @Sendable (URL) async throws -> Void
    ) async throws {
        let service = LedgerService(logger: quietLogger())
        service.add(Ledger(name: "served", logger: quietLogger()))
        var configuration = LedgerServer.Configuration()
        configuration.port = 0
        configuration.authentication = authentication
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = LedgerServer(service: service, configuration: configuration, logger: quietLogger())
            .application { port in continuation.yield(port) }
        let server = Task { try await application.run() }
        var port = 0
        for await p in ports {
            port = p
            break
        }
        defer { server.cancel() }
        try await body(URL(string: "http://127.0.0.1:\(port)/")!)
    }

    func driver(_ url: URL, secret: String, retries: Int = 0) -> QLDBDriver {
        var configuration = QLDBDriverConfiguration()
        configuration.logger = quietLogger()
        configuration.retryPolicy = RetryPolicy(maxRetries: retries)
        let transport = HTTPTransport(
            configuration: .init(endpoint: url, region: "eu-west-2"),
            credentials: StaticCredentialProvider(AWSCredentials(accessKeyID: "AKIDTEST", secretAccessKey: secret)))
        return QLDBDriver(ledger: "served", transport: transport, configuration: configuration)
    }

    @Test func signedRequestsAreServedAndABadSecretIsRefused() async throws {
        try await withServer(authentication: .verify(region: "eu-west-2", credentials: ["AKIDTEST": "right"])) { url in
            let good = driver(url, secret: "right")
            try await good.execute { txn in try await txn.execute("CREATE TABLE T") }
            try await good.execute { txn in try await txn.execute("INSERT INTO T VALUE {'a': 1}") }
            let rows = try await good.execute { txn in try await txn.execute("SELECT * FROM T").collect() }
            #expect(rows == [["a": 1]])
            try await good.close()

            let bad = driver(url, secret: "wrong")
            let error = await #expect(throws: QLDBSessionError.self) { try await bad.execute { _ in } }
            #expect(error?.status == 403)
            #expect(error?.type == "InvalidSignatureException")
            #expect(error?.message == "the request signature does not match")
            try await bad.close()
        }
    }

    @Test func developmentModeAcceptsAnyKeyButNotAMissingSignature() async throws {
        try await withServer(authentication: .development) { url in
            let anyKey = driver(url, secret: "whatever")
            #expect(try await anyKey.tableNames() == [])
            try await anyKey.close()
            var request = URLRequest(url: url)
            request.httpMethod = "POST"
            request.setValue("QLDBSession.SendCommand", forHTTPHeaderField: "X-Amz-Target")
            request.httpBody = Data(#"{"StartSession":{"LedgerName":"served"}}"#.utf8)
            let (data, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 403)
            #expect(String(decoding: data, as: UTF8.self).contains("MissingAuthenticationTokenException"))
        }
    }

    @Test func serviceErrorsTravelAsQLDBDoes() async throws {
        try await withServer(authentication: .development) { url in
            let client = driver(url, secret: "x")
            let error = await #expect(throws: QLDBSessionError.self) {
                try await client.execute { txn in try await txn.execute("SELECT * FROM Missing") }
            }
            #expect(error?.status == 400)
            #expect(error?.type == "BadRequestException")
            #expect(error?.message == "Semantic error at line 1, column 15: No such variable named 'Missing'")
            try await client.close()
        }
    }
}
