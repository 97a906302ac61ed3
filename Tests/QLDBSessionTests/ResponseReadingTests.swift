import Foundation
import QLDBSession
import Testing

/// The one-pass reader of `SendCommand` responses (`SendCommandJSON.decodeResponse`), on bodies
/// written here: what it keeps, what it skips, and the exact errors it gives.
struct ResponseReadingTests {
    func read(_ body: String) throws -> SendCommandResponse { try SendCommandJSON.decodeResponse(Array(body.utf8)) }

    func failure(_ body: String) -> String {
        do {
            _ = try read(body)
            return "(accepted)"
        } catch {
            return "\(error)"
        }
    }

    @Test func everyResultRoundTripsThroughTheWriter() throws {
        var responses: [SendCommandResponse] = []
        var response = SendCommandResponse()
        response.startSession = StartSessionResult()
        response.startSession!.sessionToken = "token \"quoted\" \\ é"
        response.startSession!.timingInformation = TimingInformation(processingTimeMilliseconds: 7)
        responses.append(response)
        response = SendCommandResponse()
        response.startTransaction = StartTransactionResult()
        response.startTransaction!.transactionId = "7cWXBGBSwdK12Ao2QZ9NLm"
        responses.append(response)
        response = SendCommandResponse()
        response.executeStatement = ExecuteStatementResult()
        response.executeStatement!.firstPage = Page(
            values: [
                ValueHolder(ionBinary: Data([0xE0, 0x01, 0x00, 0xEA, 0x21, 0x05])), ValueHolder(ionText: "{a:1}"),
            ],
            nextPageToken: "next")
        response.executeStatement!.consumedIOs = IOUsage(readIOs: 3, writeIOs: 0)
        response.executeStatement!.timingInformation = TimingInformation(processingTimeMilliseconds: -1)
        responses.append(response)
        response = SendCommandResponse()
        response.fetchPage = FetchPageResult()
        response.fetchPage!.page = Page(values: [], nextPageToken: nil)
        response.fetchPage!.consumedIOs = IOUsage(readIOs: Int64.max, writeIOs: Int64.min)
        responses.append(response)
        response = SendCommandResponse()
        response.commitTransaction = CommitTransactionResult()
        response.commitTransaction!.transactionId = "t"
        response.commitTransaction!.commitDigest = Data((0..<32).map { UInt8($0 * 7 & 0xFF) })
        responses.append(response)
        response = SendCommandResponse()
        response.abortTransaction = AbortTransactionResult()
        responses.append(response)
        response = SendCommandResponse()
        response.endSession = EndSessionResult()
        response.endSession!.timingInformation = TimingInformation(processingTimeMilliseconds: 0)
        responses.append(response)
        for response in responses {
            let body = try SendCommandJSON.encode(response)
            #expect(try SendCommandJSON.decodeResponse(body) == response, "\(String(decoding: body, as: UTF8.self))")
        }
    }

    @Test func unknownMembersAreSkippedAndNullIsAbsent() throws {
        let response = try read(
            #"""
             { "Extra": {"a": [1, 2.5e3, true, null, "x\"y"]},
               "ExecuteStatement": {"FirstPage": {"Values": [{"IonText": "1", "Note": {}}], "NextPageToken": null},
                                    "TimingInformation": {"ProcessingTimeMilliseconds": 12, "Other": 1},
                                    "ConsumedIOs": null, "Future": [{}]},
               "StartSession": null }
            """#)
        #expect(response.startSession == nil)
        let result = try #require(response.executeStatement)
        #expect(result.firstPage == Page(values: [ValueHolder(ionText: "1")], nextPageToken: nil))
        #expect(result.timingInformation == TimingInformation(processingTimeMilliseconds: 12))
        #expect(result.consumedIOs == nil)
    }

    @Test func escapedNamesAndEscapedBase64AreRead() throws {
        // `\/` is legal JSON for `/`, and a name may be written with escapes.
        let response = try read(#"{"Commit\u0054ransaction":{"TransactionId":"t","CommitDigest":"AAEC\/w=="}}"#)
        #expect(response.commitTransaction?.commitDigest == Data([0x00, 0x01, 0x02, 0xFF]))
    }

    @Test func numbersThatAreNotSixtyFourBitIntegersCountAsAbsent() throws {
        let response = try read(
            #"{"FetchPage":{"ConsumedIOs":{"ReadIOs":1.5,"WriteIOs":9223372036854775808},"TimingInformation":{"ProcessingTimeMilliseconds":-9223372036854775808}}}"#
        )
        #expect(response.fetchPage?.consumedIOs?.readIOs == nil)
        #expect(response.fetchPage?.consumedIOs?.writeIOs == nil)
        #expect(response.fetchPage?.consumedIOs != nil)
        #expect(response.fetchPage?.timingInformation == TimingInformation(processingTimeMilliseconds: Int64.min))
    }

    @Test func malformedBodiesNameTheByteOrTheMember() {
        #expect(
            failure(#"{"StartTransaction":{"TransactionId":"t"}"#) == "invalid JSON at byte 41: unterminated object")
        #expect(failure(#"{"StartTransaction" {}}"#) == "invalid JSON at byte 20: expected ':'")
        #expect(failure(#"{"EndSession":{}} x"#) == "invalid JSON at byte 18: trailing characters")
        #expect(failure(#"{"Extra":[1,}"#) == "invalid JSON at byte 12: invalid number")
        #expect(failure("[]") == "the body must be a JSON object")
        #expect(failure(#"{"StartSession":[]}"#) == "StartSession must be an object")
        #expect(failure(#"{"ExecuteStatement":{"FirstPage":{"Values":{}}}}"#) == "Values must be a list")
        #expect(
            failure(#"{"ExecuteStatement":{"FirstPage":{"Values":[{}]}}}"#)
                == "a value holder needs IonBinary or IonText")
        #expect(
            failure(#"{"ExecuteStatement":{"FirstPage":{"Values":[{"IonBinary":"4AEA6g="}]}}}"#)
                == "IonBinary must be base64")
        #expect(failure(#"{"CommitTransaction":{"CommitDigest":"AA*A"}}"#) == "CommitDigest must be base64")
        #expect(failure(#"{"CommitTransaction":{"CommitDigest":7}}"#) == "CommitDigest must be base64")
    }
}
