import Foundation

/// The awsJson1_0 bodies of `SendCommand`, written and read by hand.
///
/// Every command of a transaction is one request and one response, so this codec is on the hot
/// path of both the driver and the ledger: it writes straight into a byte buffer and parses with
/// a small JSON reader, where `JSONEncoder`/`JSONDecoder` with key strategies cost over ten
/// microseconds a body. The Codable conformances (``SendCommandJSON/encoder()``) stay for anyone
/// who wants them; the tests hold both to the same wire examples.
enum SendCommandWireCodec {
    // MARK: Writing

    struct Writer {
        var out: [UInt8] = []

        init(capacity: Int = 256) { out.reserveCapacity(capacity) }

        mutating func raw(_ text: StaticString) {
            text.withUTF8Buffer { out.append(contentsOf: $0) }
        }

        mutating func string(_ text: String) {
            out.append(UInt8(ascii: "\""))
            var text = text
            text.withUTF8 { utf8 in
                // Statements and tokens rarely need escapes: checked eight bytes at a time, and
                // otherwise copied in runs between the bytes that do.
                guard Self.mayNeedEscape(UnsafeRawBufferPointer(utf8)) else {
                    out.append(contentsOf: utf8)
                    return
                }
                var run = 0
                for index in 0..<utf8.count {
                    let byte = utf8[index]
                    guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<index]))
                    run = index + 1
                    switch byte {
                    case UInt8(ascii: "\""): raw(#"\""#)
                    case UInt8(ascii: "\\"): raw(#"\\"#)
                    case 0x0A: raw(#"\n"#)
                    case 0x0D: raw(#"\r"#)
                    case 0x09: raw(#"\t"#)
                    default:
                        raw(#"\u00"#)
                        out.append(Self.hex[Int(byte >> 4)])
                        out.append(Self.hex[Int(byte & 0x0F)])
                    }
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run...]))
            }
            out.append(UInt8(ascii: "\""))
        }

        /// Whether any byte is a control character, `"` or `\`: `false` means the text goes into
        /// JSON as it is.
        @inline(__always)
        static func mayNeedEscape(_ bytes: UnsafeRawBufferPointer) -> Bool {
            @inline(__always) func hasZeroByte(_ x: UInt64) -> Bool {
                (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 != 0
            }
            var i = 0
            let count = bytes.count
            while i + 8 <= count {
                let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                // Below 0x20 (the has-less-than test), or equal to a quote or a backslash.
                if (word &- 0x2020_2020_2020_2020) & ~word & 0x8080_8080_8080_8080 != 0
                    || hasZeroByte(word ^ 0x2222_2222_2222_2222)
                    || hasZeroByte(word ^ 0x5C5C_5C5C_5C5C_5C5C)
                {
                    return true
                }
                i += 8
            }
            while i < count {
                let byte = bytes[i]
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return true }
                i += 1
            }
            return false
        }

        static let hex = Array("0123456789abcdef".utf8)
        static let base64 = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

        mutating func blob(_ data: some ContiguousBytes) {
            data.withUnsafeBytes { blob($0) }
        }

        mutating func blob(_ bytes: UnsafeRawBufferPointer) {
            out.append(UInt8(ascii: "\""))
            let encodedCount = (bytes.count + 2) / 3 * 4
            // Encoded on the stack and appended as one copy: an array cannot grow uninitialised.
            if encodedCount <= 4096 {
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: encodedCount) { buffer in
                    Self.encodeBase64(bytes, into: buffer)
                    out.append(contentsOf: buffer)
                }
            } else {
                let start = out.count
                out.append(contentsOf: repeatElement(0, count: encodedCount))
                out.withUnsafeMutableBufferPointer {
                    Self.encodeBase64(bytes, into: UnsafeMutableBufferPointer(rebasing: $0[start...]))
                }
            }
            out.append(UInt8(ascii: "\""))
        }

        /// Writes the base64 of `bytes` (with padding) to `buffer`, which holds exactly that many bytes.
        static func encodeBase64(_ bytes: UnsafeRawBufferPointer, into buffer: UnsafeMutableBufferPointer<UInt8>) {
            base64.withUnsafeBufferPointer { alphabet in
                var o = 0
                var i = 0
                while i + 3 <= bytes.count {
                    let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
                    buffer[o] = alphabet[Int(n >> 18 & 63)]
                    buffer[o + 1] = alphabet[Int(n >> 12 & 63)]
                    buffer[o + 2] = alphabet[Int(n >> 6 & 63)]
                    buffer[o + 3] = alphabet[Int(n & 63)]
                    o += 4
                    i += 3
                }
                let rest = bytes.count - i
                if rest > 0 {
                    let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
                    buffer[o] = alphabet[Int(n >> 18 & 63)]
                    buffer[o + 1] = alphabet[Int(n >> 12 & 63)]
                    buffer[o + 2] = rest == 2 ? alphabet[Int(n >> 6 & 63)] : UInt8(ascii: "=")
                    buffer[o + 3] = UInt8(ascii: "=")
                }
            }
        }

