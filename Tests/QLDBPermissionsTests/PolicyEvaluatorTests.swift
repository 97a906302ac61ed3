import Foundation
import Testing

@testable import QLDBPermissions

/// IAM's evaluation logic, case by case.
@Suite struct PolicyEvaluatorTests {
    static func policy(_ json: String) throws -> PolicyDocument {
        try PolicyDocument(json: try JSONSerialization.jsonObject(with: Data(json.utf8)), at: "policy")
    }

    static let ledger = "arn:aws:qldb:eu-west-1:123456789012:ledger/orders"
    static let role = "arn:aws:iam::123456789012:role/app"

    @Test(arguments: [
        ("*", "anything", true), ("qldb:*", "qldb:SendCommand", true), ("qldb:Partiql*", "qldb:PartiQLSelect", false),
        ("arn:aws:qldb:*:*:ledger/orders", ledger, true), ("arn:aws:qldb:eu-west-?:*:ledger/orders", ledger, true),
        ("arn:aws:qldb:eu-west-1:123456789012:ledger/order?", ledger, true),
        ("arn:aws:qldb:eu-west-1:123456789012:ledger/order", ledger, false),
        ("arn:aws:qldb:eu-west-1:123456789012:ledger/*/table/*", ledger + "/table/T1", true),
        ("a*b*c", "abxbyc", true), ("a*b*c", "abxbyd", false), ("", "", true), ("?", "", false),
    ])
    func wildcards(pattern: String, value: String, matches: Bool) {
        #expect(Wildcard.matches(pattern, value) == matches)
    }

