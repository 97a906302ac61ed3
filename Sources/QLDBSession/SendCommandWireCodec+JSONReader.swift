import Foundation
import QLDBPrimitives

// A small JSON reader into a tree, for request bodies (the ledger's side), error bodies and the
// licence API's request bodies.
extension SendCommandWireCodec {
    /// A JSON value.
    package indirect enum JSON {
        case object([(String, JSON)])
        case array([JSON])
        case string(String)
        case number(Double, Int64?)
        case bool(Bool)
        case null

        package subscript(_ key: String) -> JSON? {
            if case .object(let members) = self { return members.first { $0.0 == key }?.1 }
            return nil
        }

        package var string: String? { if case .string(let s) = self { s } else { nil } }
        package var int: Int64? { if case .number(_, let i) = self { i } else { nil } }
        package var isObject: Bool { if case .object = self { true } else { false } }
    }

    /// Why a text is not JSON, and where.
    package struct ParseError: Error, CustomStringConvertible {
        var message: String
        var offset: Int
        package var description: String { "invalid JSON at byte \(offset): \(message)" }
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
                guard let digit = Hex.value(of: bytes[i]) else { throw fail("invalid \\u escape") }
                value = value << 4 | UInt32(digit)
                i += 1
            }
            return value
        }
    }

    /// Reads one JSON value, the whole of `body` (RFC 8259, nested at most as deep as the
    /// reader allows).
    package static func parseJSON(_ body: [UInt8]) throws -> JSON {
        try body.withUnsafeBufferPointer { buffer throws(ParseError) -> JSON in
            var reader = Reader(bytes: buffer)
            let value = try reader.value()
            reader.skipSpace()
            guard reader.i == buffer.count else { throw reader.fail("trailing characters") }
            return value
        }
    }
}
