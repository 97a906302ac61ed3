import Foundation
import QLDBPrimitives

/// Credentials from the container credentials endpoint: ECS tasks, and Lambda under SnapStart
/// (where the key variables are absent and `AWS_CONTAINER_CREDENTIALS_FULL_URI` is set).
///
/// - `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` is fetched from `http://169.254.170.2`;
/// - else `AWS_CONTAINER_CREDENTIALS_FULL_URI`, which must be `https`, or `http` to a loopback
///   address, `169.254.170.2`, `169.254.170.23` or `fd00:ec2::23`;
/// - the `Authorization` header is the contents of `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`
///   (read again on every fetch) or `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
///
/// The credentials expire; wrap this provider in ``RefreshingCredentialProvider``.
public struct ContainerCredentialProvider: CredentialProvider {
    /// The endpoint fetched.
    public let url: URL
    let environment: [String: String]
    let http: any CredentialHTTPClient
    let attempts: Int

    /// Creates the provider from the environment.
    ///
    /// - Throws: ``CredentialProviderError`` when neither URI variable is set, or the full URI's
    ///   host is not allowed.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        http: any CredentialHTTPClient = AsyncHTTPCredentialClient(), attempts: Int = 3
    ) throws {
        self.environment = environment
        self.http = http
        self.attempts = attempts
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"], !relative.isEmpty {
            guard let url = URL(string: "http://169.254.170.2" + relative) else {
                throw CredentialProviderError(
                    provider: "container", reason: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI '\(relative)' is not a path")
            }
            self.url = url
        } else if let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"], !full.isEmpty {
            guard let url = URL(string: full), let host = url.host, let scheme = url.scheme?.lowercased() else {
                throw CredentialProviderError(
                    provider: "container", reason: "AWS_CONTAINER_CREDENTIALS_FULL_URI '\(full)' is not a URL")
            }
            guard scheme == "https" || (scheme == "http" && Self.isAllowedHTTPHost(host)) else {
                throw CredentialProviderError(
                    provider: "container",
                    reason:
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI host '\(host)' must use https, or be loopback, 169.254.170.2, 169.254.170.23 or fd00:ec2::23"
                )
            }
            self.url = url
        } else {
            throw CredentialProviderError(
                provider: "container",
                reason: "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set")
        }
    }

    static func isAllowedHTTPHost(_ rawHost: String) -> Bool {
        let host = rawHost.trimmed { $0 == "[" || $0 == "]" }.lowercased()
        if host == "localhost" || host == "::1" || host == "169.254.170.2" || host == "169.254.170.23"
            || host == "fd00:ec2::23"
        {
            return true
        }
        let octets = host.split(separator: ".")
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    func authorization() throws -> String? {
        var token: String? = nil
        if let file = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"], !file.isEmpty {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw CredentialProviderError(
                    provider: "container", reason: "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(file)")
            }
            token = String(decoding: data, as: UTF8.self).trimmed(while: \.isWhitespace)
        } else if let value = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"], !value.isEmpty {
            token = value
        }
        if let token, token.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw CredentialProviderError(
                provider: "container", reason: "the authorization token contains a line break")
        }
        return token
    }

    public func credentials() async throws -> AWSCredentials {
        var headers: [String: String] = ["Accept": "application/json"]
        if let token = try authorization() { headers["Authorization"] = token }
        var lastFailure = "no attempt made"
        for attempt in 0..<max(1, attempts) {
            if attempt > 0 { try await Task.sleep(nanoseconds: 100_000_000 << (attempt - 1)) }
            let status: Int
            let body: Data
            do {
                (status, body) = try await http.send(method: "GET", url: url, headers: headers, timeout: 2)
            } catch {
                lastFailure = "\(url) could not be reached: \(error)"
                continue
            }
            guard status == 200 else {
                let failure = "\(url) answered HTTP \(status)"
                // Client errors will not change on retry.
                if (400..<500).contains(status) {
                    throw CredentialProviderError(provider: "container", reason: failure)
                }
                lastFailure = failure
                continue
            }
            let document: CredentialDocument
            do {
                document = try JSONDecoder().decode(CredentialDocument.self, from: body)
            } catch {
                throw CredentialProviderError(
                    provider: "container", reason: "\(url) returned a body that is not a credential document")
            }
            return try document.credentials(provider: "container")
        }
        throw CredentialProviderError(
            provider: "container", reason: lastFailure + " (after \(max(1, attempts)) attempts)")
    }
}
