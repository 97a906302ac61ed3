import Foundation
import QLDBPrimitives

/// Credentials of the EC2 instance role, through IMDSv2 (a session token first, then the role's
/// credentials). Lambda has no IMDS; the default chain leaves this provider out there.
public struct IMDSCredentialProvider: CredentialProvider {
    /// The metadata endpoint (`AWS_EC2_METADATA_SERVICE_ENDPOINT`, else `http://169.254.169.254`).
    public let endpoint: URL
    let http: any CredentialHTTPClient
    let timeout: TimeInterval

    /// Creates the provider.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        http: any CredentialHTTPClient = AsyncHTTPCredentialClient(), timeout: TimeInterval = 1
    ) {
        let configured = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"].flatMap { URL(string: $0) }
        self.endpoint = configured ?? URL(string: "http://169.254.169.254")!
        self.http = http
        self.timeout = timeout
    }

    func url(_ path: String) -> URL {
        URL(string: endpoint.absoluteString.trimmed { $0 == "/" } + path)!
    }

    /// One request; a failure to get any response names the endpoint.
    private func send(_ method: String, _ path: String, headers: [String: String]) async throws -> (
        status: Int, body: Data
    ) {
        do {
            return try await http.send(method: method, url: url(path), headers: headers, timeout: timeout)
        } catch {
            throw CredentialProviderError(provider: "imds", reason: "\(url(path)) could not be reached: \(error)")
        }
    }

    public func credentials() async throws -> AWSCredentials {
        let (tokenStatus, tokenBody) = try await send(
            "PUT", "/latest/api/token", headers: ["X-aws-ec2-metadata-token-ttl-seconds": "21600"])
        guard tokenStatus == 200 else {
            throw CredentialProviderError(provider: "imds", reason: "token request answered HTTP \(tokenStatus)")
        }
        let token = String(decoding: tokenBody, as: UTF8.self)
        let headers = ["X-aws-ec2-metadata-token": token]
        let base = "/latest/meta-data/iam/security-credentials/"
        let (roleStatus, roleBody) = try await send("GET", base, headers: headers)
        guard roleStatus == 200,
            let role = String(decoding: roleBody, as: UTF8.self).split(whereSeparator: \.isNewline).first
        else {
            throw CredentialProviderError(provider: "imds", reason: "no instance role (HTTP \(roleStatus))")
        }
        let (status, body) = try await send("GET", base + role, headers: headers)
        guard status == 200 else {
            throw CredentialProviderError(
                provider: "imds", reason: "credentials of role \(role) answered HTTP \(status)")
        }
        guard let document = try? JSONDecoder().decode(CredentialDocument.self, from: body) else {
            throw CredentialProviderError(
                provider: "imds", reason: "credentials of role \(role) are not a credential document")
        }
        return try document.credentials(provider: "imds")
    }
}
