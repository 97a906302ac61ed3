import Foundation
import Ion
import QLDBControl
import QLDBControlClient
import QLDBDriver
import QLDBHTTPTransport
import QLDBHashing
import QLDBLedger
import QLDBLedgerServer
import SigV4
import Synchronization
import Testing

/// Objects an export wrote, by key, in the order written.
final class RecordedObjects: JournalExportDestination {
    struct Object: Sendable {
        var bucket: String
        var key: String
        var body: [UInt8]
        var headers: [String: String]
    }
    let objects = Mutex<[Object]>([])

    func putObject(bucket: String, key: String, body: [UInt8], headers: [(name: String, value: String)]) async throws {
        objects.withLock {
            $0.append(
                Object(
                    bucket: bucket, key: key, body: body,
                    headers: Dictionary(headers.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })))
        }
    }

    func body(_ key: String) -> [UInt8]? { objects.withLock { $0.last { $0.key == key }?.body } }
    var keys: [String] { objects.withLock { $0.map(\.key) } }
}

/// QLDB's control plane on `qldb serve`'s server, called over loopback HTTP with the package's
/// SigV4-signing client, and the session API beside it on the same port.
@Suite struct ControlPlaneTests {
    static let secret = "control-secret"

    func withControlPlane(
        exports: (any JournalExportDestination)? = nil, maxLedgers: Int? = nil,
        _ body: @Sendable (ControlPlaneClient, URL, LedgerService) async throws -> Void
    ) async throws {
        let service = LedgerService(host: try TestStorage.current.emptyHost(), logger: quietLogger())
        var configuration = LedgerServer.Configuration()
        configuration.authentication = .verify(region: "eu-west-2", credentials: ["AKIDCONTROL": Self.secret])
        var control = ControlPlane.Configuration()
        control.region = "eu-west-2"
        control.accountID = "111122223333"
        control.exportDestination = exports
        control.maxLedgers = maxLedgers
        configuration.controlPlane = ControlPlane(service: service, configuration: control, logger: quietLogger())
        try await withLedgerServer(service, configuration) { port in
            let url = URL(string: "http://127.0.0.1:\(port)")!
            try await body(client(url, secret: Self.secret), url, service)
        }
    }

    func client(_ url: URL, secret: String) -> ControlPlaneClient {
        ControlPlaneClient(
            endpoint: url, region: "eu-west-2",
            credentials: StaticCredentialProvider(AWSCredentials(accessKeyID: "AKIDCONTROL", secretAccessKey: secret)))
    }

    func driver(_ url: URL, ledger: String) -> QLDBDriver {
        var configuration = QLDBDriverConfiguration()
        configuration.logger = quietLogger()
        let transport = HTTPTransport(
            configuration: .init(endpoint: url, region: "eu-west-2"),
            credentials: StaticCredentialProvider(
                AWSCredentials(accessKeyID: "AKIDCONTROL", secretAccessKey: Self.secret)))
        return QLDBDriver(ledger: ledger, transport: transport, configuration: configuration)
    }

    /// The error `body` throws, as the control plane answered it.
    func failure(_ body: () async throws -> Void) async -> ControlPlaneError? {
        do {
            try await body()
            return nil
        } catch {
            return error as? ControlPlaneError
        }
    }

    @Test func aLedgerIsCreatedDescribedListedAndDeletedAsQLDBDoes() async throws {
        try await withControlPlane { client, url, _ in
            let created = try await client.createLedger(
                CreateLedgerRequest(name: "cars", permissionsMode: .standard, tags: ["team": "fleet"]))
            #expect(created.state == .creating)
            #expect(created.arn == "arn:aws:qldb:eu-west-2:111122223333:ledger/cars")
            #expect(created.deletionProtection == true)
            #expect(created.kmsKeyArn == "AWS_OWNED_KMS_KEY")
            let described = try await client.describeLedger(name: "cars")
            #expect(described.state == .active)
            #expect(described.permissionsMode == .standard)
            #expect(described.encryptionDescription?.encryptionStatus == "ENABLED")
            // Served by SendCommand at once.
            let cars = driver(url, ledger: "cars")
            try await cars.execute { txn in _ = try await txn.execute("CREATE TABLE Car") }
            try await cars.close()

            let again = await failure {
                _ = try await client.createLedger(CreateLedgerRequest(name: "cars", permissionsMode: .allowAll))
            }
            #expect(again?.kind == .resourceAlreadyExists)
            #expect(again?.status == 409)
            let invalid = await failure {
                _ = try await client.createLedger(CreateLedgerRequest(name: "no--way", permissionsMode: .allowAll))
            }
            #expect(invalid?.kind == .invalidParameter)
            #expect(invalid?.parameterName == "Name")

            let protected = await failure { try await client.deleteLedger(name: "cars") }
            #expect(protected?.kind == .resourcePreconditionNotMet)
            #expect(protected?.status == 412)
            let updated = try await client.updateLedger(name: "cars", UpdateLedgerRequest(deletionProtection: false))
            #expect(updated.deletionProtection == false)
            let mode = try await client.updatePermissionsMode(name: "cars", .allowAll)
            #expect(mode.permissionsMode == .allowAll)
            try await client.deleteLedger(name: "cars")
            let gone = await failure { _ = try await client.describeLedger(name: "cars") }
            #expect(gone?.kind == .resourceNotFound)
            #expect(gone?.status == 404)
            #expect(gone?.resourceName == "cars")
        }
    }

