import ArgumentParser
import Foundation
import QLDBLedger
import QLDBPermissions

/// `qldb policy …`: IAM policies as `qldb serve --iam` applies them.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Check what an IAM file allows, as qldb serve --iam decides it.",
        subcommands: [PolicySimulateCommand.self]
    )
}

/// `qldb policy simulate`: IAM's policy simulator for a ledger's statements and operations.
struct PolicySimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Decide whether a principal may run a statement or call an operation on a ledger.",
        discussion: """
            With --statement: the session needs qldb:SendCommand on the ledger; in STANDARD mode \
            (--mode, default STANDARD) the statement also needs each PartiQL action on its tables, \
            named by id as QLDB names them (--table NAME=ID; a table without one is table/*). With \
            --action: that action on the ledger (or --resource). Prints one line per decision with \
            the deciding statement (`identity policy 0 statement 1 (Sid)`, `endpoint policy \
            statement 0`), then `allowed` or `denied`. Conditions see aws:PrincipalArn, \
            aws:ResourceTag/KEY from --resource-tag, and aws:RequestTag/KEY from --request-tag or \
            from CREATE TABLE … WITH (aws_tags = …). Exit status: 0 allowed, 1 denied, 64 usage.

            Example: qldb policy simulate --iam iam.json --principal arn:aws:iam::123456789012:role/licence-lambda \
            --ledger qldb-private-dev --region eu-west-1 --statement "DELETE FROM Licence" --table Licence=4o5Uk09OcHTBMHMBLyhKqy
            """
    )

    @Option(name: .customLong("iam"), help: "The IAM file.") var iamFile: String
    @Option(name: .customLong("principal"), help: "The principal's ARN.") var principal: String
    @Option(name: .customLong("ledger"), help: "The ledger.") var ledger: String
    @Option(help: "The region of the ledger's ARN.") var region = "us-east-1"
    @Option(name: .customLong("statement"), help: "A PartiQL statement.") var statement: String?
    @Option(name: .customLong("table"), help: "A table's id, as NAME=ID (repeatable).") var tables: [String] = []
    @Option(name: .customLong("mode"), help: "The ledger's permissions mode: STANDARD or ALLOW_ALL.") var mode =
        "STANDARD"
    @Option(name: .customLong("action"), help: "A control-plane action, such as qldb:GetDigest.") var action: String?
    @Option(name: .customLong("resource"), help: "The resource of --action (default: the ledger's ARN).")
    var resource: String?
    @Option(
        name: .customLong("resource-tag"),
        help: "A tag of the resources decided on, as KEY=VALUE (repeatable): aws:ResourceTag/KEY.")
    var resourceTags: [String] = []
    @Option(
        name: .customLong("request-tag"),
        help: "A tag the request gives, as KEY=VALUE (repeatable): aws:RequestTag/KEY (for TagResource, CreateLedger).")
    var requestTags: [String] = []
    @Flag(
        name: .customLong("without-endpoint-policy"),
        help: "Decide as for a caller that does not come through the endpoint (its policy not applied).")
    var withoutEndpointPolicy = false

    func run() throws {
        let iam: IAMConfiguration
        do { iam = try IAMConfiguration.load(path: iamFile) } catch { throw ValidationError("--iam: \(error)") }
        guard let subject = iam.principal(arn: principal) else {
            throw ValidationError(
                "--principal: \(principal) is not in \(iamFile) (its principals: \(iam.principals.map(\.arn).joined(separator: ", ")))"
            )
        }
        if let problem = LedgerName.problem(with: ledger) { throw ValidationError("--ledger: \(problem)") }
        guard mode == "STANDARD" || mode == "ALLOW_ALL" else {
            throw ValidationError("--mode is STANDARD or ALLOW_ALL; got \(mode)")
        }
        let ledgerARN = "arn:aws:qldb:\(region):\(iam.accountID):ledger/\(ledger)"
        var context: [String: String] = [:]
        for (key, value) in try Self.pairs(resourceTags, "--resource-tag", "KEY=VALUE") {
            context["aws:ResourceTag/\(key)"] = value
        }
        var asks: [(action: String, resource: String, requestTags: [String: String])] = []
        switch (statement, action) {
        case (let statement?, nil):
            let ids = try Self.pairs(tables, "--table", "NAME=ID")
            if let (name, _) = ids.first(where: { $0.value.isEmpty }) {
                throw ValidationError("--table must be NAME=ID; got \(name)= without an id")
            }
            asks.append(("qldb:SendCommand", ledgerARN, [:]))
            if mode == "STANDARD" {
                let needs: [RequiredPermission]
                do { needs = try Ledger.requiredPermissions(forStatement: statement, tableIDs: ids) } catch {
                    throw ValidationError("--statement: \(error.message)")
                }
                asks += needs.map { ($0.action, "\(ledgerARN)/\($0.resource)", $0.requestTags) }
            }
        case (nil, let action?):
            asks.append((action, resource ?? ledgerARN, try Self.pairs(requestTags, "--request-tag", "KEY=VALUE")))
        default:
            throw ValidationError("give exactly one of --statement and --action")
        }
        var allowed = true
        for (index, (action, resource, tags)) in asks.enumerated() {
            // The endpoint policy decides the API call (the first ask), not PartiQL actions.
            let evaluator = iam.evaluator(for: subject, throughEndpoint: index == 0 && !withoutEndpointPolicy)
            var requestContext = context
            for (key, value) in tags { requestContext["aws:RequestTag/\(key)"] = value }
            let decision = evaluator.decide(
                .init(principalARN: principal, action: action, resource: resource, context: requestContext))
            allowed = allowed && decision.isAllowed
            print("\(decision.isAllowed ? "allow" : "deny ") \(action) on \(resource): \(decision)")
        }
        print(allowed ? "allowed" : "denied")
        if !allowed { throw ExitCode(1) }
    }

    /// `A=B` options as a dictionary.
    static func pairs(_ values: [String], _ option: String, _ form: String) throws -> [String: String] {
        var pairs: [String: String] = [:]
        for value in values {
            let parts = value.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ValidationError("\(option) must be \(form); got \(value)")
            }
            pairs[parts[0]] = parts[1]
        }
        return pairs
    }
}
