import Foundation

/// Something that supplies AWS credentials.
public protocol CredentialProvider: Sendable {
    /// The current credentials. Providers of expiring credentials refresh them as needed.
    func credentials() async throws -> AWSCredentials
}

/// Why credentials could not be had.
public struct CredentialProviderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which provider failed.
    public var provider: String
    /// What was wrong.
    public var reason: String

    /// Creates an error.
    public init(provider: String, reason: String) {
        self.provider = provider
        self.reason = reason
    }

    public var description: String { "\(provider): \(reason)" }
}

/// Fixed credentials given in code.
public struct StaticCredentialProvider: CredentialProvider {
    let value: AWSCredentials

    /// Creates a provider that always returns `credentials`.
    public init(_ credentials: AWSCredentials) { value = credentials }

    public func credentials() async throws -> AWSCredentials { value }
}

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`, as
/// Lambda sets them from the execution role. Empty values count as absent.
public struct EnvironmentCredentialProvider: CredentialProvider {
    let environment: [String: String]

    /// Creates a provider over an environment (the process's by default).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    public func credentials() async throws -> AWSCredentials {
        guard let key = environment["AWS_ACCESS_KEY_ID"], !key.isEmpty,
            let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty
        else {
            throw CredentialProviderError(
                provider: "environment", reason: "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set")
        }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token)
    }
}

/// Tries providers in order and returns the first credentials one of them gives.
public struct CredentialProviderChain: CredentialProvider {
    let providers: [any CredentialProvider]

    /// Creates a chain.
    public init(_ providers: [any CredentialProvider]) { self.providers = providers }

    /// The default chain for a Lambda-hosted client: environment, container endpoint (SnapStart),
    /// shared files, then IMDSv2 (never inside Lambda).
    public static func `default`(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> CredentialProviderChain
    {
        var providers: [any CredentialProvider] = [EnvironmentCredentialProvider(environment: environment)]
        if let container = try? ContainerCredentialProvider(environment: environment) {
            providers.append(RefreshingCredentialProvider(container))
        }
        providers.append(ProfileCredentialProvider(environment: environment))
        if environment["AWS_LAMBDA_FUNCTION_NAME"] == nil, environment["AWS_EC2_METADATA_DISABLED"] != "true" {
            providers.append(RefreshingCredentialProvider(IMDSCredentialProvider()))
        }
        return CredentialProviderChain(providers)
    }

    public func credentials() async throws -> AWSCredentials {
        var reasons: [String] = []
        for provider in providers {
            do {
                return try await provider.credentials()
            } catch {
                reasons.append(String(describing: error))
            }
        }
        throw CredentialProviderError(
            provider: "chain", reason: "no provider had credentials: " + reasons.joined(separator: "; "))
    }
}
