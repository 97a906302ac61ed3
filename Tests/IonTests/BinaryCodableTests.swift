import Foundation
import Ion
import Testing

/// `IonDecoder` on Ion binary reads straight from the bytes: it must decode exactly what the
/// tree path decodes, and fail the same way, with the same coding paths.
@Suite struct BinaryCodableTests {
    struct Shapes: Codable, Equatable {
        var text: String
        var symbol: String
        var int: Int
        var double: Double
        var decimal: IonDecimal
        var timestamp: IonTimestamp
        var flag: Bool
        var bytes: Data
        var optional: Int?
        var absent: String?
        var list: [Int?]
        var nested: [String: [Int]]
        var value: IonValue
    }

    // swift-format-ignore: NeverUseForceTry
    // Constant test data: 2024-02-29 is a valid day.
    let document: IonValue = [
        "flag": true, "text": "héllo", "symbol": .symbol("sym"), "int": -7,
        "double": .float(1.5),
        "decimal": .decimal(IonDecimal(12345, fractionDigits: 2)),
        "timestamp": .timestamp(try! IonTimestamp(year: 2024, month: 2, day: 29, precision: .day)),
        "bytes": .blob([1, 2, 3]), "optional": .null(.int), "list": [1, .null(.int), 3],
        "nested": ["a": [1, 2], "b": []], "value": ["any": ["thing", 1], "big": ionValue("1180591620717411303424")],
    ]

    @Test func decodesWhatTheTreePathDecodes() throws {
        let bytes = try IonValue.encode(binary: [document])
        let fromBytes = try IonDecoder().decode(Shapes.self, from: bytes)
        let fromTree = try IonDecoder().decode(Shapes.self, from: document)
        #expect(fromBytes == fromTree)
        #expect(fromBytes.symbol == "sym" && fromBytes.optional == nil && fromBytes.absent == nil)
        #expect(fromBytes.list == [1, nil, 3])
        #expect(fromBytes.value == ["any": ["thing", 1], "big": ionValue("1180591620717411303424")])
    }

    @Test func decodesEveryTopLevelValue() throws {
        let bytes = try IonValue.encode(binary: [1, 2, 3])
        #expect(try IonDecoder().decodeAll(Int.self, from: bytes) == [1, 2, 3])
        #expect(throws: DecodingError.self) { try IonDecoder().decode(Int.self, from: bytes) }
    }

    @Test(arguments: [
        ("int", IonValue.string("x"), "expected an int, found string"),
        ("flag", IonValue.int(1), "expected a bool, found int"),
        ("decimal", IonValue.null(.decimal), "field 'decimal' is null"),
    ])
    func errorsMatchTheTreePath(_ field: String, _ replacement: IonValue, _ message: String) throws {
        var changed = document.structValue!
        changed[field] = replacement
        let bytes = try IonValue.encode(binary: [.struct(changed)])
        let fromBytes = Self.failure { try IonDecoder().decode(Shapes.self, from: bytes) }
        #expect(fromBytes == "\(field): \(message)")
        #expect(fromBytes == Self.failure { try IonDecoder().decode(Shapes.self, from: .struct(changed)) })
    }

    /// The coding path and description of the error `decode` fails with, or `nil`.
    static func failure(_ decode: () throws -> Shapes) -> String? {
        let error: any Error
        do {
            _ = try decode()
            return nil
        } catch let caught {
            error = caught
        }
        switch error as? DecodingError {
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return context.codingPath.map(\.stringValue).joined(separator: ".") + ": " + context.debugDescription
        default:
            return "\(error)"
        }
    }

    @Test func aMissingKeyIsNamedWithItsPath() throws {
        var changed = document.structValue!
        changed["nested"] = ["a": [1]]
        changed["text"] = nil
        let bytes = try IonValue.encode(binary: [.struct(changed)])
        do {
            _ = try IonDecoder().decode(Shapes.self, from: bytes)
            Issue.record("decoding should fail")
        } catch DecodingError.keyNotFound(let key, let context) {
            #expect(key.stringValue == "text")
            #expect(context.codingPath.isEmpty)
        }
    }

