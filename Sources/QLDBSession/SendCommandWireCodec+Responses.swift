import Foundation
import QLDBPrimitives

// Reading `SendCommand` response bodies.
//
// The driver reads one response per command, so this is on its hot path: the body is read in one
// pass straight into the result types, member names are compared as bytes, numbers are read
// without making strings, and blobs are decoded from base64 without going through `String`.
// Building a JSON tree first (as requests are read, on the ledger's side) made a node, a key
// string and often a box per member: about 10 % of a transaction's client CPU.
//
// Members the model does not define are skipped (after checking they are well-formed JSON), and
// `null` counts as absent, as awsJson1_0 clients treat it.

extension SendCommandWireCodec {
    static func decodeResponse(_ body: [UInt8]) throws -> SendCommandResponse {
        try body.withUnsafeBufferPointer { buffer in
            var reader = Reader(bytes: buffer)
            var response = SendCommandResponse()
            var first = true
            try reader.openObject(or: "the body must be a JSON object")
            while let key = try reader.nextKey(first: &first) {
                if key == "StartSession" {
                    response.startSession = try reader.result("StartSession") { reader, key, result in
                        guard key == "SessionToken" else { return false }
                        result.sessionToken = try reader.optionalString()
                        return true
                    }
                } else if key == "StartTransaction" {
                    response.startTransaction = try reader.result("StartTransaction") { reader, key, result in
                        guard key == "TransactionId" else { return false }
                        result.transactionId = try reader.optionalString()
                        return true
                    }
                } else if key == "ExecuteStatement" {
                    response.executeStatement = try reader.result("ExecuteStatement") { reader, key, result in
                        if key == "FirstPage" {
                            result.firstPage = try reader.page()
                        } else if key == "ConsumedIOs" {
                            result.consumedIOs = try reader.ioUsage()
                        } else {
                            return false
                        }
                        return true
                    }
                } else if key == "FetchPage" {
                    response.fetchPage = try reader.result("FetchPage") { reader, key, result in
                        if key == "Page" {
                            result.page = try reader.page()
                        } else if key == "ConsumedIOs" {
                            result.consumedIOs = try reader.ioUsage()
                        } else {
                            return false
                        }
                        return true
                    }
                } else if key == "CommitTransaction" {
                    response.commitTransaction = try reader.result("CommitTransaction") { reader, key, result in
                        if key == "TransactionId" {
                            result.transactionId = try reader.optionalString()
                        } else if key == "CommitDigest" {
                            result.commitDigest = try reader.optionalBase64("CommitDigest")
                        } else if key == "ConsumedIOs" {
                            result.consumedIOs = try reader.ioUsage()
                        } else {
                            return false
                        }
                        return true
                    }
                } else if key == "AbortTransaction" {
                    response.abortTransaction = try reader.result("AbortTransaction") { _, _, _ in false }
                } else if key == "EndSession" {
                    response.endSession = try reader.result("EndSession") { _, _, _ in false }
                } else {
                    _ = try reader.value(depth: 1)
                }
            }
            reader.skipSpace()
            guard reader.i == buffer.count else { throw reader.fail("trailing characters") }
            return response
        }
    }
}

/// A result type of the model: every one of them may carry `TimingInformation`.
protocol TimedResult {
    init()
    var timingInformation: TimingInformation? { get set }
}

extension StartSessionResult: TimedResult {}
extension StartTransactionResult: TimedResult {}
extension ExecuteStatementResult: TimedResult {}
extension FetchPageResult: TimedResult {}
extension CommitTransactionResult: TimedResult {}
extension AbortTransactionResult: TimedResult {}
extension EndSessionResult: TimedResult {}

extension SendCommandWireCodec.Reader {
    typealias ParseError = SendCommandWireCodec.ParseError
    typealias ShapeError = SendCommandWireCodec.ShapeError

    /// A member name: the raw bytes between the quotes, or the decoded text when it has escapes.
    struct Key {
        var raw: UnsafeBufferPointer<UInt8>
        var decoded: String?

        static func == (key: Key, name: StaticString) -> Bool {
            if let decoded = key.decoded { return decoded == name.description }
            let count = name.utf8CodeUnitCount
            guard key.raw.count == count else { return false }
            return count == 0 || memcmp(key.raw.baseAddress!, name.utf8Start, count) == 0
        }
    }

    /// Consumes `{`, or throws `message` as a shape error when the value is not an object.
    mutating func openObject(or message: @autoclosure () -> String) throws {
        skipSpace()
        guard i < bytes.count else { throw fail("unexpected end") }
        guard bytes[i] == UInt8(ascii: "{") else { throw ShapeError(description: message()) }
        i += 1
    }

