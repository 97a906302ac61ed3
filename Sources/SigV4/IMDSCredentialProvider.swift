import Foundation

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
        http: any CredentialHTTPClient = URLSessionCredentialHTTPClient(), timeout: TimeInterval = 1
    ) {
        let configured = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"].flatMap { URL(string: $0) }
        self.endpoint = configured ?? URL(string: "http://169.254.169.254")!
        self.http = http
        self.timeout = timeout
    }

    func url(_ path: String) -> URL { URL(string: endpoint.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + path)! }

    public func credentials() async throws -> AWSCredentials {
        let (tokenStatus, tokenBody) = try await http.send(
            method: "PUT", url: url("/latest/api/token"), headers: ["X-aws-ec2-metadata-token-ttl-seconds": "21600"], timeout: timeout)
        guard tokenStatus == 200 else {
            throw CredentialProviderError(provider: "imds", reason: "token request answered HTTP \(tokenStatus)")
        }
        let token = String(decoding: tokenBody, as: UTF8.self)
        let headers = ["X-aws-ec2-metadata-token": token]
        let base = "/latest/meta-data/iam/security-credentials/"
        let (roleStatus, roleBody) = try await http.send(method: "GET", url: url(base), headers: headers, timeout: timeout)
        guard roleStatus == 200, let role = String(decoding: roleBody, as: UTF8.self).split(whereSeparator: \.isNewline).first else {
            throw CredentialProviderError(provider: "imds", reason: "no instance role (HTTP \(roleStatus))")
        }
        let (status, body) = try await http.send(method: "GET", url: url(base + role), headers: headers, timeout: timeout)
        guard status == 200 else {
            throw CredentialProviderError(provider: "imds", reason: "credentials of role \(role) answered HTTP \(status)")
        }
        guard let document = try? JSONDecoder().decode(CredentialDocument.self, from: body) else {
            throw CredentialProviderError(provider: "imds", reason: "credentials of role \(role) are not a credential document")
        }
        return try document.credentials(provider: "imds")
    }
}