    /// Arrays are decoded with their storage allocated once (`IonReaderDecodableArray`); any
    /// other type read from a list goes through its own `init(from:)`. Both as on the tree path.
    @Test(arguments: [
        "[]", "[1, 2, 3]", "[1, null, 3]", "[[], [1], [1, 2]]", "(1 2)", "[\"a\", \"b\"]", "[1, \"x\"]",
        "[[1], [2, \"x\"]]", "{a: 1}", "null.list", "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]",
    ])
    func listsDecodeAsOnTheTreePath(_ text: String) throws {
        let value = try IonValue.decode(text: Array(text.utf8))[0]
        let bytes = try IonValue.encode(binary: [value])
        func same<T: Decodable & Equatable>(_ type: T.Type) {
            let fromBytes = Result { try IonDecoder().decode(type, from: bytes) }
            let fromTree = Result { try IonDecoder().decode(type, from: value) }
            switch (fromBytes, fromTree) {
            case (.success(let a), .success(let b)):
                #expect(a == b, "\(text) as \(type)")
            case (.failure(let a), .failure(let b)):
                #expect(Self.describe(a) == Self.describe(b), "\(text) as \(type)")
            default:
                Issue.record("\(text) as \(type): \(fromBytes) from bytes, \(fromTree) from the tree")
            }
        }
        same([Int].self)
        same([Int?].self)
        same([[Int]].self)
        same([String].self)
        same(Set<Int>.self)
        same(Pair.self)
        same([Pair].self)
    }

    /// A type that reads a list through an unkeyed container of its own.
    struct Pair: Decodable, Equatable {
        var first: Int
        var second: Int
        init(from decoder: any Decoder) throws {
            var elements = try decoder.unkeyedContainer()
            first = try elements.decode(Int.self)
            second = try elements.decode(Int.self)
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return context.codingPath.map(\.stringValue).joined(separator: ".") + ": " + context.debugDescription
        case .keyNotFound(let key, let context):
            return context.codingPath.map(\.stringValue).joined(separator: ".") + ": no \(key.stringValue)"
        default:
            return "\(error)"
        }
    }

    @Test func malformedBytesAreDataCorrupted() throws {
        var bytes = try IonValue.encode(binary: [document])
        bytes.removeLast(3)
        #expect(throws: DecodingError.self) { try IonDecoder().decode(Shapes.self, from: bytes) }
    }
}

/// The decoder over Ion binary keeps one table of fields per depth and one coding path for a
/// whole value: containers used out of their stack order, fields read in any order and symbols
/// that change between top-level values must decode exactly as the tree path does.
@Suite struct BinaryDecoderStateTests {
    /// Reads its fields last first and its two lists in turns, through nested containers.
    struct Interleaved: Decodable, Equatable {
        var pairs: [[Int]]
        var names: [String]
        var last: String

        enum Keys: String, CodingKey { case xs, ys, inner, other, last }
        enum InnerKeys: String, CodingKey { case name }

