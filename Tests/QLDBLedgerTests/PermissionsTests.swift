import Foundation
import Ion
import QLDBControl
import QLDBDriver
import QLDBHTTPTransport
import QLDBLedger
import QLDBLedgerServer
import QLDBPermissions
import QLDBSession
import SigV4
import Testing

/// The seed's least-privilege chain (`Fixtures/seed-iam.json`: the licence Lambda's role, the
/// table-creating role, an administrator, the endpoint policy naming only the Lambda's role) as
/// `qldb serve --iam` enforces it, in STANDARD and ALLOW_ALL modes.
@Suite struct PermissionsTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/seed-iam.json")
    static let ledger = "qldb-private-dev"
    static let lambda = "arn:aws:iam::123456789012:role/qldb-vpc-dev-eu-west-1-lambdaRole"
    static let creator = "arn:aws:iam::123456789012:role/qldb-vpc-dev-eu-west-1-tableCreatorRole"
    static let admin = "arn:aws:iam::123456789012:role/administrator"

    static func iam() throws -> IAMConfiguration { try IAMConfiguration.load(path: fixture.path) }

    /// The policy decision table: statement × role, as `qldb policy simulate` prints it (the
    /// session's SendCommand through the endpoint, then each PartiQL action without it).
    @Test(arguments: [
        ("INSERT INTO Licence ?", [true, false, false]),
        ("SELECT * FROM Licence AS l WHERE l.email = ?", [true, false, false]),
        ("UPDATE Licence AS l SET l.points = 3 WHERE l.email = ?", [true, false, false]),
        ("DELETE FROM Licence AS l WHERE l.email = ?", [false, false, false]),
        ("DROP TABLE Licence", [false, false, false]),
        ("CREATE TABLE Licence", [false, false, false]),
        ("CREATE INDEX ON Licence (email)", [false, false, false]),
        ("SELECT * FROM history(Licence)", [false, false, false]),
    ])
    func theSeedsDecisionTableThroughTheEndpoint(statement: String, expected: [Bool]) throws {
        let iam = try Self.iam()
        let authorizer = IAMAuthorizer(iam, region: "eu-west-1", logger: quietLogger())
        let keys = ["ASIASEEDLAMBDAROLE01", "AKIASEEDTABLECREATOR", "AKIASEEDADMINISTRATR"]
        let ledgerARN = "arn:aws:qldb:eu-west-1:123456789012:ledger/\(Self.ledger)"
        let needs = try Ledger.requiredPermissions(
            forStatement: statement, tableIDs: ["Licence": "LicenceTableId0000000A"])
        for (key, allowed) in zip(keys, expected) {
            let session = authorizer.decide(accessKey: key, action: "qldb:SendCommand", resource: ledgerARN)
            let statementAllowed = needs.allSatisfy {
                authorizer.decide(
                    accessKey: key, action: $0.action, resource: "\(ledgerARN)/\($0.resource)", throughEndpoint: false
                ).decision.isAllowed
            }
            #expect((session.decision.isAllowed && statementAllowed) == allowed, "\(key): \(statement)")
        }
    }

    /// Outside the endpoint (its policy not applied): the table-creating role may only create tables.
    @Test(arguments: [
        ("CREATE TABLE Licence", true), ("INSERT INTO Licence ?", false), ("SELECT * FROM Licence", false),
        ("DROP TABLE Licence", false),
    ])
    func theTableCreatorOnlyCreatesTables(statement: String, allowed: Bool) throws {
        let authorizer = IAMAuthorizer(try Self.iam(), region: "eu-west-1", logger: quietLogger())
        let ledgerARN = "arn:aws:qldb:eu-west-1:123456789012:ledger/\(Self.ledger)"
        let needs = try Ledger.requiredPermissions(
            forStatement: statement, tableIDs: ["Licence": "LicenceTableId0000000A"])
        let decided =
            [(action: "qldb:SendCommand", resource: ledgerARN)]
            + needs.map {
                (action: $0.action, resource: "\(ledgerARN)/\($0.resource)")
            }
        let all = decided.allSatisfy {
            authorizer.decide(
                accessKey: "AKIASEEDTABLECREATOR", action: $0.action, resource: $0.resource, throughEndpoint: false
            ).decision.isAllowed
        }
        #expect(all == allowed)
    }

    /// The live server: the Lambda's role with its temporary key and session token.
    @Test func theServerEnforcesTheChainAndAllowAllAdmitsAll() async throws {
        let service = LedgerService(host: MemoryLedgerHost(logger: quietLogger()), logger: quietLogger())
        // The table exists before the policies apply (the table-creating role is outside the VPC).
        let ledger = try await service.createLedger(named: Self.ledger)
        let setup = driver(on: ledger)
        try await setup.execute { txn in try await txn.execute("CREATE TABLE Licence") }
        try await setup.close()
        var control = ControlPlane.Configuration()
        control.region = "eu-west-1"
        let controlPlane = ControlPlane(service: service, configuration: control, logger: quietLogger())
        try await controlPlane.adopt(ledgerNamed: Self.ledger, permissionsMode: .standard)
        let authorizer = IAMAuthorizer(try Self.iam(), region: "eu-west-1", logger: quietLogger())
        authorizer.readPermissionsModes(from: controlPlane)
        service.authorizer = authorizer
        var configuration = LedgerServer.Configuration()
        configuration.authentication = .iam(authorizer)
        configuration.controlPlane = controlPlane
        try await withLedgerServer(service, configuration) { port in
            func client(_ key: String, _ secret: String, token: String? = nil) -> QLDBDriver {
                var configuration = QLDBDriverConfiguration()
                configuration.logger = quietLogger()
                configuration.retryPolicy = RetryPolicy(maxRetries: 0)
                return QLDBDriver(
                    ledger: Self.ledger,
                    transport: HTTPTransport(
                        configuration: .init(endpoint: URL(string: "http://127.0.0.1:\(port)/")!, region: "eu-west-1"),
                        credentials: StaticCredentialProvider(
                            AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token))),
                    configuration: configuration)
            }
            let lambda = client("ASIASEEDLAMBDAROLE01", "seed-lambda-secret", token: "seed-lambda-session-token")
            try await lambda.execute { txn in
                try await txn.execute("INSERT INTO Licence ?", ["email": "ann@example.com", "points": 0] as IonValue)
            }
            try await lambda.execute { txn in
                try await txn.execute("UPDATE Licence AS l SET l.points = 3 WHERE l.email = 'ann@example.com'")
            }
            let points = try await lambda.execute { txn in
                try await txn.execute("SELECT VALUE l.points FROM Licence AS l").collect()
            }
            #expect(points == [3])
            let delete = await #expect(throws: QLDBSessionError.self) {
                try await lambda.execute { txn in try await txn.execute("DELETE FROM Licence") }
            }
            #expect(delete?.type == "AccessDeniedException")
            #expect(delete?.status == 403)
            #expect(
                delete?.message.hasPrefix(
                    "User: \(Self.lambda) is not authorized to perform: qldb:PartiQLDelete on resource: arn:aws:qldb:eu-west-1:123456789012:ledger/\(Self.ledger)/table/"
                ) == true)
            let create = await #expect(throws: QLDBSessionError.self) {
                try await lambda.execute { txn in try await txn.execute("CREATE TABLE Other") }
            }
            #expect(create?.message.contains("qldb:PartiQLCreateTable on resource: ") == true)

            // A role with every IAM right is refused by the endpoint policy; so is a wrong token.
            let admin = client("AKIASEEDADMINISTRATR", "seed-admin-secret")
            let refused = await #expect(throws: QLDBSessionError.self) {
                try await admin.execute { txn in try await txn.execute("SELECT * FROM Licence") }
            }
            #expect(refused?.message.contains("\(Self.admin) is not authorized to perform: qldb:SendCommand") == true)
            let stolen = client("ASIASEEDLAMBDAROLE01", "seed-lambda-secret", token: "another-token")
            let invalid = await #expect(throws: QLDBSessionError.self) {
                try await stolen.execute { txn in try await txn.execute("SELECT * FROM Licence") }
            }
            #expect(invalid?.type == "UnrecognizedClientException")

            // ALLOW_ALL: SendCommand is enough.
            _ = try await controlPlane.updatePermissionsMode(
                name: Self.ledger, UpdateLedgerPermissionsModeRequest(permissionsMode: .allowAll))
            try await lambda.execute { txn in try await txn.execute("DELETE FROM Licence") }
            try await lambda.close()
            try await admin.close()
            try await stolen.close()
        }
    }
}