    @Test func listLedgersPagesInNameOrder() async throws {
        try await withControlPlane { client, _, _ in
            for name in ["c-ledger", "a-ledger", "b-ledger"] {
                _ = try await client.createLedger(CreateLedgerRequest(name: name, permissionsMode: .allowAll))
            }
            let first = try await client.listLedgers(maxResults: 2)
            #expect(first.ledgers.map(\.name) == ["a-ledger", "b-ledger"])
            #expect(first.nextToken != nil)
            let second = try await client.listLedgers(maxResults: 2, nextToken: first.nextToken)
            #expect(second.ledgers.map(\.name) == ["c-ledger"])
            #expect(second.nextToken == nil)
            let tooMany = await failure { _ = try await client.listLedgers(maxResults: 101) }
            #expect(tooMany?.parameterName == "MaxResults")
        }
    }

    @Test func createLedgerBeyondTheLimitIsLimitExceeded() async throws {
        try await withControlPlane(maxLedgers: 2) { client, _, _ in
            for name in ["one", "two"] {
                _ = try await client.createLedger(CreateLedgerRequest(name: name, permissionsMode: .allowAll))
            }
            let refused = await failure {
                _ = try await client.createLedger(CreateLedgerRequest(name: "three", permissionsMode: .allowAll))
            }
            #expect(refused?.kind == .limitExceeded)
            #expect(refused?.status == 400)
            let missing = await failure {
                _ = try await client.updateLedger(name: "three", UpdateLedgerRequest(deletionProtection: false))
            }
            #expect(missing?.kind == .resourceNotFound)
            let updated = try await client.updateLedger(name: "one", UpdateLedgerRequest(deletionProtection: false))
            #expect(updated.name == "one")
            try await client.deleteLedger(name: "one")
            _ = try await client.createLedger(CreateLedgerRequest(name: "three", permissionsMode: .allowAll))
        }
    }

    @Test func tagsAreAddedRemovedAndListedByARN() async throws {
        try await withControlPlane { client, _, _ in
            _ = try await client.createLedger(
                CreateLedgerRequest(name: "tagged", permissionsMode: .allowAll, tags: ["a": "1"]))
            let arn = "arn:aws:qldb:eu-west-2:111122223333:ledger/tagged"
            try await client.tagResource(arn: arn, tags: ["b": "2", "c d": "3"])
            try await client.untagResource(arn: arn, keys: ["a", "c d"])
            #expect(try await client.listTags(arn: arn) == ["b": "2"])
            let otherRegion = await failure {
                _ = try await client.listTags(arn: "arn:aws:qldb:us-east-1:111122223333:ledger/tagged")
            }
            #expect(otherRegion?.kind == .invalidParameter)
            let missing = await failure {
                _ = try await client.listTags(arn: "arn:aws:qldb:eu-west-2:111122223333:ledger/absent")
            }
            #expect(missing?.kind == .resourceNotFound)
            let reserved = await failure { try await client.tagResource(arn: arn, tags: ["aws:owner": "x"]) }
            #expect(reserved?.kind == .invalidParameter)
        }
    }

