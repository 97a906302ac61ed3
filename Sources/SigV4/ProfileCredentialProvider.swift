import Foundation
import QLDBPrimitives

/// Static keys from the shared `credentials` and `config` files, for local development.
///
/// The profile is `AWS_PROFILE` (else `default`); the files are `AWS_SHARED_CREDENTIALS_FILE`
/// and `AWS_CONFIG_FILE` (else `~/.aws/credentials` and `~/.aws/config`). In `config`, sections
/// other than `default` are named `[profile NAME]`. Values in `credentials` win.
public struct ProfileCredentialProvider: CredentialProvider {
    let environment: [String: String]

    /// Creates a provider over an environment (the process's by default).
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    var profile: String { environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default" }

    /// The home directory, from `HOME` as the AWS CLI reads it; else the user database's entry
    /// (a process started without `HOME`).
    var home: String {
        if let home = environment["HOME"], !home.isEmpty { return home }
        guard let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir else { return "" }
        return String(cString: directory)
    }

    public func credentials() async throws -> AWSCredentials {
        let credentialsFile = environment["AWS_SHARED_CREDENTIALS_FILE"] ?? home + "/.aws/credentials"
        let configFile = environment["AWS_CONFIG_FILE"] ?? home + "/.aws/config"
        let fromCredentials = Self.section(profile, in: Self.parse(file: credentialsFile), isConfig: false)
        let fromConfig = Self.section(profile, in: Self.parse(file: configFile), isConfig: true)
        let merged = fromConfig.merging(fromCredentials) { _, credentials in credentials }
        guard let key = merged["aws_access_key_id"], let secret = merged["aws_secret_access_key"] else {
            throw CredentialProviderError(
                provider: "profile",
                reason:
                    "profile '\(profile)' has no aws_access_key_id and aws_secret_access_key in \(credentialsFile) or \(configFile)"
            )
        }
        return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: merged["aws_session_token"])
    }

    /// The region of the profile, if its config names one.
    public func region() -> String? {
        let configFile = environment["AWS_CONFIG_FILE"] ?? home + "/.aws/config"
        return Self.section(profile, in: Self.parse(file: configFile), isConfig: true)["region"]
    }

    static func section(_ profile: String, in sections: [String: [String: String]], isConfig: Bool) -> [String: String]
    {
        if isConfig && profile != "default" { return sections["profile " + profile] ?? [:] }
        return sections[profile] ?? [:]
    }

    /// Parses an INI file into sections of `key = value`; comments start with `#` or `;`.
    static func parse(file: String) -> [String: [String: String]] {
        guard let data = FileManager.default.contents(atPath: file) else { return [:] }
        return parse(String(decoding: data, as: UTF8.self))
    }

    static func parse(_ text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String? = nil
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmed(while: \.isWhitespace)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                current = line.dropFirst().dropLast().trimmed(while: \.isWhitespace)
                continue
            }
            guard let section = current, let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmed(while: \.isWhitespace).lowercased()
            let value = line[line.index(after: eq)...].trimmed(while: \.isWhitespace)
            sections[section, default: [:]][key] = value
        }
        return sections
    }
}
