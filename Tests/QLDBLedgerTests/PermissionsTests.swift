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
        try await withStandardServer(service, ledger: Self.ledger, iam: try Self.iam()) { controlPlane, client in
            let lambda = client("ASIASEEDLAMBDAROLE01", "seed-lambda-secret", "seed-lambda-session-token")
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
            let admin = client("AKIASEEDADMINISTRATR", "seed-admin-secret", nil)
            let refused = await #expect(throws: QLDBSessionError.self) {
                try await admin.execute { txn in try await txn.execute("SELECT * FROM Licence") }
            }
            #expect(refused?.message.contains("\(Self.admin) is not authorized to perform: qldb:SendCommand") == true)
            let stolen = client("ASIASEEDLAMBDAROLE01", "seed-lambda-secret", "another-token")
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

    /// Attribute-based access with table tags, as QLDB's "full access based on table tags"
    /// example: a developer may create tables only tagged `environment=development`
    /// (`aws:RequestTag`, with `qldb:TagResource` beside `PartiQLCreateTable`) and use only tables
    /// so tagged (`aws:ResourceTag`); TagResource on a table's ARN changes what it may use.
    @Test func tableTagsDecideConditionsOnResourceAndRequestTags() async throws {
        let account = "123456789012"
        let ledgerARN = "arn:aws:qldb:eu-west-1:\(account):ledger/tagged"
        let iam = try IAMConfiguration(
            json: Array(
                """
                {"accountId": "\(account)",
                 "principals": [
                  {"arn": "arn:aws:iam::\(account):role/developer",
                   "credentials": [{"accessKeyId": "AKIADEVELOPER0000001", "secretAccessKey": "developer-secret"}],
                   "policies": [{"Version": "2012-10-17", "Statement": [
                     {"Effect": "Allow", "Action": "qldb:SendCommand", "Resource": "\(ledgerARN)"},
                     {"Effect": "Allow", "Action": ["qldb:PartiQLCreateTable", "qldb:TagResource"],
                      "Resource": "\(ledgerARN)/table/*",
                      "Condition": {"StringEquals": {"aws:RequestTag/environment": "development"}}},
                     {"Effect": "Allow", "Action": ["qldb:PartiQL*"], "Resource": "\(ledgerARN)/table/*",
                      "Condition": {"StringEquals": {"aws:ResourceTag/environment": "development"}}}]}]},
                  {"arn": "arn:aws:iam::\(account):role/administrator",
                   "credentials": [{"accessKeyId": "AKIAADMINISTRATOR001", "secretAccessKey": "admin-secret"}],
                   "policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}]}]}
                """.utf8))
        let service = LedgerService(host: MemoryLedgerHost(logger: quietLogger()), logger: quietLogger())
        _ = try await service.createLedger(named: "tagged")
        try await withStandardServer(service, ledger: "tagged", iam: iam) { controlPlane, client in
            func tableID(_ rows: [IonValue]) -> String { rows.first?["tableId"]?.stringValue ?? "" }
            let developer = client("AKIADEVELOPER0000001", "developer-secret", nil)
            let admin = client("AKIAADMINISTRATOR001", "admin-secret", nil)

            let devTable = try await developer.execute { txn in
                tableID(
                    try await txn.execute("CREATE TABLE Dev WITH (aws_tags = `{'environment': 'development'}`)")
                        .collect())
            }
            #expect(
                try await controlPlane.listTags(arn: "\(ledgerARN)/table/\(devTable)") == ["environment": "development"]
            )
            try await developer.execute { txn in try await txn.execute("INSERT INTO Dev ?", ["n": 1] as IonValue) }

            // Untagged, or tagged otherwise: the developer may neither create nor use it.
            for statement in ["CREATE TABLE Other", "CREATE TABLE Other WITH (aws_tags = `{environment: production}`)"]
            {
                let refused = await #expect(throws: QLDBSessionError.self) {
                    try await developer.execute { txn in try await txn.execute(statement) }
                }
                #expect(refused?.type == "AccessDeniedException", "\(statement)")
            }
            let prodTable = try await admin.execute { txn in
                tableID(
                    try await txn.execute("CREATE TABLE Prod WITH (aws_tags = `{environment: production}`)").collect())
            }
            let prodARN = "\(ledgerARN)/table/\(prodTable)"
            let refused = await #expect(throws: QLDBSessionError.self) {
                try await developer.execute { txn in try await txn.execute("INSERT INTO Prod ?", ["n": 2] as IonValue) }
            }
            #expect(
                refused?.message
                    == "User: arn:aws:iam::\(account):role/developer is not authorized to perform: qldb:PartiQLInsert on resource: \(prodARN) because no policy allows it"
            )

            // Retagged through the control plane, the table is the developer's at once.
            try await controlPlane.tagResource(arn: prodARN, tags: ["environment": "development", "team": "a"])
            try await developer.execute { txn in try await txn.execute("INSERT INTO Prod ?", ["n": 2] as IonValue) }
            try await controlPlane.untagResource(arn: prodARN, keys: ["environment"])
            #expect(try await controlPlane.listTags(arn: prodARN) == ["team": "a"])
            await #expect(throws: QLDBSessionError.self) {
                try await developer.execute { txn in try await txn.execute("SELECT * FROM Prod") }
            }

            // A table that does not exist; tags at creation on an ALLOW_ALL ledger.
            let missing = await #expect(throws: ControlPlaneError.self) {
                _ = try await controlPlane.listTags(arn: "\(ledgerARN)/table/NoSuchTable000000000")
            }
            #expect(missing?.kind == .resourceNotFound)
            #expect(missing?.message == "Table NoSuchTable000000000 does not exist in ledger tagged")
            _ = try await controlPlane.updatePermissionsMode(
                name: "tagged", UpdateLedgerPermissionsModeRequest(permissionsMode: .allowAll))
            let allowAll = await #expect(throws: QLDBSessionError.self) {
                try await admin.execute { txn in
                    try await txn.execute("CREATE TABLE Late WITH (aws_tags = `{environment: development}`)")
                }
            }
            #expect(allowAll?.type == "BadRequestException")
            #expect(allowAll?.message.hasPrefix("Tagging a table on creation is supported only") == true)
            try await developer.close()
            try await admin.close()
        }
    }

    /// `ledger` of `service` served over HTTP in STANDARD mode under `iam` (region eu-west-1):
    /// `body` gets the control plane and a driver for the ledger per key, secret and session token
    /// (no retries, so a denial is seen as it is).
    func withStandardServer(
        _ service: LedgerService, ledger: String, iam: IAMConfiguration,
        _ body: @Sendable (ControlPlane, @Sendable (String, String, String?) -> QLDBDriver) async throws -> Void
    ) async throws {
        var control = ControlPlane.Configuration()
        control.region = "eu-west-1"
        let controlPlane = ControlPlane(service: service, configuration: control, logger: quietLogger())
        try await controlPlane.adopt(ledgerNamed: ledger, permissionsMode: .standard)
        let authorizer = IAMAuthorizer(iam, region: "eu-west-1", logger: quietLogger())
        authorizer.readLedgerSettings(from: controlPlane)
        service.authorizer = authorizer
        var configuration = LedgerServer.Configuration()
        configuration.authentication = .iam(authorizer)
        configuration.controlPlane = controlPlane
        try await withLedgerServer(service, configuration) { port in
            try await body(controlPlane) { key, secret, token in
                var configuration = QLDBDriverConfiguration()
                configuration.logger = quietLogger()
                configuration.retryPolicy = RetryPolicy(maxRetries: 0)
                return QLDBDriver(
                    ledger: ledger,
                    transport: HTTPTransport(
                        configuration: .init(endpoint: URL(string: "http://127.0.0.1:\(port)/")!, region: "eu-west-1"),
                        credentials: StaticCredentialProvider(
                            AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token))),
                    configuration: configuration)
            }
        }
    }
}
