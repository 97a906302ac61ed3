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
/// Conditions see `aws:PrincipalArn`, `aws:ResourceTag/KEY` (the tags of the ledger or table the
/// request acts on, looked up only when some policy reads them) and `aws:RequestTag/KEY` (the
/// tags TagResource, CreateLedger or CREATE TABLE … WITH (aws_tags = …) give).
///
/// Denials answer `AccessDeniedException` (403) with AWS's wording, naming principal, action and
/// resource, and are logged with the statement. ``reload(_:)`` swaps the file in whole (`kill
/// -HUP`): a key in either file works while a rotation overlaps.
public final class IAMAuthorizer: LedgerAuthorizer {
    private let configuration: Mutex<IAMConfiguration>
    /// Whether a policy of the file reads `aws:ResourceTag/KEY`, known when the file is loaded
    /// (asked on every statement's every permission).
    private let readsResourceTags: Atomic<Bool>
    let region: String
    let logger: Logger
    /// The permissions mode of a ledger, as its settings hold it now.
    private let permissionsMode = Mutex<(@Sendable (String) async -> PermissionsMode)?>(nil)
    /// The tags of a resource (a ledger's or a table's ARN).
    private let resourceTags = Mutex<(@Sendable (String) async -> [String: String])?>(nil)

    /// An authorizer for ARNs in `region` of the file's account.
    public init(_ configuration: IAMConfiguration, region: String, logger: Logger) {
        self.configuration = Mutex(configuration)
        self.readsResourceTags = Atomic(configuration.usesResourceTags)
        self.region = region
        self.logger = logger
    }

    /// Replaces the file's contents.
    public func reload(_ new: IAMConfiguration) {
        configuration.withLock { $0 = new }
        readsResourceTags.store(new.usesResourceTags, ordering: .relaxed)
        logger.notice(
            "IAM file reloaded",
            metadata: ["principals": "\(new.principals.count)", "endpointPolicy": "\(new.endpointPolicy != nil)"])
    }

    /// The file's account.
    public var accountID: String { configuration.withLock { $0.accountID } }

    /// Reads each ledger's permissions mode and the tags of ledgers and tables from the control
    /// plane; until this is called every ledger is taken to be `ALLOW_ALL` and no resource has
    /// tags.
    public func readLedgerSettings(from controlPlane: ControlPlane) {
        permissionsMode.withLock { $0 = { await controlPlane.permissionsMode(of: $0) } }
        resourceTags.withLock { $0 = { await controlPlane.resourceTags(ofARN: $0) } }
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
    /// policy allows only `qldb:SendCommand`, and its Lambda still inserts. `context` holds the
    /// request's condition keys beyond `aws:PrincipalArn` (`aws:ResourceTag/KEY`, …).
    public func decide(
        accessKey: String?, action: String, resource: String, throughEndpoint: Bool = true,
        context: [String: String] = [:]
    ) -> (principal: String, decision: PolicyEvaluator.Decision) {
        configuration.withLock { config in
            guard let accessKey, let (principal, _) = config.principal(forAccessKey: accessKey) else {
                return (
                    "unknown",
                    PolicyEvaluator.Decision(outcome: .implicitlyDenied, reason: "the access key is not known")
                )
            }
            let decision = config.evaluator(for: principal, throughEndpoint: throughEndpoint).decide(
                .init(principalARN: principal.arn, action: action, resource: resource, context: context))
            return (principal.arn, decision)
        }
    }

    func ledgerARN(_ ledger: String) -> String { "arn:aws:qldb:\(region):\(accountID):ledger/\(ledger)" }

    /// The condition keys of a request on `resource`: its tags (when a policy reads them) and
    /// the tags the request gives.
    func conditionContext(resource: String, requestTags: [String: String]) async -> [String: String] {
        var context: [String: String] = [:]
        if readsResourceTags.load(ordering: .relaxed), let lookup = resourceTags.withLock({ $0 }) {
            for (key, value) in await lookup(resource) { context["aws:ResourceTag/\(key)"] = value }
        }
        for (key, value) in requestTags { context["aws:RequestTag/\(key)"] = value }
        return context
    }

    public func authorizeSession(principal: String?, ledger: String) async -> LedgerError? {
        let resource = ledgerARN(ledger)
        return denial(
            principal, "qldb:SendCommand", resource, statement: nil, throughEndpoint: true,
            context: await conditionContext(resource: resource, requestTags: [:]))
    }

    public func authorizeStatement(
        principal: String?, ledger: String, statement: String, permissions: [RequiredPermission]
    ) async -> LedgerError? {
        let mode = await permissionsMode.withLock { $0 }?(ledger) ?? .allowAll
        guard mode == .standard else {
            if permissions.contains(where: { $0.action == "qldb:TagResource" }) {
                return LedgerError.badRequest(
                    "Tagging a table on creation is supported only in ledgers in the STANDARD permissions mode; \(ledger) is ALLOW_ALL (tag the table with TagResource instead)"
                )
            }
            return nil
        }
        for permission in permissions {
            let resource = "\(ledgerARN(ledger))/\(permission.resource)"
            let context = await conditionContext(resource: resource, requestTags: permission.requestTags)
            if let denied = denial(
                principal, permission.action, resource, statement: statement, throughEndpoint: false, context: context)
            {
                return denied
            }
        }
        return nil
    }

    /// A control-plane operation's check.
    func authorize(accessKey: String?, action: String, resource: String, requestTags: [String: String]) async
        -> ControlPlaneError?
    {
        let context = await conditionContext(resource: resource, requestTags: requestTags)
        guard let denied = denial(accessKey, action, resource, statement: nil, throughEndpoint: true, context: context)
        else {
            return nil
        }
        return ControlPlaneError(type: denied.type, status: denied.status, message: denied.message)
    }

    private func denial(
        _ accessKey: String?, _ action: String, _ resource: String, statement: String?, throughEndpoint: Bool,
        context: [String: String]
    ) -> LedgerError? {
        let (principal, decision) = decide(
            accessKey: accessKey, action: action, resource: resource, throughEndpoint: throughEndpoint,
            context: context)
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