    @Test func actionsMatchWithoutCaseAndResourcesWithIt() throws {
        let evaluator = PolicyEvaluator(
            identityPolicies: [
                try Self.policy(
                    #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"QLDB:sendcommand","Resource":"arn:aws:qldb:eu-west-1:123456789012:ledger/orders"}}"#
                )
            ], endpointPolicy: nil)
        #expect(
            evaluator.decide(.init(principalARN: Self.role, action: "qldb:SendCommand", resource: Self.ledger))
                .isAllowed)
        #expect(
            !evaluator.decide(
                .init(principalARN: Self.role, action: "qldb:SendCommand", resource: Self.ledger.uppercased())
            )
            .isAllowed)
    }

    @Test func anExplicitDenyWinsOverAnyAllow() throws {
        let evaluator = PolicyEvaluator(
            identityPolicies: [
                try Self.policy(#"{"Statement":[{"Effect":"Allow","Action":"qldb:*","Resource":"*"}]}"#),
                try Self.policy(
                    #"{"Statement":[{"Sid":"NoDeletes","Effect":"Deny","Action":"qldb:PartiQLDelete","Resource":"*"}]}"#
                ),
            ], endpointPolicy: nil)
        let denied = evaluator.decide(
            .init(principalARN: Self.role, action: "qldb:PartiQLDelete", resource: Self.ledger))
        #expect(denied.outcome == .explicitlyDenied)
        #expect(denied.reason == "identity policy 1 statement 0 (NoDeletes)")
        #expect(
            evaluator.decide(.init(principalARN: Self.role, action: "qldb:PartiQLSelect", resource: Self.ledger))
                .isAllowed)
    }

    @Test func notActionAndNotResourceApplyToEverythingElse() throws {
        let evaluator = PolicyEvaluator(
            identityPolicies: [
                try Self.policy(
                    #"{"Statement":[{"Effect":"Allow","NotAction":"qldb:PartiQLDrop*","NotResource":"arn:aws:qldb:*:*:ledger/secret*"}]}"#
                )
            ], endpointPolicy: nil)
        #expect(
            evaluator.decide(.init(principalARN: Self.role, action: "qldb:PartiQLInsert", resource: Self.ledger))
                .isAllowed)
        #expect(
            !evaluator.decide(.init(principalARN: Self.role, action: "qldb:PartiQLDropTable", resource: Self.ledger))
                .isAllowed)
        let secret = "arn:aws:qldb:eu-west-1:123456789012:ledger/secrets"
        let implicit = evaluator.decide(.init(principalARN: Self.role, action: "qldb:PartiQLInsert", resource: secret))
        #expect(implicit.outcome == .implicitlyDenied)
    }

    @Test(arguments: [
        (#"{"StringEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/app"}}"#, true),
        (#"{"StringEquals":{"AWS:PRINCIPALARN":"arn:aws:iam::123456789012:role/app"}}"#, true),
        (#"{"StringNotEquals":{"aws:PrincipalArn":"arn:aws:iam::123456789012:role/app"}}"#, false),
        (#"{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/a?p"}}"#, true),
        (#"{"ArnLike":{"aws:PrincipalArn":["arn:aws:iam::*:role/other","arn:aws:iam::*:role/*"]}}"#, true),
        (#"{"StringEquals":{"aws:ResourceTag/team":"orders"}}"#, true),
        (#"{"StringEquals":{"aws:ResourceTag/team":"billing"}}"#, false),
        (#"{"StringEquals":{"aws:ResourceTag/missing":"x"}}"#, false),
        (#"{"StringNotLike":{"aws:ResourceTag/missing":"x"}}"#, true),
        (#"{"Bool":{"aws:SecureTransport":"true"}}"#, true),
    ])
    func conditions(condition: String, allowed: Bool) throws {
        let evaluator = PolicyEvaluator(
            identityPolicies: [
                try Self.policy(
                    #"{"Statement":[{"Effect":"Allow","Action":"qldb:SendCommand","Resource":"*","Condition":"#
                        + condition + "}]}")
            ], endpointPolicy: nil)
        let request = PolicyEvaluator.Request(
            principalARN: Self.role, action: "qldb:SendCommand", resource: Self.ledger,
            context: ["aws:ResourceTag/team": "orders", "aws:SecureTransport": "true"])
        #expect(evaluator.decide(request).isAllowed == allowed)
    }

    @Test func theEndpointPolicyMustAllowToo() throws {
        let endpoint = try Self.policy(
            #"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/app"},"Action":"qldb:SendCommand","Resource":"*"}]}"#
        )
        let everything = try Self.policy(#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)
        let evaluator = PolicyEvaluator(identityPolicies: [everything], endpointPolicy: endpoint)
        #expect(
            evaluator.decide(.init(principalARN: Self.role, action: "qldb:SendCommand", resource: Self.ledger))
                .isAllowed)
        let other = evaluator.decide(
            .init(
                principalARN: "arn:aws:iam::123456789012:role/admin", action: "qldb:SendCommand", resource: Self.ledger)
        )
        #expect(other.outcome == .implicitlyDenied)
        #expect(other.reason.contains("endpoint policy"))
    }

    @Test(arguments: [
        (#"{"accountId":"12345","principals":[]}"#, "accountId must be the 12-digit account"),
        (
            #"{"accountId":"123456789012","principals":[{"arn":"arn:aws:iam::999999999999:role/x"}]}"#,
            "principals[0].arn is arn:aws:iam::999999999999:role/x"
        ),
        (
            #"{"accountId":"123456789012","principals":[{"arn":"arn:aws:iam::123456789012:role/a","credentials":[{"accessKeyId":"K","secretAccessKey":"s"}]},{"arn":"arn:aws:iam::123456789012:role/b","credentials":[{"accessKeyId":"K","secretAccessKey":"t"}]}]}"#,
            "access key K belongs to both"
        ),
        (
            #"{"accountId":"123456789012","principals":[{"arn":"arn:aws:iam::123456789012:role/a","policies":[{"Statement":[{"Effect":"Maybe","Action":"*","Resource":"*"}]}]}]}"#,
            "principals[0].policies[0].Statement[0].Effect must be Allow or Deny"
        ),
        (
            #"{"accountId":"123456789012","principals":[{"arn":"arn:aws:iam::123456789012:role/a","policies":[{"Statement":{"Effect":"Allow","Resource":"*"}}]}]}"#,
            "principals[0].policies[0].Statement[0] has neither Action nor NotAction"
        ),
        (
            #"{"accountId":"123456789012","principals":[],"endpointPolicy":{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030"}}}]}}"#,
            "endpointPolicy.Statement[0].Condition uses DateLessThan"
        ),
    ])
    func badIAMFilesAreRefusedNamingThePlace(json: String, message: String) {
        #expect(throws: PolicyError.self) { try IAMConfiguration(json: Array(json.utf8)) }
        do {
            _ = try IAMConfiguration(json: Array(json.utf8))
        } catch {
            #expect(error.message.contains(message), "\(error.message)")
        }
    }
}
