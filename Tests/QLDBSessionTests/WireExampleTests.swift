import Foundation
import Ion
import QLDBHashing
import QLDBSession
import SharedFixtures
import Testing

/// `../shared/qldb/wire-examples.json`: botocore's SendCommand requests and the responses it
/// parsed, and error responses with what botocore made of them.
@Suite struct WireExampleTests {
    @Test(
        "A botocore request and its response decode and re-encode to the same JSON",
        .enabled(if: WireExamples.isAvailable, "needs ../shared/qldb/wire-examples.json beside the repository"),
        arguments: WireExamples.all)
    func requestAndResponseDecodeAndReencode(_ example: WireExamples.Example) throws {
        let command = example.command
        let request = try SendCommandJSON.decoder().decode(SendCommandRequest.self, from: Data(example.body.utf8))
        #expect(request.commandName == command, "\(example.testDescription)")
        let reencoded = try SendCommandJSON.encoder().encode(request)
        // Same JSON values as botocore sent, whatever the spacing.
        #expect(
            try WireExamples.canonicalJSON(reencoded) == WireExamples.canonicalJSON(Data(example.body.utf8)),
            "\(example.testDescription)")
        let response = try SendCommandJSON.decoder().decode(SendCommandResponse.self, from: example.response)
        #expect(
            try WireExamples.canonicalJSON(SendCommandJSON.encoder().encode(response))
                == WireExamples.canonicalJSON(example.response), "\(example.testDescription)")
    }

    /// The hand-written codec the driver and ledger use agrees with the Codable path on every example.
    @Test(
        "The wire codec matches the Codable path on a botocore request and its response",
        .enabled(if: WireExamples.isAvailable, "needs ../shared/qldb/wire-examples.json beside the repository"),
        arguments: WireExamples.all)
    func theWireCodecMatchesCodable(_ example: WireExamples.Example) throws {
        let name = example.testDescription
        let codable = try SendCommandJSON.decoder().decode(SendCommandRequest.self, from: Data(example.body.utf8))
        let fast = try SendCommandJSON.decodeRequest(Array(example.body.utf8))
        #expect(fast == codable, "\(name)")
        let written = Data(try SendCommandJSON.encode(fast))
        #expect(
            try WireExamples.canonicalJSON(written) == WireExamples.canonicalJSON(Data(example.body.utf8)), "\(name)")
        let response = try SendCommandJSON.decodeResponse(Array(example.response))
        #expect(
            response == (try SendCommandJSON.decoder().decode(SendCommandResponse.self, from: example.response)),
            "\(name)")
        let responseWritten = Data(try SendCommandJSON.encode(response))
        #expect(
            try WireExamples.canonicalJSON(responseWritten) == WireExamples.canonicalJSON(example.response), "\(name)")
    }

    @Test(
        "wire-examples.json holds the seven commands",
        .enabled(if: WireExamples.isAvailable, "needs ../shared/qldb/wire-examples.json beside the repository"))
    func everyCommandHasAnExample() throws {
        #expect(try WireExamples.load().commands.count == 7)
    }

    @Test func theWireCodecEscapesAndRejectsPrecisely() throws {
        var request = SendCommandRequest(sessionToken: "tok")
        request.executeStatement = ExecuteStatementRequest(
            transactionID: "t", statement: "SELECT 'a\"b\\c\n\u{1}é😀' FROM x", parameters: [])
        let body = try SendCommandJSON.encode(request)
        #expect(
            String(decoding: body, as: UTF8.self)
                == #"{"SessionToken":"tok","ExecuteStatement":{"TransactionId":"t","Statement":"SELECT 'a\"b\\c\n\u0001é😀' FROM x","Parameters":[]}}"#
        )
        #expect(try SendCommandJSON.decodeRequest(body) == request)
        #expect(
            try SendCommandJSON.decodeRequest(
                Array(#"{"ExecuteStatement":{"TransactionId":"t","Statement":"\ud83d\ude00"}}"#.utf8)
            ).executeStatement?.statement == "😀")
        #expect(throws: (any Error).self) {
            try SendCommandJSON.decodeRequest(Array(#"{"StartSession":{"LedgerName":"x"}"#.utf8))
        }
        let error = #expect(throws: (any Error).self) {
            try SendCommandJSON.decodeRequest(Array(#"{"StartSession":{"LedgerName":5}}"#.utf8))
        }
        #expect("\(error!)" == "LedgerName must be a string")
        let syntax = #expect(throws: (any Error).self) { try SendCommandJSON.decodeRequest(Array(#"{"a" 1}"#.utf8)) }
        #expect("\(syntax!)" == "invalid JSON at byte 5: expected ':'")
    }

    /// Statements are checked for escapes eight bytes at a time: a quote, a backslash or a
    /// control byte is escaped wherever it sits in a word or in the tail, and text without one
    /// (non-ASCII included) is copied as it is.
    @Test func escapesAreFoundAtEveryPosition() throws {
        for (special, escaped) in [("\"", #"\""#), ("\\", #"\\"#), ("\u{1F}", #"\u001f"#), ("\t", #"\t"#)] {
            for position in 0..<17 {
                let statement =
                    String(repeating: "é", count: position / 2) + String(repeating: "a", count: position % 2) + special
                    + String(repeating: "b", count: 16 - position)
                var request = SendCommandRequest(sessionToken: "tok")
                request.executeStatement = ExecuteStatementRequest(
                    transactionID: "t", statement: statement, parameters: [])
                let body = String(decoding: try SendCommandJSON.encode(request), as: UTF8.self)
                let expected = statement.replacingOccurrences(of: special, with: escaped)
                #expect(body.contains("\"Statement\":\"\(expected)\""), "\(statement.debugDescription)")
                #expect(try SendCommandJSON.decodeRequest(Array(body.utf8)) == request)
            }
        }
    }

    @Test(.enabled(if: WireExamples.isAvailable, "needs ../shared/qldb/wire-examples.json beside the repository"))
    func executeStatementCarriesAnIonParameterAndCommitEchoesTheDigest() throws {
        let examples = try WireExamples.load()
        let body = try #require(examples.commands.first { $0.0 == "ExecuteStatement" }?.1.body)
        let request = try SendCommandJSON.decoder().decode(SendCommandRequest.self, from: Data(body.utf8))
        let parameter = try #require(request.executeStatement?.parameters?.first?.ionBinary)
        #expect(try IonValue.decode(binary: Array(parameter)) == [["name": "Alice", "points": 3]])
        var digest = CommitDigest(transactionID: try #require(request.executeStatement?.transactionId))
        try digest.add(
            statement: try #require(request.executeStatement?.statement), binaryParameters: [Array(parameter)])
        let commitBody = try #require(examples.commands.first { $0.0 == "CommitTransaction" }?.1.body)
        let commit = try SendCommandJSON.decoder().decode(SendCommandRequest.self, from: Data(commitBody.utf8))
        #expect(commit.commitTransaction?.commitDigest == Data(digest.digest.bytes))
    }

    @Test func errorResponsesDecodeAsAwsJson10ClientsMust() throws {
        let cases: [(Int, String, String?, QLDBSessionError.Kind, String, String, String?)] = [
            (
                400,
                #"{"__type": "com.amazonaws.qldbsession#OccConflictException", "Message": "Optimistic concurrency control (OCC) failure encountered while committing the transaction"}"#,
                nil,
                .occConflict, "OccConflictException",
                "Optimistic concurrency control (OCC) failure encountered while committing the transaction", nil
            ),
            (
                400, #"{"__type": "BadRequestException", "Message": "Digests don't match", "Code": "412"}"#, nil,
                .badRequest, "BadRequestException", "Digests don't match", "412"
            ),
            (
                503, #"{"__type": "CapacityExceededException", "Message": "Capacity exceeded"}"#, nil,
                .capacityExceeded, "CapacityExceededException", "Capacity exceeded", nil
            ),
            (
                500, #"{"__type": "InternalFailure", "message": "UnknownError"}"#, nil, .other("InternalFailure"),
                "InternalFailure", "UnknownError", nil
            ),
            (
                400, "{}", "OccConflictException:http://internal.amazon.com/coral/", .occConflict,
                "OccConflictException", "", nil
            ),
            (502, "not json", nil, .other("502"), "502", "", nil),
        ]
        for (status, body, header, kind, type, message, code) in cases {
            let error = QLDBSessionError(status: status, body: Array(body.utf8), errorTypeHeader: header)
            #expect(error.kind == kind)
            #expect(error.type == type)
            #expect(error.message == message)
            #expect(error.code == code)
        }
        #expect(QLDBSessionError(status: 400, body: Array(cases[1].1.utf8)).isDigestMismatch)
    }
}

enum WireExamples {
    static let file = SharedFixtures.url("qldb/wire-examples.json")

    static var isAvailable: Bool { SharedFixtures.isAvailable("qldb/wire-examples.json") }

    struct Command {
        var body: String
        var response: Data
    }

    /// One command's request body and response body: a test case, named by the file and the command.
    struct Example: Sendable, CustomTestStringConvertible {
        /// The command, e.g. `ExecuteStatement` (the example's key in the file).
        var command: String
        var body: String
        var response: Data

        var testDescription: String { "wire-examples.json: \(command)" }
    }

    /// The file's commands, read at test discovery; `[]` when it is absent or unreadable
    /// (`everyCommandHasAnExample` then fails with the reason).
    static let all: [Example] =
        isAvailable
        ? ((try? load().commands.map { Example(command: $0.0, body: $0.1.body, response: $0.1.response) }) ?? [])
        : []

    static func load() throws -> (commands: [(String, Command)], Void) {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any] ?? [:]
        let commands = try object.keys.filter { !$0.hasPrefix("_") }.sorted().map { key -> (String, Command) in
            guard let entry = object[key] as? [String: Any], let request = entry["request"] as? [String: Any],
                let body = request["body"] as? String, let responseBody = entry["response_body"]
            else { throw CocoaError(.coderReadCorrupt) }
            let response = try JSONSerialization.data(withJSONObject: responseBody)
            return (key, Command(body: body, response: response))
        }
        return (commands, ())
    }

    /// JSON re-serialised with sorted keys, to compare values whatever the spacing and order.
    static func canonicalJSON(_ data: Data) throws -> String {
        let object = try JSONSerialization.jsonObject(with: data)
        return String(
            decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}
