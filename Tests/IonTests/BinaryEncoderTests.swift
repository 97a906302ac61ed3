import Foundation
import Ion
import Testing

/// `IonEncoder` writes Ion binary straight from `encode(to:)`: its bytes must be the tree path's
/// (`IonValue.encode(binary:)` of `encodeValue`), byte for byte, whatever the value does, and what
/// a stream cannot follow must still come out as the tree writes it.
@Suite struct BinaryEncoderTests {
    /// The bytes of the tree path for `values`.
    static func treeBytes<T: Encodable>(_ values: [T]) throws -> [UInt8] {
        let encoder = IonEncoder()
        return try IonValue.encode(binary: values.map { try encoder.encodeValue($0) })
    }

    struct Shapes: Codable, Equatable {
        var text: String
        var int: Int
        var small: Int8
        var unsigned: UInt64
        var double: Double
        var float: Float
        var decimal: IonDecimal
        var foundationDecimal: Decimal
        var timestamp: IonTimestamp
        var date: Date
        var flag: Bool
        var bytes: Data
        var optional: Int?
        var absent: String?
        var list: [Int?]
        var nested: [String: [Int]]
        var value: IonValue
        var empty: Empty
    }

    struct Empty: Codable, Equatable {}

    // swift-format-ignore: NeverUseForceTry
    // Constant test data: 2024-02-29 is a valid day.
    static let shapes = Shapes(
        text: "héllo", int: -7, small: -128, unsigned: .max, double: 1.5, float: -0.25,
        decimal: IonDecimal(12345, fractionDigits: 2), foundationDecimal: Decimal(string: "-3.25")!,
        timestamp: try! IonTimestamp(year: 2024, month: 2, day: 29, precision: .day),
        date: Date(timeIntervalSince1970: 1_700_000_000.123), flag: true, bytes: Data([1, 2, 3]), optional: nil,
        absent: nil, list: [1, nil, 3], nested: ["a": [1, 2]],
        value: .init(.struct(["any": ["thing", .symbol("sym")]]), annotations: ["note"]), empty: Empty())

    @Test func writesTheTreePathsBytes() throws {
        let bytes = try IonEncoder().encode(Self.shapes)
        #expect(bytes == (try Self.treeBytes([Self.shapes])))
        #expect(try IonDecoder().decode(Shapes.self, from: bytes) == Self.shapes)
    }

    @Test func writesEveryValueOfAStreamWithOneSymbolTable() throws {
        let values = [Self.shapes, Self.shapes, Self.shapes]
        let bytes = try IonEncoder().encodeAll(values)
        #expect(bytes == (try Self.treeBytes(values)))
        #expect(try IonDecoder().decodeAll(Shapes.self, from: bytes) == values)
        #expect(try IonEncoder().encodeAll([Int]()) == [0xE0, 0x01, 0x00, 0xEA])
    }

    /// Bodies of 13, 14, 127, 128, 16,383 and 16,384 bytes: a length in the type descriptor, then
    /// in one, two and three more bytes, written after the body.
    @Test(arguments: [12, 13, 126, 127, 16_382, 16_383])
    func lengthsOfEverySizeAreWrittenAfterTheirBodies(_ count: Int) throws {
        struct Holder: Codable, Equatable {
            var text: String
            var list: [String]
        }
        let holder = Holder(text: String(repeating: "x", count: count), list: [String(repeating: "y", count: count)])
        let bytes = try IonEncoder().encode(holder)
        #expect(bytes == (try Self.treeBytes([holder])))
        #expect(try IonDecoder().decode(Holder.self, from: bytes) == holder)
    }

    /// Encodes `a` twice: the tree keeps the second value in the first one's place.
    struct RepeatedKey: Encodable {
        enum Keys: String, CodingKey { case a, b }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(1, forKey: .a)
            try c.encode("b", forKey: .b)
            try c.encode(2, forKey: .a)
        }
    }

    /// Writes to a nested container after writing past it, and to two nested containers in turns.
    struct OutOfOrder: Encodable {
        enum Keys: String, CodingKey { case first, second, last }
        enum Inner: String, CodingKey { case x }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            var first = c.nestedContainer(keyedBy: Inner.self, forKey: .first)
            var second = c.nestedUnkeyedContainer(forKey: .second)
            try second.encode(1)
            try first.encode(true, forKey: .x)
            try second.encode(2)
            try c.encode("end", forKey: .last)
        }
    }

    /// Hands a super encoder a value, and catches a child's failure and goes on.
    struct SuperAndCaught: Encodable {
        enum Keys: String, CodingKey { case kept, failed, `super` }
        struct Failing: Encodable {
            enum Keys: String, CodingKey { case partial }
            struct Refused: Error {}
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: Keys.self)
                try c.encode("written before the failure", forKey: .partial)
                throw Refused()
            }
        }
        enum Way { case superEncoder, caughtFailure, caughtDate }
        let way: Way
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(1, forKey: .kept)
            switch way {
            case .superEncoder:
                var single = c.superEncoder().singleValueContainer()
                try single.encode("from super")
            case .caughtFailure:
                _ = try? c.encode(Failing(), forKey: .failed)
            case .caughtDate:
                _ = try? c.encode(Date(timeIntervalSince1970: .infinity), forKey: .failed)
            }
        }
    }

    @Test func whatAStreamCannotFollowIsEncodedAsTheTreeDoes() throws {
        let repeated = try IonEncoder().encode(RepeatedKey())
        #expect(repeated == (try Self.treeBytes([RepeatedKey()])))
        #expect(try IonValue.decode(binary: repeated) == [["a": 2, "b": "b"]])

        let outOfOrder = try IonEncoder().encode(OutOfOrder())
        #expect(outOfOrder == (try Self.treeBytes([OutOfOrder()])))
        #expect(try IonValue.decode(binary: outOfOrder) == [["first": ["x": true], "second": [1, 2], "last": "end"]])

        for way in [SuperAndCaught.Way.superEncoder, .caughtFailure, .caughtDate] {
            let value = SuperAndCaught(way: way)
            let bytes = try IonEncoder().encodeAll([value, value])
            #expect(bytes == (try Self.treeBytes([value, value])), "\(way)")
            let expected: IonValue = way == .superEncoder ? ["kept": 1, "super": "from super"] : ["kept": 1]
            #expect(try IonValue.decode(binary: bytes) == [expected, expected], "\(way)")
        }
    }

    @Test func errorsNameTheirPath() throws {
        struct Dates: Encodable { var when: [Date] }
        do {
            _ = try IonEncoder().encode(Dates(when: [Date(), Date(timeIntervalSince1970: .infinity)]))
            Issue.record("encoding should fail")
        } catch EncodingError.invalidValue(_, let context) {
            #expect(context.codingPath.map(\.stringValue) == ["when", "Index 1"])
            #expect(context.debugDescription == "date is not finite")
        }
    }
}
