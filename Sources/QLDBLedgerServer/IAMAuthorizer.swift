import Foundation
import Logging
import QLDBControl
import QLDBLedger
import QLDBPermissions
import Synchronization

/// `qldb serve --iam FILE`: who signs requests (the file's principals and their keys) and what
/// each may do (their IAM policies and the endpoint policy), per ledger permissions mode:
///
/// - every SendCommand session needs `qldb:SendCommand` on the ledger's ARN;
/// - in `STANDARD` mode every statement also needs its PartiQL actions on its tables
///   (`…:ledger/NAME/table/TABLE-ID`), as QLDB's permissions reference lists them;
/// - control-plane operations need `qldb:<Operation>` on their resource.
///
/// Denials answer `AccessDeniedException` (403) with AWS's wording, naming principal, action and
/// resource, and are logged with the statement. ``reload(_:)`` swaps the file in whole (`kill
/// -HUP`): a key in either file works while a rotation overlaps.
public final class IAMAuthorizer: LedgerAuthorizer {
    private let configuration: Mutex<IAMConfiguration>
    let region: String
    let logger: Logger
    /// The permissions mode of a ledger, as its settings hold it now.
    private let permissionsMode = Mutex<(@Sendable (String) async -> PermissionsMode)?>(nil)

    /// An authorizer for ARNs in `region` of the file's account.
    public init(_ configuration: IAMConfiguration, region: String, logger: Logger) {
        self.configuration = Mutex(configuration)
        self.region = region
        self.logger = logger
    }

    /// Replaces the file's contents.
    public func reload(_ new: IAMConfiguration) {
        configuration.withLock { $0 = new }
        logger.notice(
            "IAM file reloaded",
            metadata: ["principals": "\(new.principals.count)", "endpointPolicy": "\(new.endpointPolicy != nil)"])
    }

    /// The file's account.
    public var accountID: String { configuration.withLock { $0.accountID } }

    /// Reads each ledger's permissions mode from the control plane's settings of it; until this
    /// is called every ledger is taken to be `ALLOW_ALL`.
    public func readPermissionsModes(from controlPlane: ControlPlane) {
        permissionsMode.withLock { $0 = { await controlPlane.permissionsMode(of: $0) } }
    }

    /// The secret of an access key, for SigV4 verification.
    func secret(forAccessKey id: String) -> String? {
        configuration.withLock { $0.principal(forAccessKey: id)?.credential.secretAccessKey }
    }

    /// The session token an access key must come with, if it is a temporary key.
    func sessionToken(forAccessKey id: String) -> String?? {
        configuration.withLock { config in config.principal(forAccessKey: id).map { $0.credential.sessionToken } }
    }

    /// The decision on one request of the principal owning `accessKey`. The endpoint policy
    /// applies to the API call that crosses the endpoint (SendCommand, a control-plane
    /// operation), not to the PartiQL actions QLDB checks inside a session: the seed's endpoint
    /// policy allows only `qldb:SendCommand`, and its Lambda still inserts.
    public func decide(accessKey: String?, action: String, resource: String, throughEndpoint: Bool = true) -> (
        principal: String, decision: PolicyEvaluator.Decision
    ) {
        configuration.withLock { config in
            guard let accessKey, let (principal, _) = config.principal(forAccessKey: accessKey) else {
                return (
                    "unknown",
                    PolicyEvaluator.Decision(outcome: .implicitlyDenied, reason: "the access key is not known")
                )
            }
            let decision = config.evaluator(for: principal, throughEndpoint: throughEndpoint).decide(
                .init(principalARN: principal.arn, action: action, resource: resource))
            return (principal.arn, decision)
        }
    }

    func ledgerARN(_ ledger: String) -> String { "arn:aws:qldb:\(region):\(accountID):ledger/\(ledger)" }

    public func authorizeSession(principal: String?, ledger: String) async -> LedgerError? {
        denial(principal, "qldb:SendCommand", ledgerARN(ledger), statement: nil, throughEndpoint: true)
    }

    public func authorizeStatement(
        principal: String?, ledger: String, statement: String, permissions: [RequiredPermission]
    ) async -> LedgerError? {
        let mode = await permissionsMode.withLock { $0 }?(ledger) ?? .allowAll
        guard mode == .standard else { return nil }
        for permission in permissions {
            if let denied = denial(
                principal, permission.action, "\(ledgerARN(ledger))/\(permission.resource)", statement: statement,
                throughEndpoint: false)
            {
                return denied
            }
        }
        return nil
    }

    /// A control-plane operation's check.
    func authorize(accessKey: String?, action: String, resource: String) -> ControlPlaneError? {
        guard let denied = denial(accessKey, action, resource, statement: nil, throughEndpoint: true) else {
            return nil
        }
        return ControlPlaneError(type: denied.type, status: denied.status, message: denied.message)
    }

    private func denial(
        _ accessKey: String?, _ action: String, _ resource: String, statement: String?, throughEndpoint: Bool
    ) -> LedgerError? {
        let (principal, decision) = decide(
            accessKey: accessKey, action: action, resource: resource, throughEndpoint: throughEndpoint)
        guard !decision.isAllowed else { return nil }
        var metadata: Logger.Metadata = [
            "principal": "\(principal)", "action": "\(action)", "resource": "\(resource)", "decision": "\(decision)",
        ]
        if let statement { metadata["statement"] = "\(statement)" }
        logger.notice("request denied", metadata: metadata)
        let by = decision.outcome == .explicitlyDenied ? "with an explicit deny" : "because no policy allows it"
        return LedgerError(
            type: "AccessDeniedException", status: 403,
            message: "User: \(principal) is not authorized to perform: \(action) on resource: \(resource) \(by)")
    }
}
