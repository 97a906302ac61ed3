import AsyncHTTPClient
import Foundation

/// A long-term key pair kept in AWS Secrets Manager, read once with the caller's own credentials:
/// how a Lambda gets the key a `qldb serve --iam` ledger knows it by (a server that is not AWS
/// cannot verify STS's role credentials). The secret's string is JSON,
/// `{"accessKeyId": "…", "secretAccessKey": "…"}`; rotating it means the next cold start reads
/// the new pair (the server's IAM file holds both while the rotation overlaps).
public final class SecretsManagerCredentialProvider: CredentialProvider {
    let secretID: String
    let http: SignedHTTPClient
    private let cached = CredentialCache()

    /// A provider reading `secretID` (an ARN or name) from Secrets Manager in `region`, at
    /// `endpoint` (default `https://secretsmanager.REGION.amazonaws.com`, or
    /// `$AWS_ENDPOINT_URL_SECRETS_MANAGER`), signed with `credentials`.
    public init(
        secretID: String, region: String, endpoint: URL? = nil, credentials: any CredentialProvider,
        httpClient: HTTPClient? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.secretID = secretID
        let url =
            endpoint ?? environment["AWS_ENDPOINT_URL_SECRETS_MANAGER"].flatMap(URL.init(string:))
            ?? URL(string: "https://secretsmanager.\(region).amazonaws.com")!
        http = SignedHTTPClient(
            endpoint: url, signer: SigV4Signer(service: "secretsmanager", region: region), credentials: credentials,
            httpClient: httpClient, timeout: .seconds(5), maxResponseBytes: 1 << 20)
    }

    public func credentials() async throws -> AWSCredentials {
        if let credentials = await cached.value { return credentials }
        let body = Array(try JSONEncoder().encode(["SecretId": secretID]))
        let response = try await http.send(
            method: "POST", path: "/",
            headers: [
                (name: "Content-Type", value: "application/x-amz-json-1.1"),
                (name: "X-Amz-Target", value: "secretsmanager.GetSecretValue"),
            ], body: body)
        func failure(_ reason: String) -> CredentialProviderError {
            CredentialProviderError(provider: "secrets manager (\(secretID))", reason: reason)
        }
        guard response.status == 200 else {
            throw failure(
                "GetSecretValue answered \(response.status): \(String(decoding: response.body.prefix(300), as: UTF8.self))"
            )
        }
        struct Answer: Decodable {
            var secretString: String?
            enum CodingKeys: String, CodingKey { case secretString = "SecretString" }
        }
        struct KeyPair: Decodable {
            var accessKeyId: String
            var secretAccessKey: String
        }
        guard let text = (try? JSONDecoder().decode(Answer.self, from: Data(response.body)))?.secretString,
            let pair = try? JSONDecoder().decode(KeyPair.self, from: Data(text.utf8))
        else {
            throw failure("the secret's string is not {\"accessKeyId\": …, \"secretAccessKey\": …}")
        }
        let credentials = AWSCredentials(accessKeyID: pair.accessKeyId, secretAccessKey: pair.secretAccessKey)
        await cached.set(credentials)
        return credentials
    }

    /// The pair, once read.
    private actor CredentialCache {
        var value: AWSCredentials?
        func set(_ credentials: AWSCredentials) { value = credentials }
    }
}
