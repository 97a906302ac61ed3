// swift-format-ignore-file: NeverUseForceTry

// Benchmark set-up on generated data: a failure there is a broken benchmark, and a trap says so.
import Foundation
import Ion
import QLDBDriver
import QLDBHashing
import QLDBSession
import SigV4

#if canImport(Glibc)
import Glibc
#endif

public enum LicenceCreate {
    static let email = "ann@example.com"
    static let document: IonValue = [
        "firstName": "Ann", "lastName": "Lee", "email": "ann@example.com", "telephone": "01234 567890",
        "postcode": "CF10 1AA", "penaltyPoints": 0,
        "events": [["eventName": "LicenceCreated", "eventDate": "2026-11-25T03:50:50Z"]],
    ]
    static let documentID = "3hb9YLbe64SQpWBVKDTRyr"

    public static func run(_ driver: QLDBDriver) async throws -> Int {
        try await driver.execute { txn in
            let existing = try await txn.execute("SELECT VALUE l.licenceId FROM Licence AS l WHERE l.email = ?", email)
                .collect()
            precondition(existing.isEmpty)
            let inserted = try await txn.execute("INSERT INTO Licence ?", document).collect()
            let id = inserted[0]["documentId"]!.stringValue!
            try await txn.execute("UPDATE Licence AS l BY docId SET l.licenceId = ? WHERE docId = ?", id, id)
            return inserted.count
        }
    }
}

/// Signs every request as `HTTPTransport` does (warm key cache), then answers from responses
/// prepared once: the cost measured is the client's alone.
public struct PreparedLedgerTransport: QLDBTransport {
    static let transactionID = "BenchTxn00000000000001"
    let signer = SigV4Signer(service: "qldb", region: "eu-west-2")
    let sendCommand: SigV4Signer.PreparedRequest
    let credentials = AWSCredentials(
        accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    let responses: [(marker: [UInt8], body: [UInt8])]

    public init() {
        sendCommand = signer.prepare(
            method: "POST", path: "/",
            headers: [
                ("Content-Type", "application/x-amz-json-1.0"), ("Host", "session.qldb.eu-west-2.amazonaws.com"),
                ("X-Amz-Target", "QLDBSession.SendCommand"),
            ])
        func encode(_ response: SendCommandResponse) -> [UInt8] { try! SendCommandJSON.encode(response) }
        var startSession = SendCommandResponse()
        startSession.startSession = StartSessionResult()
        startSession.startSession!.sessionToken = "c2Vzc2lvbi10b2tlbi1mb3ItYmVuY2g="
        var startTransaction = SendCommandResponse()
        startTransaction.startTransaction = StartTransactionResult()
        startTransaction.startTransaction!.transactionId = Self.transactionID
        func page(_ values: [IonValue]) -> [UInt8] {
            var response = SendCommandResponse()
            response.executeStatement = ExecuteStatementResult()
            response.executeStatement!.firstPage = Page(
                values: values.map { ValueHolder(ionBinary: try! $0.binaryEncoded()) }, nextPageToken: nil)
            response.executeStatement!.consumedIOs = IOUsage(readIOs: 1, writeIOs: 0)
            return encode(response)
        }
        var digest = CommitDigest(transactionID: Self.transactionID)
        digest.add(
            statement: "SELECT VALUE l.licenceId FROM Licence AS l WHERE l.email = ?",
            parameters: [.string(LicenceCreate.email)])
        digest.add(statement: "INSERT INTO Licence ?", parameters: [LicenceCreate.document])
        let id = IonValue.string(LicenceCreate.documentID)
        digest.add(statement: "UPDATE Licence AS l BY docId SET l.licenceId = ? WHERE docId = ?", parameters: [id, id])
        var commit = SendCommandResponse()
        commit.commitTransaction = CommitTransactionResult()
        commit.commitTransaction!.transactionId = Self.transactionID
        commit.commitTransaction!.commitDigest = Data(digest.digest.bytes)
        // Statements first (three of a transaction's five requests), and no marker starts with a
        // quote, which every JSON body is full of: the search skips between rare first bytes.
        responses = [
            (Array("WHERE l.email".utf8), page([])),
            (Array("INSERT INTO".utf8), page([["documentId": id]])),
            (Array("UPDATE Licence".utf8), page([["documentId": id]])),
            (Array("StartTransaction".utf8), encode(startTransaction)),
            (Array("CommitTransaction".utf8), encode(commit)),
            (Array("StartSession".utf8), encode(startSession)),
        ]
    }

    /// Whether `needle` occurs in the first 256 bytes of `haystack`. This is the harness choosing
    /// a response, not client work: the command member and the statement come before any
    /// parameter in a request body, so the head is enough, and libc's `memchr` jumps between
    /// candidate first bytes (a byte loop over whole bodies was 2.5 % of the measured time, and
    /// Foundation's generic search allocates per byte).
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        haystack.withUnsafeBytes { whole in
            needle.withUnsafeBytes { n in
                let h = UnsafeRawBufferPointer(rebasing: whole.prefix(256))
                guard !n.isEmpty, n.count <= h.count else { return n.isEmpty }
                var start = h.baseAddress!
                let end = h.baseAddress! + (h.count - n.count + 1)
                while start < end, let hit = memchr(start, Int32(n[0]), end - start) {
                    if memcmp(hit, n.baseAddress!, n.count) == 0 { return true }
                    start = UnsafeRawPointer(hit) + 1
                }
                return false
            }
        }
    }

    public nonisolated(nonsending) func send(_ body: [UInt8]) async throws -> TransportResponse {
        let signature = signer.sign(sendCommand, payload: .bytes(body), credentials: credentials)
        precondition(!signature.authorization.isEmpty)
        for (marker, response) in responses where Self.contains(body, marker) {
            return TransportResponse(status: 200, body: response)
        }
        fatalError("unexpected request \(String(decoding: body, as: UTF8.self))")
    }
}