        mutating func number(_ value: Int64) { out.append(contentsOf: String(value).utf8) }

        mutating func valueHolders(_ holders: [ValueHolder]) {
            raw("[")
            for (index, holder) in holders.enumerated() {
                if index > 0 { raw(",") }
                if let binary = holder.ionBinaryBytes {
                    raw(#"{"IonBinary":"#)
                    blob(binary)
                } else {
                    raw(#"{"IonText":"#)
                    string(holder.ionText ?? "")
                }
                raw("}")
            }
            raw("]")
        }

        mutating func timing(_ timing: TimingInformation?) {
            guard let timing else { return }
            raw(#","TimingInformation":{"#)
            if let ms = timing.processingTimeMilliseconds {
                raw(#""ProcessingTimeMilliseconds":"#)
                number(ms)
            }
            raw("}")
        }

        /// A result whose only member is its timing: `{}` or `{"TimingInformation":{…}}`.
        mutating func timingOnly(_ timing: TimingInformation?) {
            guard let ms = timing?.processingTimeMilliseconds else { return raw("{}") }
            raw(#"{"TimingInformation":{"ProcessingTimeMilliseconds":"#)
            number(ms)
            raw("}}")
        }

        mutating func ios(_ usage: IOUsage?) {
            guard let usage else { return }
            raw(#","ConsumedIOs":{"#)
            var first = true
            if let read = usage.readIOs {
                raw(#""ReadIOs":"#)
                number(read)
                first = false
            }
            if let write = usage.writeIOs {
                if !first { raw(",") }
                raw(#""WriteIOs":"#)
                number(write)
            }
            raw("}")
        }

        mutating func page(_ page: Page) {
            raw(#"{"Values":"#)
            valueHolders(page.values ?? [])
            if let token = page.nextPageToken {
                raw(#","NextPageToken":"#)
                string(token)
            }
            raw("}")
        }
    }

    static func encode(_ request: SendCommandRequest) -> [UInt8] {
        // One allocation for the whole body: the members' own sizes plus room for names, quotes,
        // base64 growth and the odd escape.
        var capacity = 192 + (request.sessionToken?.utf8.count ?? 0)
        if let execute = request.executeStatement {
            capacity += execute.statement.utf8.count
            for holder in execute.parameters ?? [] {
                capacity += 32 + (holder.ionBinaryBytes.map { $0.count * 4 / 3 + 4 } ?? holder.ionText?.utf8.count ?? 0)
            }
        }
        var w = Writer(capacity: capacity)
        w.raw("{")
        var needsComma = false
        if let token = request.sessionToken {
            w.raw(#""SessionToken":"#)
            w.string(token)
            needsComma = true
        }
        func member(_ name: StaticString, _ w: inout Writer) {
            if needsComma { w.raw(",") }
            w.raw("\"")
            w.raw(name)
            w.raw("\":")
            needsComma = true
        }
        if let start = request.startSession {
            member("StartSession", &w)
            w.raw(#"{"LedgerName":"#)
            w.string(start.ledgerName)
            w.raw("}")
        }
        if request.startTransaction != nil {
            member("StartTransaction", &w)
            w.raw("{}")
        }
        if let execute = request.executeStatement {
            member("ExecuteStatement", &w)
            w.raw(#"{"TransactionId":"#)
            w.string(execute.transactionId)
            w.raw(#","Statement":"#)
            w.string(execute.statement)
            if let parameters = execute.parameters {
                w.raw(#","Parameters":"#)
                w.valueHolders(parameters)
            }
            w.raw("}")
        }
        if let fetch = request.fetchPage {
            member("FetchPage", &w)
            w.raw(#"{"TransactionId":"#)
            w.string(fetch.transactionId)
            w.raw(#","NextPageToken":"#)
            w.string(fetch.nextPageToken)
            w.raw("}")
        }
        if let commit = request.commitTransaction {
            member("CommitTransaction", &w)
            w.raw(#"{"TransactionId":"#)
            w.string(commit.transactionId)
            w.raw(#","CommitDigest":"#)
            w.blob(commit.commitDigest)
            w.raw("}")
        }
        if request.abortTransaction != nil {
            member("AbortTransaction", &w)
            w.raw("{}")
        }
        if request.endSession != nil {
            member("EndSession", &w)
            w.raw("{}")
        }
        w.raw("}")
        return w.out
    }

    static func encode(_ response: SendCommandResponse) -> [UInt8] {
        var w = Writer()
        w.raw("{")
        if let result = response.startSession {
            w.raw(#""StartSession":{"#)
            if let token = result.sessionToken {
                w.raw(#""SessionToken":"#)
                w.string(token)
            } else {
                w.raw(#""SessionToken":null"#)
            }
            w.timing(result.timingInformation)
            w.raw("}")
        } else if let result = response.startTransaction {
            w.raw(#""StartTransaction":{"TransactionId":"#)
            if let id = result.transactionId { w.string(id) } else { w.raw("null") }
            w.timing(result.timingInformation)
            w.raw("}")
        } else if let result = response.executeStatement {
            w.raw(#""ExecuteStatement":{"FirstPage":"#)
            w.page(result.firstPage ?? Page(values: [], nextPageToken: nil))
            w.timing(result.timingInformation)
            w.ios(result.consumedIOs)
            w.raw("}")
        } else if let result = response.fetchPage {
            w.raw(#""FetchPage":{"Page":"#)
            w.page(result.page ?? Page(values: [], nextPageToken: nil))
            w.timing(result.timingInformation)
            w.ios(result.consumedIOs)
            w.raw("}")
        } else if let result = response.commitTransaction {
            w.raw(#""CommitTransaction":{"TransactionId":"#)
            if let id = result.transactionId { w.string(id) } else { w.raw("null") }
            if let digest = result.commitDigest {
                w.raw(#","CommitDigest":"#)
                w.blob(digest)
            }
            w.timing(result.timingInformation)
            w.ios(result.consumedIOs)
            w.raw("}")
        } else if let result = response.abortTransaction {
            w.raw(#""AbortTransaction":"#)
            w.timingOnly(result.timingInformation)
        } else if let result = response.endSession {
            w.raw(#""EndSession":"#)
            w.timingOnly(result.timingInformation)
        }
        w.raw("}")
        return w.out
    }

    // MARK: Reading

    indirect enum JSON {
        case object([(String, JSON)])
        case array([JSON])
        case string(String)
        case number(Double, Int64?)
        case bool(Bool)
        case null

        subscript(_ key: String) -> JSON? {
            if case .object(let members) = self { return members.first { $0.0 == key }?.1 }
            return nil
        }

        var string: String? { if case .string(let s) = self { s } else { nil } }
        var int: Int64? { if case .number(_, let i) = self { i } else { nil } }
        var isObject: Bool { if case .object = self { true } else { false } }
    }

    struct ParseError: Error, CustomStringConvertible {
        var message: String
        var offset: Int
        var description: String { "invalid JSON at byte \(offset): \(message)" }
    }

    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 {
                i += 1
            }
        }

        func fail(_ message: String) -> ParseError { ParseError(message: message, offset: i) }

        mutating func value(depth: Int = 0) throws(ParseError) -> JSON {
            guard depth < 64 else { throw fail("nested too deeply") }
            skipSpace()
            guard i < bytes.count else { throw fail("unexpected end") }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var members: [(String, JSON)] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
                    i += 1
                    return .object(members)
                }
                while true {
                    skipSpace()
                    let key = try string()
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                    i += 1
                    members.append((key, try value(depth: depth + 1)))
                    if try closes(UInt8(ascii: "}")) { return .object(members) }
                }
            case UInt8(ascii: "["):
                i += 1
                var items: [JSON] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
                    i += 1
                    return .array(items)
                }
                while true {
                    items.append(try value(depth: depth + 1))
                    if try closes(UInt8(ascii: "]")) { return .array(items) }
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            default: return try number()
            }
        }

        /// After a member (`close` is `}`) or an element (`]`): consumes a `,` and returns
        /// `false`, or consumes `close` and returns `true`.
        mutating func closes(_ close: UInt8) throws(ParseError) -> Bool {
            skipSpace()
            guard i < bytes.count else {
                throw fail(close == UInt8(ascii: "}") ? "unterminated object" : "unterminated array")
            }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                return false
            }
            guard bytes[i] == close else { throw fail("expected ',' or '\(Character(Unicode.Scalar(close)))'") }
            i += 1
            return true
        }

        mutating func literal(_ word: StaticString, _ value: JSON) throws(ParseError) -> JSON {
            let count = word.utf8CodeUnitCount
            guard i + count <= bytes.count else { throw fail("unexpected end") }
            for k in 0..<count where bytes[i + k] != word.utf8Start[k] { throw fail("unexpected character") }
            i += count
            return value
        }

        mutating func number() throws(ParseError) -> JSON {
            let start = i
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
            var integral = true
            while i < bytes.count {
                let b = bytes[i]
                if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                    i += 1
                } else if b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
                    || b == UInt8(ascii: "+")
                    || b == UInt8(ascii: "-")
                {
                    integral = false
                    i += 1
                } else {
                    break
                }
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            guard let double = Double(text) else { throw ParseError(message: "invalid number", offset: start) }
            return .number(double, integral ? Int64(text) : nil)
        }

        mutating func string() throws(ParseError) -> String {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a string") }
            i += 1
            let start = i
            // Fast path: no escapes.
            while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\") {
                guard bytes[i] >= 0x20 else { throw fail("control character in a string") }
                i += 1
            }
            guard i < bytes.count else { throw fail("unterminated string") }
            if bytes[i] == UInt8(ascii: "\"") {
                defer { i += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
            }
            var out = Array(UnsafeBufferPointer(rebasing: bytes[start..<i]))
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") {
                    i += 1
                    return String(decoding: out, as: UTF8.self)
                }
                guard b >= 0x20 else { throw fail("control character in a string") }
                if b != UInt8(ascii: "\\") {
                    out.append(b)
                    i += 1
                    continue
                }
                i += 1
                guard i < bytes.count else { throw fail("unterminated escape") }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u")
                        else {
                            throw fail("unpaired surrogate")
                        }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
                    out.append(contentsOf: String(Character(unicode)).utf8)
                default: throw fail("invalid escape")
                }
            }
            throw fail("unterminated string")
        }

        mutating func hex4() throws(ParseError) -> UInt32 {
            guard i + 4 <= bytes.count else { throw fail("short \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let b = bytes[i]
                let digit: UInt32
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - 48)
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - 87)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - 55)
                default: throw fail("invalid \\u escape")
                }
                value = value << 4 | digit
                i += 1
            }
            return value
        }
    }

    static func parse(_ body: [UInt8]) throws -> JSON {
        try body.withUnsafeBufferPointer { buffer throws(ParseError) -> JSON in
            var reader = Reader(bytes: buffer)
            let value = try reader.value()
            reader.skipSpace()
            guard reader.i == buffer.count else { throw reader.fail("trailing characters") }
            return value
        }
    }

    struct ShapeError: Error, CustomStringConvertible {
        var description: String
    }

    static func requireString(_ json: JSON?, _ name: String) throws -> String {
        guard let text = json?[name]?.string else { throw ShapeError(description: "\(name) must be a string") }
        return text
    }

    static func blob(_ json: JSON?, _ name: String) throws -> Data {
        guard let text = json?[name]?.string, let bytes = Base64Text.decodeBytes(text) else {
            throw ShapeError(description: "\(name) must be base64")
        }
        return Data(bytes)
    }

    static func holders(_ json: JSON?) throws -> [ValueHolder] {
        guard case .array(let items)? = json else { throw ShapeError(description: "Values must be a list") }
        return try items.map { item in
            if let text = item["IonBinary"]?.string {
                guard let bytes = Base64Text.decodeBytes(text) else {
                    throw ShapeError(description: "IonBinary must be base64")
                }
                return ValueHolder(ionBinary: bytes)
            }
            if let text = item["IonText"]?.string { return ValueHolder(ionText: text) }
            throw ShapeError(description: "a value holder needs IonBinary or IonText")
        }
    }

    static func decodeRequest(_ body: [UInt8]) throws -> SendCommandRequest {
        let json = try parse(body)
        guard json.isObject else { throw ShapeError(description: "the body must be a JSON object") }
        var request = SendCommandRequest(sessionToken: json["SessionToken"]?.string)
        if let start = json["StartSession"] {
            request.startSession = StartSessionRequest(ledgerName: try requireString(start, "LedgerName"))
        }
        if json["StartTransaction"]?.isObject == true { request.startTransaction = StartTransactionRequest() }
        if let execute = json["ExecuteStatement"] {
            var statement = ExecuteStatementRequest(
                transactionID: try requireString(execute, "TransactionId"),
                statement: try requireString(execute, "Statement"),
                parameters: [])
            if let parameters = execute["Parameters"] {
                statement.parameters = try holders(parameters)
            } else {
                statement.parameters = nil
            }
            request.executeStatement = statement
        }
        if let fetch = json["FetchPage"] {
            request.fetchPage = FetchPageRequest(
                transactionID: try requireString(fetch, "TransactionId"),
                nextPageToken: try requireString(fetch, "NextPageToken"))
        }
        if let commit = json["CommitTransaction"] {
            request.commitTransaction = CommitTransactionRequest(
                transactionID: try requireString(commit, "TransactionId"),
                commitDigest: try blob(commit, "CommitDigest"))
        }
        if json["AbortTransaction"]?.isObject == true { request.abortTransaction = AbortTransactionRequest() }
        if json["EndSession"]?.isObject == true { request.endSession = EndSessionRequest() }
        return request
    }
}