    /// Tables are tagged by CREATE TABLE … WITH (aws_tags = …) and by their ARN
    /// (`…:ledger/NAME/table/TABLE-ID`); their tags are stored with the ledger.
    @Test func tablesAreTaggedAtCreationAndByARN() async throws {
        try await withControlPlane { client, url, _ in
            _ = try await client.createLedger(CreateLedgerRequest(name: "tables", permissionsMode: .allowAll))
            let driver = driver(url, ledger: "tables")
            let ids = try await driver.execute { txn in
                [
                    try await txn.execute("CREATE TABLE Vehicle WITH (aws_tags = `{'environment': 'development'}`)")
                        .collect(),
                    try await txn.execute("CREATE TABLE Person").collect(),
                ].map { $0.first?["tableId"]?.stringValue ?? "" }
            }
            try await driver.close()
            let vehicle = "arn:aws:qldb:eu-west-2:111122223333:ledger/tables/table/\(ids[0])"
            let person = "arn:aws:qldb:eu-west-2:111122223333:ledger/tables/table/\(ids[1])"
            #expect(try await client.listTags(arn: vehicle) == ["environment": "development"])
            #expect(try await client.listTags(arn: person) == [:])
            try await client.tagResource(arn: person, tags: ["owner": "dmv"])
            try await client.tagResource(arn: vehicle, tags: ["environment": "production", "owner": "dmv"])
            try await client.untagResource(arn: vehicle, keys: ["owner"])
            #expect(try await client.listTags(arn: vehicle) == ["environment": "production"])
            #expect(try await client.listTags(arn: person) == ["owner": "dmv"])
            #expect(try await client.listTags(arn: "arn:aws:qldb:eu-west-2:111122223333:ledger/tables") == [:])
            let missing = await failure {
                _ = try await client.listTags(arn: "arn:aws:qldb:eu-west-2:111122223333:ledger/tables/table/Nope")
            }
            #expect(missing?.kind == .resourceNotFound)
            #expect(missing?.message == "Table Nope does not exist in ledger tables")
            let index = await failure {
                _ = try await client.listTags(arn: "arn:aws:qldb:eu-west-2:111122223333:ledger/tables/index/x")
            }
            #expect(index?.kind == .invalidParameter)
            let tooMany = await failure {
                try await client.tagResource(
                    arn: person, tags: Dictionary(uniqueKeysWithValues: (0..<50).map { ("k\($0)", "v") }))
            }
            #expect(tooMany?.message == "Invalid tags: a resource has at most 50 tags; these are 51")
        }
    }

    @Test func aWrongSignatureIsRefused() async throws {
        try await withControlPlane { _, url, _ in
            let refused = await failure { _ = try await client(url, secret: "wrong").listLedgers() }
            #expect(refused?.type == "InvalidSignatureException")
            #expect(refused?.status == 403)
        }
    }

