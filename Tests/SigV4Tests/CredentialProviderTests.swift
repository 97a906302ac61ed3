import Foundation
import SigV4
import Synchronization
import Testing

@Suite struct CredentialProviderTests {
    static let document =
        #"{"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"secret","Token":"token","Expiration":"2099-01-01T00:00:00Z"}"#

    @Test func environmentNeedsBothKeysAndIgnoresEmptyValues() async throws {
        let full = EnvironmentCredentialProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "t",
        ])
        #expect(
            try await full.credentials() == AWSCredentials(accessKeyID: "AKID", secretAccessKey: "s", sessionToken: "t")
        )
        let empty = EnvironmentCredentialProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "",
        ])
        await #expect(throws: CredentialProviderError.self) { try await empty.credentials() }
        let noToken = EnvironmentCredentialProvider(environment: [
            "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s", "AWS_SESSION_TOKEN": "",
        ])
        #expect(try await noToken.credentials().sessionToken == nil)
    }

    @Test func profilesComeFromTheSharedFiles() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swift-qldb-profile-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let credentials = dir.appendingPathComponent("credentials")
        let config = dir.appendingPathComponent("config")
        try
            "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s1\n\n[dev]\n# comment\naws_access_key_id=AKIDDEV\naws_secret_access_key=s2\naws_session_token=t2\n"
            .write(to: credentials, atomically: true, encoding: .utf8)
        try "[default]\nregion = us-east-1\n[profile dev]\nregion = eu-west-2\n".write(
            to: config, atomically: true, encoding: .utf8)
        let env = ["AWS_SHARED_CREDENTIALS_FILE": credentials.path, "AWS_CONFIG_FILE": config.path]
        #expect(try await ProfileCredentialProvider(environment: env).credentials().accessKeyID == "AKIDDEFAULT")
        var dev = env
        dev["AWS_PROFILE"] = "dev"
        let provider = ProfileCredentialProvider(environment: dev)
        #expect(
            try await provider.credentials()
                == AWSCredentials(accessKeyID: "AKIDDEV", secretAccessKey: "s2", sessionToken: "t2"))
        #expect(provider.region() == "eu-west-2")
        var missing = env
        missing["AWS_PROFILE"] = "nope"
        await #expect(throws: CredentialProviderError.self) {
            try await ProfileCredentialProvider(environment: missing).credentials()
        }
    }

    @Test func containerEndpointWithAuthorizationToken() async throws {
        let server = try LocalHTTPServer { request in
            request.headers["authorization"] == "Bearer abc" ? (200, Self.document) : (401, "{}")
        }
        defer { server.stop() }
        let provider = try ContainerCredentialProvider(environment: [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + "/v1/creds",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer abc",
        ])
        let credentials = try await provider.credentials()
        #expect(credentials.accessKeyID == "ASIAEXAMPLE")
        #expect(credentials.sessionToken == "token")
        #expect(credentials.expiration == Date(timeIntervalSince1970: 4_070_908_800))
        #expect(server.requests.map(\.path) == ["/v1/creds"])

        let wrongToken = try ContainerCredentialProvider(environment: [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + "/v1/creds",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer wrong",
        ])
        await #expect(
            throws: CredentialProviderError(
                provider: "container", reason: "\(server.baseURL)/v1/creds answered HTTP 401")
        ) {
            try await wrongToken.credentials()
        }
    }

    @Test func containerTokenFileIsReadOnEveryFetch() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("swift-qldb-token-\(UUID())")
        defer { try? FileManager.default.removeItem(at: file) }
        let seen = Mutex<[String]>([])
        let server = try LocalHTTPServer { request in
            seen.withLock { $0.append(request.headers["authorization"] ?? "") }
            return (200, Self.document)
        }
        defer { server.stop() }
        let provider = try ContainerCredentialProvider(environment: [
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + "/creds",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": file.path,
        ])
        try "first\n".write(to: file, atomically: true, encoding: .utf8)
        _ = try await provider.credentials()
        try "second".write(to: file, atomically: true, encoding: .utf8)
        _ = try await provider.credentials()
        #expect(seen.withLock { $0 } == ["first", "second"])
        try "bad\r\nInjected: 1".write(to: file, atomically: true, encoding: .utf8)
        await #expect(throws: CredentialProviderError.self) { try await provider.credentials() }
    }

    @Test func containerRetriesServerErrorsButNotClientErrors() async throws {
        let calls = Mutex(0)
        let server = try LocalHTTPServer { _ in
            calls.withLock {
                $0 += 1
                return $0
            } == 1 ? (503, "{}") : (200, Self.document)
        }
        defer { server.stop() }
        let provider = try ContainerCredentialProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": server.baseURL + "/creds"], attempts: 2)
        #expect(try await provider.credentials().accessKeyID == "ASIAEXAMPLE")
        #expect(server.requests.count == 2)
    }

    @Test func unreachableEndpointsAreNamedInTheError() async throws {
        let server = try LocalHTTPServer { _ in (200, Self.document) }
        let base = server.baseURL
        server.stop()  // nothing listens on the port any more: the connection is refused
        let container = try ContainerCredentialProvider(
            environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": base + "/creds"], attempts: 2)
        let containerError = await #expect(throws: CredentialProviderError.self) { try await container.credentials() }
        #expect(containerError?.provider == "container")
        #expect(containerError?.reason.hasPrefix("\(base)/creds could not be reached: ") == true)
        #expect(containerError?.reason.hasSuffix(" (after 2 attempts)") == true)
        let imds = IMDSCredentialProvider(environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": base])
        let imdsError = await #expect(throws: CredentialProviderError.self) { try await imds.credentials() }
        #expect(imdsError?.provider == "imds")
        #expect(imdsError?.reason.hasPrefix("\(base)/latest/api/token could not be reached: ") == true)
    }

    @Test func containerFullURIHostRule() throws {
        #expect(throws: CredentialProviderError.self) {
            try ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://10.0.0.5/creds"]
            )
        }
        #expect(
            try ContainerCredentialProvider(environment: [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "https://example.com/creds"
            ]).url.host == "example.com")
        #expect(
            try ContainerCredentialProvider(environment: [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1"
            ]).url.host == "169.254.170.23")
        #expect(
            try ContainerCredentialProvider(environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/creds"]).url
                .absoluteString == "http://169.254.170.2/v2/creds")
        #expect(throws: CredentialProviderError.self) { try ContainerCredentialProvider(environment: [:]) }
    }

    @Test func imdsV2TokenThenRoleThenCredentials() async throws {
        let server = try LocalHTTPServer { request in
            switch (request.method, request.path) {
            case ("PUT", "/latest/api/token"):
                return request.headers["x-aws-ec2-metadata-token-ttl-seconds"] == "21600"
                    ? (200, "imds-token") : (400, "")
            case ("GET", "/latest/meta-data/iam/security-credentials/"):
                return request.headers["x-aws-ec2-metadata-token"] == "imds-token" ? (200, "my-role\n") : (401, "")
            case ("GET", "/latest/meta-data/iam/security-credentials/my-role"):
                return request.headers["x-aws-ec2-metadata-token"] == "imds-token" ? (200, Self.document) : (401, "")
            default:
                return (404, "")
            }
        }
        defer { server.stop() }
        let provider = IMDSCredentialProvider(environment: ["AWS_EC2_METADATA_SERVICE_ENDPOINT": server.baseURL])
        #expect(try await provider.credentials().accessKeyID == "ASIAEXAMPLE")
        #expect(server.requests.map(\.method) == ["PUT", "GET", "GET"])
    }

    actor CountingProvider: CredentialProvider {
        var calls = 0
        var failing = false
        let expiresIn: TimeInterval
        let base: Date

        init(expiresIn: TimeInterval, base: Date) {
            self.expiresIn = expiresIn
            self.base = base
        }

        func setFailing(_ value: Bool) { failing = value }

        func credentials() async throws -> AWSCredentials {
            calls += 1
            try await Task.sleep(nanoseconds: 20_000_000)
            if failing { throw CredentialProviderError(provider: "counting", reason: "down") }
            return AWSCredentials(
                accessKeyID: "K\(calls)", secretAccessKey: "s", expiration: base.addingTimeInterval(expiresIn))
        }
    }

    @Test func refreshingProviderRunsOneRefreshForManyCallers() async throws {
        let clock = Mutex(Date(timeIntervalSince1970: 1_000_000))
        let base = clock.withLock { $0 }
        let inner = CountingProvider(expiresIn: 3600, base: base)
        let provider = RefreshingCredentialProvider(inner, refreshAhead: 300, now: { clock.withLock { $0 } })
        let keys = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { try await provider.credentials().accessKeyID } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(keys) == ["K1"])
        #expect(await inner.calls == 1)
        // Inside the refresh window a new fetch happens; if it fails, the still-valid credentials are kept.
        clock.withLock { $0 = base.addingTimeInterval(3600 - 200) }
        await inner.setFailing(true)
        #expect(try await provider.credentials().accessKeyID == "K1")
        #expect(await inner.calls == 2)
        // Past expiry the failure surfaces.
        clock.withLock { $0 = base.addingTimeInterval(3700) }
        await #expect(throws: CredentialProviderError.self) { try await provider.credentials() }
        await inner.setFailing(false)
        #expect(try await provider.credentials().accessKeyID == "K4")
    }

    @Test func chainTakesTheFirstProviderWithCredentials() async throws {
        let chain = CredentialProviderChain([
            EnvironmentCredentialProvider(environment: [:]),
            StaticCredentialProvider(AWSCredentials(accessKeyID: "STATIC", secretAccessKey: "s")),
        ])
        #expect(try await chain.credentials().accessKeyID == "STATIC")
        await #expect(throws: CredentialProviderError.self) {
            try await CredentialProviderChain([EnvironmentCredentialProvider(environment: [:])]).credentials()
        }
    }
}