    /// The next member's name, leaving the reader at its value; `nil` after the closing `}`.
    mutating func nextKey(first: inout Bool) throws(ParseError) -> Key? {
        skipSpace()
        guard i < bytes.count else { throw fail("unterminated object") }
        if bytes[i] == UInt8(ascii: "}") {
            i += 1
            return nil
        }
        if !first {
            guard bytes[i] == UInt8(ascii: ",") else { throw fail("expected ',' or '}'") }
            i += 1
            skipSpace()
        }
        first = false
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a string") }
        let start = i + 1
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20
        { end += 1 }
        var key: Key
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            key = Key(raw: UnsafeBufferPointer(rebasing: bytes[start..<end]))
            i = end + 1
        } else {
            let text = try string()
            key = Key(raw: UnsafeBufferPointer(rebasing: bytes[start..<start]), decoded: text)
        }
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
        i += 1
        return key
    }

    /// Consumes a `null` if one is next.
    mutating func takeNull() -> Bool {
        skipSpace()
        guard i + 4 <= bytes.count, bytes[i] == UInt8(ascii: "n"), bytes[i + 1] == UInt8(ascii: "u"),
            bytes[i + 2] == UInt8(ascii: "l"), bytes[i + 3] == UInt8(ascii: "l")
        else { return false }
        i += 4
        return true
    }

    /// Reads one result object: `TimingInformation` here, every other member through `member`,
    /// which returns `false` for members it does not know (they are skipped). `null` is `nil`.
    mutating func result<R: TimedResult>(
        _ name: String, _ member: (inout Self, Key, inout R) throws -> Bool
    ) throws -> R? {
        if takeNull() { return nil }
        try openObject(or: "\(name) must be an object")
        var result = R()
        var first = true
        while let key = try nextKey(first: &first) {
            if key == "TimingInformation" {
                result.timingInformation = try timing()
            } else if try !member(&self, key, &result) {
                _ = try value(depth: 2)
            }
        }
        return result
    }

    /// A string member; `nil` for `null` or any other kind of value (which is skipped).
    mutating func optionalString() throws(ParseError) -> String? {
        skipSpace()
        guard i < bytes.count else { throw fail("unexpected end") }
        if bytes[i] == UInt8(ascii: "\"") { return try string() }
        _ = try value(depth: 2)
        return nil
    }

    /// An integer member; `nil` for `null`, a fraction, an integer beyond 64 bits or any other
    /// kind of value.
    mutating func optionalInt() throws(ParseError) -> Int64? {
        skipSpace()
        guard i < bytes.count else { throw fail("unexpected end") }
        let start = i
        var negative = false
        if bytes[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        var magnitude: UInt64 = 0
        var digits = 0
        var overflow = false
        while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(bytes[i] - UInt8(ascii: "0")))
            overflow = overflow || o1 || o2
            magnitude = sum
            digits += 1
            i += 1
        }
        let ends =
            i == bytes.count
            || !(bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E"))
        if digits > 0, ends, !overflow {
            if negative { return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
            return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
        }
        // Not a plain 64-bit integer: read it as any JSON value (validating it) and drop it.
        i = start
        if case .number(_, let int) = try value(depth: 2) { return int }
        return nil
    }

    /// `{"ProcessingTimeMilliseconds": n}`; `nil` when the time is absent.
    mutating func timing() throws -> TimingInformation? {
        if takeNull() { return nil }
        try openObject(or: "TimingInformation must be an object")
        var milliseconds: Int64?
        var first = true
        while let key = try nextKey(first: &first) {
            if key == "ProcessingTimeMilliseconds" { milliseconds = try optionalInt() } else { _ = try value(depth: 3) }
        }
        return milliseconds.map { TimingInformation(processingTimeMilliseconds: $0) }
    }

    /// `{"ReadIOs": n, "WriteIOs": n}`.
    mutating func ioUsage() throws -> IOUsage? {
        if takeNull() { return nil }
        try openObject(or: "ConsumedIOs must be an object")
        var usage = IOUsage(readIOs: 0, writeIOs: 0)
        (usage.readIOs, usage.writeIOs) = (nil, nil)
        var first = true
        while let key = try nextKey(first: &first) {
            if key == "ReadIOs" {
                usage.readIOs = try optionalInt()
            } else if key == "WriteIOs" {
                usage.writeIOs = try optionalInt()
            } else {
                _ = try value(depth: 3)
            }
        }
        return usage
    }

    /// `{"Values": [holders], "NextPageToken": "…"}`.
    mutating func page() throws -> Page? {
        if takeNull() { return nil }
        try openObject(or: "a page must be an object")
        var page = Page(values: [], nextPageToken: nil)
        var first = true
        while let key = try nextKey(first: &first) {
            if key == "Values" {
                page.values = try valueHolders()
            } else if key == "NextPageToken" {
                page.nextPageToken = try optionalString()
            } else {
                _ = try value(depth: 3)
            }
        }
        return page
    }

    /// `[{"IonBinary": "base64"} or {"IonText": "…"}, …]`.
    mutating func valueHolders() throws -> [ValueHolder] {
        if takeNull() { return [] }
        guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else {
            throw ShapeError(description: "Values must be a list")
        }
        i += 1
        var holders: [ValueHolder] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
            i += 1
            return holders
        }
        while true {
            try openObject(or: "a value holder must be an object")
            var binary: [UInt8]?
            var text: String?
            var first = true
            while let key = try nextKey(first: &first) {
                if key == "IonBinary" {
                    binary = try optionalBase64Bytes("IonBinary")
                } else if key == "IonText" {
                    text = try optionalString()
                } else {
                    _ = try value(depth: 5)
                }
            }
            if let binary {
                holders.append(ValueHolder(ionBinary: binary))
            } else if let text {
                holders.append(ValueHolder(ionText: text))
            } else {
                throw ShapeError(description: "a value holder needs IonBinary or IonText")
            }
            if try closes(UInt8(ascii: "]")) { return holders }
        }
    }

    /// A base64 blob member (standard alphabet, padded); `nil` for `null`.
    mutating func optionalBase64(_ name: String) throws -> Data? {
        try optionalBase64Bytes(name).map { Data($0) }
    }

    /// A base64 blob member as bytes; `nil` for `null`.
    mutating func optionalBase64Bytes(_ name: String) throws -> [UInt8]? {
        if takeNull() { return nil }
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
            throw ShapeError(description: "\(name) must be base64")
        }
        let start = i + 1
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
        let decoded: [UInt8]?
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            decoded = Base64.decode(UnsafeBufferPointer(rebasing: bytes[start..<end]))
            i = end + 1
        } else {
            // Escapes in base64 (`\/` is legal JSON): decode the string first.
            decoded = Base64.decode(try string())
        }
        guard let decoded else { throw ShapeError(description: "\(name) must be base64") }
        return decoded
    }
}