    @Test func revisionAndBlockProofsFoldToTheDigestAndToAnEarlierOne() async throws {
        try await withControlPlane { client, url, _ in
            let empty = try await client.createLedger(CreateLedgerRequest(name: "proofs", permissionsMode: .allowAll))
            #expect(empty.name == "proofs")
            let noBlocks = await failure { _ = try await client.getDigest(ledger: "proofs") }
            #expect(noBlocks?.kind == .resourcePreconditionNotMet)
            let proofs = driver(url, ledger: "proofs")
            try await proofs.execute { txn in _ = try await txn.execute("CREATE TABLE Car") }
            for vin in ["A1", "B2", "C3"] {
                try await proofs.execute { txn in
                    _ = try await txn.execute("INSERT INTO Car VALUE {'VIN': ?, 'Colour': 'red'}", vin)
                }
            }
            let committed = try await proofs.execute { txn in
                try await txn.execute("SELECT * FROM _ql_committed_Car AS c WHERE c.data.VIN = 'B2'").collect()
            }
            let row = try #require(committed.first)
            let id = try #require(row["metadata"]?["id"]?.stringValue)
            let address = try IonValue.encode(text: [try #require(row["blockAddress"])])
            let earlier = try await client.getDigest(ledger: "proofs")
            try await proofs.execute { txn in
                _ = try await txn.execute("UPDATE Car AS c SET c.Colour = 'blue' WHERE c.VIN = 'B2'")
            }
            try await proofs.close()

            let verified = try await client.verifyRevision(ledger: "proofs", blockAddress: address, documentID: id)
            #expect(verified.verified)
            #expect(verified.revision["data"]?["VIN"]?.stringValue == "B2")
            #expect(verified.revisionHash.bytes == row["hash"]?.bytesValue)
            // A flipped bit of the revision hash does not fold to the digest.
            var flipped = verified.revisionHash.bytes
            flipped[7] ^= 0x10
            #expect(
                !JournalHashes.verify(revisionHash: QLDBHash(flipped), proof: verified.proof, digest: verified.digest))

            // Against the digest taken before the update.
            let old = try await client.getRevision(
                ledger: "proofs",
                GetRevisionRequest(
                    blockAddress: ValueHolder(ionText: address), documentID: id,
                    digestTipAddress: earlier.digestTipAddress))
            let oldProofText = try #require(old.proof?.ionText)
            let oldProof = try #require(try IonValue.decode(text: oldProofText).first?.elements)
                .compactMap { $0.bytesValue.map(QLDBHash.init) }
            #expect(
                JournalHashes.verify(
                    revisionHash: verified.revisionHash, proof: oldProof, digest: QLDBHash(Array(earlier.digest))))

            let block = try await client.getBlock(
                ledger: "proofs",
                GetBlockRequest(
                    blockAddress: ValueHolder(ionText: address),
                    digestTipAddress: ValueHolder(ionText: try IonValue.encode(text: [verified.digestTipAddress]))))
            let journalBlock = try #require(try IonValue.decode(text: block.block.ionText).first)
            let blockHash = QLDBHash(try #require(journalBlock["blockHash"]?.bytesValue))
            let blockProofText = try #require(block.proof?.ionText)
            let blockProof = try #require(try IonValue.decode(text: blockProofText).first?.elements)
                .compactMap { $0.bytesValue.map(QLDBHash.init) }
            #expect(JournalHashes.verify(revisionHash: blockHash, proof: blockProof, digest: verified.digest))
            #expect(
                QLDBHash.dot(
                    QLDBHash(try #require(journalBlock["entriesHash"]?.bytesValue)),
                    QLDBHash(try #require(journalBlock["previousBlockHash"]?.bytesValue))) == blockHash)
            // Without a digest tip: the revision, no proof.
            let bare = try await client.getRevision(
                ledger: "proofs",
                GetRevisionRequest(blockAddress: ValueHolder(ionText: address), documentID: id, digestTipAddress: nil))
            #expect(bare.proof == nil)

            let strand = try #require(verified.digestTipAddress["strandId"]?.stringValue)
            let tip = try #require(verified.digestTipAddress["sequenceNo"]?.intValue)
            for (blockText, tipText, document) in [
                ("{strandId:\"\(strand)\",sequenceNo:\(tip)}", "{strandId:\"\(strand)\",sequenceNo:2}", id),
                (
                    "{strandId:\"AAAAAAAAAAAAAAAAAAAAAA\",sequenceNo:2}", "{strandId:\"\(strand)\",sequenceNo:\(tip)}",
                    id
                ),
                (address, "{strandId:\"\(strand)\",sequenceNo:\(tip + 1)}", id),
                (address, "{strandId:\"\(strand)\",sequenceNo:\(tip)}", "BBBBBBBBBBBBBBBBBBBBBB"),
                ("not ion {", "{strandId:\"\(strand)\",sequenceNo:\(tip)}", id),
            ] {
                let refused = await failure {
                    _ = try await client.getRevision(
                        ledger: "proofs",
                        GetRevisionRequest(
                            blockAddress: ValueHolder(ionText: blockText), documentID: document,
                            digestTipAddress: ValueHolder(ionText: tipText)))
                }
                #expect(refused?.kind == .invalidParameter, "\(blockText) at \(tipText) for \(document)")
            }
        }
    }

    @Test func anExportWritesTheJournalAsQLDBDoesAndEveryBlockChains() async throws {
        let objects = RecordedObjects()
        try await withControlPlane(exports: objects) { client, url, _ in
            _ = try await client.createLedger(CreateLedgerRequest(name: "exported", permissionsMode: .allowAll))
            let start = Date().addingTimeInterval(-60)
            let exported = driver(url, ledger: "exported")
            try await exported.execute { txn in _ = try await txn.execute("CREATE TABLE Car") }
            for vin in ["A1", "B2", "C3", "D4"] {
                try await exported.execute { txn in
                    _ = try await txn.execute("INSERT INTO Car VALUE {'VIN': ?}", vin)
                }
            }
            try await exported.close()
            let request = ExportJournalToS3Request(
                inclusiveStartTime: start, exclusiveEndTime: Date(),
                s3ExportConfiguration: S3ExportConfiguration(
                    bucket: "audit", prefix: "exports/",
                    encryptionConfiguration: S3EncryptionConfiguration(
                        objectEncryptionType: "SSE_KMS", kmsKeyArn: "arn:aws:kms:eu-west-2:111122223333:key/k")),
                roleArn: "arn:aws:iam::111122223333:role/export")
            let id = try await client.exportJournalToS3(ledger: "exported", request).exportID
            let description = try await client.describeJournalS3Export(ledger: "exported", exportID: id)
            #expect(description.exportDescription.status == "COMPLETED")
            #expect(description.exportDescription.roleArn == "arn:aws:iam::111122223333:role/export")

            let started = try #require(objects.body("exports/\(id).started.manifest"))
            let startedManifest = try #require(try IonValue.decode(text: started).first)
            #expect(startedManifest["exportId"]?.stringValue == id)
            #expect(startedManifest["objectEncryptionType"]?.stringValue == "SSE_KMS")
            let completedKey = try #require(objects.keys.first { $0.hasSuffix(".completed.manifest") })
            #expect(completedKey.hasPrefix("exports/\(id)."))
            let completed = try #require(objects.body(completedKey))
            let manifest = try #require(try IonValue.decode(text: completed).first)
            let keys = try #require(manifest["keys"]?.elements).compactMap(\.stringValue)
            var blocks: [IonValue] = []
            for key in keys {
                #expect(key.hasPrefix("exports/") && key.hasSuffix(".ion"))
                blocks += try IonValue.decode(text: try #require(objects.body(key)))
            }
            #expect(blocks.compactMap { $0["blockAddress"]?["sequenceNo"]?.intValue } == [1, 2, 3, 4, 5])
            for (previous, block) in zip(blocks, blocks.dropFirst()) {
                let previousHash = try #require(previous["blockHash"]?.bytesValue)
                #expect(block["previousBlockHash"]?.bytesValue == previousHash)
                #expect(
                    QLDBHash.dot(
                        QLDBHash(try #require(block["entriesHash"]?.bytesValue)), QLDBHash(previousHash)
                    ).bytes
                        == block["blockHash"]?.bytesValue)
            }
            let headers = objects.objects.withLock { $0.first { $0.key == keys[0] }?.headers } ?? [:]
            #expect(headers["x-amz-server-side-encryption"] == "aws:kms")
            #expect(
                headers["x-amz-server-side-encryption-aws-kms-key-id"] == "arn:aws:kms:eu-west-2:111122223333:key/k")

            let listed = try await client.listJournalS3Exports(maxResults: 1)
            #expect(listed.journalS3Exports.map(\.exportID) == [id])
            let unknown = await failure {
                _ = try await client.describeJournalS3Export(ledger: "exported", exportID: "CCCCCCCCCCCCCCCCCCCCCC")
            }
            #expect(unknown?.kind == .resourceNotFound)
            var backwards = request
            backwards.exclusiveEndTime = start
            let invalid = await failure { _ = try await client.exportJournalToS3(ledger: "exported", backwards) }
            #expect(invalid?.kind == .invalidParameter)
            #expect(invalid?.parameterName == "InclusiveStartTime")
        }
    }

    @Test func anExportImportsIntoAnIdenticalLedgerThatChainsOn() async throws {
        let objects = RecordedObjects()
        try await withControlPlane(exports: objects) { client, url, service in
            _ = try await client.createLedger(CreateLedgerRequest(name: "original", permissionsMode: .allowAll))
            let start = Date().addingTimeInterval(-60)
            let original = driver(url, ledger: "original")
            try await original.execute { txn in
                _ = try await txn.execute("CREATE TABLE Car")
                _ = try await txn.execute("CREATE INDEX ON Car (VIN)")
            }
            for vin in ["A1", "B2"] {
                try await original.execute { txn in
                    _ = try await txn.execute("INSERT INTO Car VALUE {'VIN': ?, 'Owner': 'Ann'}", vin)
                }
            }
            try await original.execute { txn in _ = try await txn.execute("UPDATE Car AS c SET c.Owner = 'Bob'") }
            try await original.execute { txn in _ = try await txn.execute("DELETE FROM Car AS c WHERE c.VIN = 'B2'") }
            let first = try await original.execute { txn in
                try await txn.execute(
                    "SELECT h.blockAddress, h.metadata.id FROM history(Car) AS h WHERE h.data.VIN = 'A1' AND h.metadata.version = 0"
                ).collect()
            }
            let table = try await original.execute { txn in
                try await txn.execute("SELECT VALUE tableId FROM information_schema.user_tables").collect()
            }
            let row = try #require(first.first)
            try await original.execute { txn in
                _ = try await txn.execute(
                    "EXEC redact_revision ?, '\(try #require(table.first?.stringValue))', '\(try #require(row["id"]?.stringValue))'",
                    try #require(row["blockAddress"]))
            }
            let originalHistory = try await original.execute { txn in
                try await txn.execute("SELECT * FROM history(Car)").collect()
            }
            try await original.close()
            let sourceDigest = try await service.ledger(named: "original")?.digest()

            let id = try await client.exportJournalToS3(
                ledger: "original",
                ExportJournalToS3Request(
                    inclusiveStartTime: start, exclusiveEndTime: Date(),
                    s3ExportConfiguration: S3ExportConfiguration(
                        bucket: "audit", prefix: "",
                        encryptionConfiguration: S3EncryptionConfiguration(objectEncryptionType: "NO_ENCRYPTION")),
                    roleArn: "arn:aws:iam::111122223333:role/export")
            ).exportID
            let manifestKey = try #require(
                objects.keys.first { $0.hasPrefix(id) && $0.hasSuffix(".completed.manifest") })
            let manifestBody = try #require(objects.body(manifestKey))
            let keys = try #require(try IonDocument.decode(manifestBody).first?["keys"]?.elements).compactMap(
                \.stringValue)

            let directory = try temporaryDirectory()
            let summary = try await JournalImport.importExport(
                keys: keys, read: { objects.body($0) ?? [] }, into: directory, ledger: "imported",
                logger: quietLogger())
            #expect(summary.digest == sourceDigest)
            let imported = try await Ledger(name: "imported", directory: directory, logger: quietLogger())
            let copy = QLDBLedgerTests.driver(on: imported)
            let importedHistory = try await copy.execute { txn in
                try await txn.execute("SELECT * FROM history(Car)").collect()
            }
            #expect(importedHistory == originalHistory)
            #expect(importedHistory.first?["dataHash"] != nil)
            // The index came over: a lookup by VIN uses it and finds the document.
            let found = try await copy.execute { txn in
                try await txn.execute("SELECT VALUE c.Owner FROM Car AS c WHERE c.VIN = 'A1'").collect()
            }
            #expect(found == ["Bob"])
            try await copy.execute { txn in _ = try await txn.execute("INSERT INTO Car VALUE {'VIN': 'C3'}") }
            guard case .success(let digest?) = await imported.verifyChain() else {
                Issue.record("the imported ledger does not verify after a new commit")
                return
            }
            #expect(digest.tipAddress.sequenceNo == (sourceDigest?.tipAddress.sequenceNo ?? 0) + 1)
            #expect(digest.tipAddress.strandID == sourceDigest?.tipAddress.strandID)
            try await copy.close()
            await imported.close()
        }
    }

    @Test func withoutAnS3EndpointAnExportIsRefused() async throws {
        try await withControlPlane { client, _, _ in
            _ = try await client.createLedger(CreateLedgerRequest(name: "unexported", permissionsMode: .allowAll))
            let refused = await failure {
                _ = try await client.exportJournalToS3(
                    ledger: "unexported",
                    ExportJournalToS3Request(
                        inclusiveStartTime: Date().addingTimeInterval(-60), exclusiveEndTime: Date(),
                        s3ExportConfiguration: S3ExportConfiguration(
                            bucket: "audit", prefix: "",
                            encryptionConfiguration: S3EncryptionConfiguration(objectEncryptionType: "NO_ENCRYPTION")),
                        roleArn: "arn:aws:iam::111122223333:role/export"))
            }
            #expect(refused?.kind == .resourcePreconditionNotMet)
        }
    }

    @Test(arguments: ControlPlaneOperation.allCases)
    func everyOperationsRouteMatchesItself(_ operation: ControlPlaneOperation) throws {
        let parameters = [
            "name": "my-ledger", "exportId": "E1", "resourceArn": "arn:aws:qldb:r:1:ledger/x", "streamId": "S",
        ]
        let path = operation.path(parameters)
        let (matched, found) = try #require(ControlPlaneOperation.match(method: operation.method, path: path))
        #expect(matched == operation)
        for (name, value) in found { #expect(parameters[name] == value) }
    }
}