        init(pairs: [[Int]], names: [String], last: String) {
            self.pairs = pairs
            self.names = names
            self.last = last
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Keys.self)
            last = try c.decode(String.self, forKey: .last)
            var xs = try c.nestedUnkeyedContainer(forKey: .xs)
            var ys = try c.nestedUnkeyedContainer(forKey: .ys)
            pairs = []
            while !xs.isAtEnd || !ys.isAtEnd {
                pairs.append([try xs.decode(Int.self), try ys.decode(Int.self)])
            }
            let inner = try c.nestedContainer(keyedBy: InnerKeys.self, forKey: .inner)
            let other = try c.nestedContainer(keyedBy: InnerKeys.self, forKey: .other)
            names = [
                try other.decode(String.self, forKey: .name), try inner.decode(String.self, forKey: .name),
                try other.decode(String.self, forKey: .name),
            ]
        }
    }

    let interleaved: IonValue = [
        "xs": [1, 2, 3], "inner": ["name": "in"], "ys": [4, 5, 6], "other": ["name": "out"], "last": "end",
    ]

    @Test func containersUsedOutOfStackOrderDecodeAsTheTreePathDoes() throws {
        let bytes = try IonValue.encode(binary: [interleaved])
        let expected = Interleaved(pairs: [[1, 4], [2, 5], [3, 6]], names: ["out", "in", "out"], last: "end")
        #expect(try IonDecoder().decode(Interleaved.self, from: bytes) == expected)
        #expect(try IonDecoder().decode(Interleaved.self, from: interleaved) == expected)
    }

    struct Pair: Codable, Equatable {
        var a: Int
        var b: String
    }

    @Test func eachTopLevelValueIsReadWithItsOwnSymbols() throws {
        // Two documents, each with its own local symbol table: `a` and `b` get different IDs.
        let first = try IonValue.encode(binary: [["a": 1, "b": "x"]])
        let second = try IonValue.encode(binary: [["z": 0, "b": "y", "a": 2]])
        let pairs = try IonDecoder().decodeAll(Pair.self, from: first + second)
        #expect(pairs == [Pair(a: 1, b: "x"), Pair(a: 2, b: "y")])
    }

    struct Outer: Decodable {
        struct Item: Decodable { var count: Int }
        var groups: [String: [Item]]
    }

    @Test func anErrorDeepInsideNamesItsWholePath() throws {
        let bytes = try IonValue.encode(binary: [["groups": ["g": [["count": 1], ["count": "two"]]]]])
        do {
            _ = try IonDecoder().decode(Outer.self, from: bytes)
            Issue.record("decoding should fail")
        } catch DecodingError.typeMismatch(_, let context) {
            #expect(context.codingPath.map(\.stringValue) == ["groups", "g", "Index 1", "count"])
            #expect(context.debugDescription == "expected an int, found string")
        }
    }

    /// A struct of 40 fields at each of 12 levels: more fields and depths than the decoder's
    /// tables first hold, so they grow while entries are in use.
    struct Level: Decodable, Equatable {
        var values: [String: Int]
        var inner: [Level]
    }

    @Test func wideAndDeepStructsOutgrowTheFieldTables() throws {
        func level(_ depth: Int) -> IonValue {
            var values = IonStruct()
            for i in 0..<40 { values["f\(i)"] = .int(depth * 100 + i) }
            return ["values": .struct(values), "inner": depth == 0 ? [] : [level(depth - 1)]]
        }
        let document = level(11)
        let bytes = try IonValue.encode(binary: [document])
        let decoded = try IonDecoder().decode(Level.self, from: bytes)
        #expect(decoded == (try IonDecoder().decode(Level.self, from: document)))
        var depth = 0
        var current = decoded
        while let next = current.inner.first {
            depth += 1
            current = next
        }
        #expect(depth == 11 && current.values["f39"] == 39 && decoded.values["f0"] == 1_100)
    }

    @Test func aFieldNameWithNoSymbolIsDataCorrupted() throws {
        // {$99: 1}: a struct whose one field names a symbol ID no table defines.
        let bytes: [UInt8] = [0xE0, 0x01, 0x00, 0xEA, 0xD3, 0xE3, 0x21, 0x01]
        do {
            _ = try IonDecoder().decode(Pair.self, from: bytes)
            Issue.record("decoding should fail")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.debugDescription.contains("field name symbol ID 99 is not defined"))
        }
    }
}

/// The one value of Ion text (here 2^70, an int beyond Int64).
func ionValue(_ text: String) -> IonValue {
    guard let value = try? IonValue.decode(text: text).first else { fatalError("not Ion: \(text)") }
    return value
}
