/// IAM's evaluation of one request against identity policies and, as a VPC endpoint's policy
/// is applied, an endpoint policy: an explicit `Deny` in any policy wins; otherwise the identity
/// policies must `Allow` it and, when there is an endpoint policy, so must that; otherwise it is
/// implicitly denied. Actions match without case, resources and ARNs with it; `*` and `?` are
/// wildcards in both.
public struct PolicyEvaluator: Sendable {
    /// What is asked: who, which action on which resource, and the condition keys known.
    public struct Request: Sendable, Hashable {
        /// Who asks.
        public var principalARN: String
        /// `qldb:SendCommand`, `qldb:PartiQLSelect`, ….
        public var action: String
        /// The resource's ARN.
        public var resource: String
        /// Condition keys and their values (`aws:PrincipalArn` is added from the principal;
        /// `aws:ResourceTag/KEY` from the resource's tags).
        public var context: [String: String]

        /// A request.
        public init(principalARN: String, action: String, resource: String, context: [String: String] = [:]) {
            self.principalARN = principalARN
            self.action = action
            self.resource = resource
            self.context = context
        }
    }

    /// The outcome and the statement that decided it.
    public struct Decision: Sendable, Hashable, CustomStringConvertible {
        /// Allowed, or denied and how.
        public enum Outcome: String, Sendable, Hashable {
            case allowed
            case explicitlyDenied = "explicitly denied"
            case implicitlyDenied = "implicitly denied"
        }

        /// The outcome.
        public var outcome: Outcome
        /// The deciding statement: `policy N statement M (Sid)` of the principal's policies or of
        /// the endpoint policy; for an implicit deny, which side allowed nothing.
        public var reason: String

        /// A decision.
        public init(outcome: Outcome, reason: String) {
            self.outcome = outcome
            self.reason = reason
        }

        /// Whether the request may go on.
        public var isAllowed: Bool { outcome == .allowed }

        public var description: String { "\(outcome.rawValue): \(reason)" }
    }

    static let knownOperators: Set<String> = [
        "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringLike", "StringNotLike", "ArnEquals",
        "ArnLike", "ArnNotEquals", "ArnNotLike", "Bool",
    ]

    /// The principal's identity policies.
    public var identityPolicies: [PolicyDocument]
    /// The endpoint's policy, when requests come through one.
    public var endpointPolicy: PolicyDocument?

    /// An evaluator.
    public init(identityPolicies: [PolicyDocument], endpointPolicy: PolicyDocument?) {
        self.identityPolicies = identityPolicies
        self.endpointPolicy = endpointPolicy
    }

    /// Decides a request.
    public func decide(_ request: Request) -> Decision {
        var context = request.context
        context["aws:PrincipalArn"] = request.principalARN
        var identityAllow: String?
        for (p, policy) in identityPolicies.enumerated() {
            for (s, statement) in policy.statements.enumerated() where applies(statement, request, context) {
                let name = Self.name("identity policy \(p)", s, statement)
                if statement.effect == .deny { return Decision(outcome: .explicitlyDenied, reason: name) }
                identityAllow = identityAllow ?? name
            }
        }
        var endpointAllow: String?
        if let endpointPolicy {
            for (s, statement) in endpointPolicy.statements.enumerated()
            where applies(statement, request, context)
                && (statement.principals ?? ["*"]).contains(where: {
                    $0 == "*" || Wildcard.matches($0, request.principalARN)
                })
            {
                let name = Self.name("endpoint policy", s, statement)
                if statement.effect == .deny { return Decision(outcome: .explicitlyDenied, reason: name) }
                endpointAllow = endpointAllow ?? name
            }
        }
        guard let identityAllow else {
            return Decision(outcome: .implicitlyDenied, reason: "no identity-based policy allows \(request.action)")
        }
        guard endpointPolicy == nil || endpointAllow != nil else {
            return Decision(
                outcome: .implicitlyDenied,
                reason: "the endpoint policy does not allow \(request.principalARN) \(request.action)")
        }
        return Decision(
            outcome: .allowed, reason: [identityAllow, endpointAllow].compactMap { $0 }.joined(separator: " and "))
    }

    private static func name(_ policy: String, _ index: Int, _ statement: PolicyDocument.Statement) -> String {
        "\(policy) statement \(index)" + (statement.sid.map { " (\($0))" } ?? "")
    }

    private func applies(
        _ statement: PolicyDocument.Statement, _ request: Request, _ context: [String: String]
    ) -> Bool {
        let action = statement.actions.values.contains { Wildcard.matches($0, request.action, ignoringCase: true) }
        guard action != statement.actions.negated else { return false }
        let resource = statement.resources.values.contains { Wildcard.matches($0, request.resource) }
        guard resource != statement.resources.negated else { return false }
        return statement.conditions.allSatisfy { holds($0, context) }
    }

    /// A condition with a key the request does not have holds only for the negated operators.
    private func holds(_ condition: PolicyDocument.Statement.Condition, _ context: [String: String]) -> Bool {
        // Condition keys are matched without case, as IAM does.
        let value = context.first { $0.key.caseInsensitiveCompare(condition.key) == .orderedSame }?.value
        let negated = condition.conditionOperator.contains("Not")
        guard let value else { return negated }
        let any: Bool
        switch condition.conditionOperator {
        case "StringEquals", "StringNotEquals", "ArnEquals", "ArnNotEquals":
            any = condition.values.contains(value)
        case "StringEqualsIgnoreCase": any = condition.values.contains { $0.lowercased() == value.lowercased() }
        case "StringLike", "StringNotLike", "ArnLike", "ArnNotLike":
            any = condition.values.contains { Wildcard.matches($0, value) }
        case "Bool": any = condition.values.contains { $0.lowercased() == value.lowercased() }
        default: any = false
        }
        return negated ? !any : any
    }
}
