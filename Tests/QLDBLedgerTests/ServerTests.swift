import Foundation
import HTTPServerLimits
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
        authentication: LedgerServer.Authentication, tls: (certificate: String, key: String)? = nil,
        _ body: @Sendable (URL) async throws -> Void
    ) async throws {
        let service = LedgerService(logger: quietLogger())
        service.add(Ledger(name: "served", logger: quietLogger()))
        var configuration = LedgerServer.Configuration()
        configuration.authentication = authentication
        if let tls {
            configuration.limits = try ServerLimitOptions.parse([
                "--tls-certificate", tls.certificate, "--tls-key", tls.key,
            ])
            .applied(to: configuration.limits)
        }
        try await withLedgerServer(service, configuration) { port in
            try await body(URL(string: "\(tls == nil ? "http" : "https")://127.0.0.1:\(port)/")!)
        }
    }

    func driver(
        _ url: URL, secret: String, retries: Int = 0, caBundle: String? = nil, timeout: Duration = .seconds(35)
    ) -> QLDBDriver {
        var configuration = QLDBDriverConfiguration()
        configuration.logger = quietLogger()
        configuration.retryPolicy = RetryPolicy(maxRetries: retries)
        var http = HTTPTransport.Configuration(endpoint: url, region: "eu-west-2")
        http.caBundle = caBundle
        http.requestTimeout = timeout
        let transport = HTTPTransport(
            configuration: http,
            credentials: StaticCredentialProvider(AWSCredentials(accessKeyID: "AKIDTEST", secretAccessKey: secret)))
        return QLDBDriver(ledger: "served", transport: transport, configuration: configuration)
    }

    /// A CA and a certificate for 127.0.0.1 signed by it, made with openssl at test time.
    static func makeCertificates() throws -> (ca: String, certificate: String, key: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qldb-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(
            toFile: "\(dir)/san.ext", atomically: true, encoding: .utf8)
        for arguments in [
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "1",
                "-subj", "/CN=swift-qldb test CA",
            ],
            [
                "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj",
                "/CN=127.0.0.1",
            ],
            [
                "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out",
                "server.pem", "-days", "1", "-extfile", "san.ext",
            ],
        ] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = arguments
            process.currentDirectoryURL = URL(fileURLWithPath: dir)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        }
        return ("\(dir)/ca.pem", "\(dir)/server.pem", "\(dir)/server.key")
    }

    @Test(
        .enabled(
            if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "needs openssl to make certificates"))
    func servesHTTPSToADriverTrustingItsCA() async throws {
        let files = try Self.makeCertificates()
        try await withServer(authentication: .development, tls: (files.certificate, files.key)) { url in
            #expect(url.scheme == "https")
            let trusting = driver(url, secret: "x", caBundle: files.ca)
            try await trusting.execute { txn in try await txn.execute("CREATE TABLE T") }
            let rows = try await trusting.execute { txn in
                try await txn.execute("SELECT VALUE name FROM information_schema.user_tables").collect()
            }
            #expect(rows == ["T"])
            try await trusting.close()
            // Without the CA the certificate is not trusted (AsyncHTTPClient retries the
            // handshake until the request's deadline, hence a short one).
            let untrusting = driver(url, secret: "x", timeout: .seconds(2))
            await #expect(throws: (any Error).self) { try await untrusting.execute { _ in } }
        }
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
