import Foundation

/// Who may call a ledger server and what they may do: `qldb serve --iam FILE`. The file is JSON:
///
/// ```json
/// {"accountId": "123456789012",
///  "principals": [{"arn": "arn:aws:iam::123456789012:role/licence-lambda",
///                  "credentials": [{"accessKeyId": "ASIA…", "secretAccessKey": "…", "sessionToken": "…"}],
///                  "policies": [{"Version": "2012-10-17", "Statement": [ … ]}]}],
///  "endpointPolicy": {"Version": "2012-10-17", "Statement": [ … ]}}
/// ```
///
/// A principal is an IAM role or user of the account; each of its keys signs requests (a key
/// with a session token, as a Lambda role's are, must send it as `X-Amz-Security-Token`); its
/// policies are IAM identity policies. The endpoint policy, when present, is applied as a VPC
/// endpoint's is: every request must be allowed by it too.
public struct IAMConfiguration: Sendable {
    /// A signing key of a principal.
    public struct Credential: Sendable, Hashable {
        /// The access key id.
        public var accessKeyID: String
        /// The secret.
        public var secretAccessKey: String
        /// The session token temporary keys come with.
        public var sessionToken: String?
    }

    /// A role or user.
    public struct Principal: Sendable {
        /// `arn:aws:iam::ACCOUNT:role/NAME` or `…:user/NAME`.
        public var arn: String
        /// Its keys.
        public var credentials: [Credential]
        /// Its identity policies.
        public var policies: [PolicyDocument]
    }

    /// The account every ARN names.
    public var accountID: String
    /// Who may sign.
    public var principals: [Principal]
    /// The endpoint's policy, applied to every request besides the principal's own.
    public var endpointPolicy: PolicyDocument?

    /// Reads the file's JSON.
    ///
    /// - Throws: ``PolicyError`` naming the field that is wrong.
    public init(json bytes: [UInt8]) throws(PolicyError) {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(bytes)) } catch {
            throw PolicyError("the IAM file is not JSON: \(error.localizedDescription)")
        }
        guard let root = object as? [String: Any] else { throw PolicyError("the IAM file is not a JSON object") }
        guard let account = root["accountId"] as? String, account.count == 12, account.allSatisfy(\.isNumber) else {
            throw PolicyError("accountId must be the 12-digit account the ledgers' ARNs name")
        }
        accountID = account
        guard let list = root["principals"] as? [Any] else { throw PolicyError("principals must be a list") }
        var principals: [Principal] = []
        var keys: [String: String] = [:]
        for (index, item) in list.enumerated() {
            let place = "principals[\(index)]"
            guard let entry = item as? [String: Any], let arn = entry["arn"] as? String else {
                throw PolicyError("\(place) must be an object with an arn")
            }
            let prefix = "arn:aws:iam::\(account):"
            guard arn.hasPrefix(prefix + "role/") || arn.hasPrefix(prefix + "user/") else {
                throw PolicyError("\(place).arn is \(arn); expected \(prefix)role/NAME or \(prefix)user/NAME")
            }
            var credentials: [Credential] = []
            for (number, raw) in ((entry["credentials"] as? [Any]) ?? []).enumerated() {
                guard let key = raw as? [String: Any], let id = key["accessKeyId"] as? String, !id.isEmpty,
                    let secret = key["secretAccessKey"] as? String, !secret.isEmpty
                else {
                    throw PolicyError("\(place).credentials[\(number)] needs accessKeyId and secretAccessKey")
                }
                if let other = keys[id] {
                    throw PolicyError("access key \(id) belongs to both \(other) and \(arn)")
                }
                keys[id] = arn
                credentials.append(
                    Credential(accessKeyID: id, secretAccessKey: secret, sessionToken: key["sessionToken"] as? String))
            }
            var policies: [PolicyDocument] = []
            for (number, policy) in ((entry["policies"] as? [Any]) ?? []).enumerated() {
                policies.append(try PolicyDocument(json: policy, at: "\(place).policies[\(number)]"))
            }
            principals.append(Principal(arn: arn, credentials: credentials, policies: policies))
        }
        self.principals = principals
        endpointPolicy = try root["endpointPolicy"].map { value throws(PolicyError) in
            try PolicyDocument(json: value, at: "endpointPolicy")
        }
    }

    /// Reads the file at `path`.
    ///
    /// - Throws: ``PolicyError``.
    public static func load(path: String) throws(PolicyError) -> IAMConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw PolicyError("cannot read the IAM file \(path)")
        }
        do { return try IAMConfiguration(json: Array(data)) } catch {
            throw PolicyError("\(path): \(error.message)")
        }
    }

    /// The principal that owns an access key, and the key.
    public func principal(forAccessKey id: String) -> (principal: Principal, credential: Credential)? {
        for principal in principals {
            if let credential = principal.credentials.first(where: { $0.accessKeyID == id }) {
                return (principal, credential)
            }
        }
        return nil
    }

    /// The principal with this ARN.
    public func principal(arn: String) -> Principal? { principals.first { $0.arn == arn } }

    /// Whether a condition of any policy reads `aws:ResourceTag/KEY`: only then must a request's
    /// resource tags be looked up.
    public var usesResourceTags: Bool {
        let documents = principals.flatMap(\.policies) + (endpointPolicy.map { [$0] } ?? [])
        return documents.contains { document in
            document.statements.contains { statement in
                statement.conditions.contains { $0.key.lowercased().hasPrefix("aws:resourcetag/") }
            }
        }
    }

    /// What decides a principal's requests: its policies and the endpoint policy.
    public func evaluator(for principal: Principal, throughEndpoint: Bool = true) -> PolicyEvaluator {
        PolicyEvaluator(identityPolicies: principal.policies, endpointPolicy: throughEndpoint ? endpointPolicy : nil)
    }
}
