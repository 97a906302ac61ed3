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

    @Test func malformedBytesAreDataCorrupted() throws {
        var bytes = try IonValue.encode(binary: [document])
        bytes.removeLast(3)
        #expect(throws: DecodingError.self) { try IonDecoder().decode(Shapes.self, from: bytes) }
    }
}

/// The one value of Ion text (here 2^70, an int beyond Int64).
func ionValue(_ text: String) -> IonValue {
    guard let value = try? IonValue.decode(text: text).first else { fatalError("not Ion: \(text)") }
    return value
}
