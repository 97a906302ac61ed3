import Foundation
import Ion
import Testing

/// `IonLazyValue` reads what it is asked and nothing else: every accessor must give what the
/// reader gives, with the reader's errors and offsets.
@Suite struct LazyValueTests {
    // swift-format-ignore: NeverUseForceTry
    // Constant test data: 2024-02-29 is a valid day.
    static let document: IonValue = [
        "name": "héllo", "count": -7, "big": ionValue("1180591620717411303424"), "ratio": .float(1.5),
        "amount": .decimal(IonDecimal(12345, fractionDigits: 2)),
        "when": .timestamp(try! IonTimestamp(year: 2024, month: 2, day: 29, precision: .day)),
        "flag": true, "kind": .symbol("licence"), "bytes": .blob([1, 2, 3]), "nothing": .null(.string),
        "events": [.init(.struct(["n": 1]), annotations: ["first"]), [2, 3]],
    ]

    @Test func readsEveryScalarAndContainerInPlace() throws {
        let bytes = try IonValue.encode(binary: [Self.document, 42])
        let values = try IonLazyValue.decode(binary: bytes)
        #expect(values.count == 2)
        let licence = values[0]
        #expect(licence.type == .struct && !licence.isNull)
        #expect(try licence.field(named: "name")?.stringValue() == "héllo")
        #expect(try licence.field(named: "count")?.int64Value() == -7)
        #expect(try licence.field(named: "big")?.intValue() == ionValue("1180591620717411303424").ionIntValue)
        #expect(try licence.field(named: "ratio")?.doubleValue() == 1.5)
        #expect(try licence.field(named: "amount")?.decimalValue() == IonDecimal(12345, fractionDigits: 2))
        #expect(try licence.field(named: "when")?.timestampValue().day == 29)
        #expect(try licence.field(named: "flag")?.boolValue() == true)
        #expect(try licence.field(named: "kind")?.symbolValue() == IonSymbol("licence"))
        #expect(try licence.field(named: "bytes")?.lobValue() == [1, 2, 3])
        #expect(try licence.field(named: "nothing")?.isNull == true)
        #expect(try licence.field(named: "absent") == nil)
        #expect(try values[1].int64Value() == 42)

        var events = try #require(try licence.field(named: "events")).elements()
        let first = try #require(try events.next())
        #expect(try first.annotations() == ["first"])
        #expect(try first.materialize() == .init(.struct(["n": 1]), annotations: ["first"]))
        let second = try #require(try events.next())
        #expect(try second.materialize() == [2, 3])
        #expect(try events.next() == nil)

        var names: [String] = []
        var fields = try licence.fields()
        while let field = try fields.next() { names.append(try field.fieldName()?.text ?? "?") }
        #expect(names == Self.document.structValue!.fields.map { $0.name.text! })
        #expect(try licence.materialize() == Self.document)
        #expect(try values[1].fieldName() == nil)
    }

    @Test func wrongAccessorsAndMalformedChildrenAreReaderErrors() throws {
        let bytes = try IonValue.encode(binary: [["count": 1]])
        let licence = try #require(try IonLazyValue.decode(binary: bytes).first)
        #expect(throws: IonError(.typeMismatch, "")) { try licence.stringValue() }
        #expect(throws: IonError(.typeMismatch, "")) { try licence.elements() }
        #expect(throws: IonError(.typeMismatch, "")) { try licence.field(named: "count")?.boolValue() }

        // {count: <an int declaring 9 bytes, 1 present>}: only reading the field finds it.
        var broken = bytes
        broken[broken.count - 2] = 0x29
        let lazy = try #require(try IonLazyValue.decode(binary: broken).first)
        do {
            _ = try lazy.field(named: "count")
            Issue.record("reading the field should fail")
        } catch let error as IonError {
            #expect(error.code == .truncated)
            #expect(error.offset == broken.count - 2)
        }
    }

    @Test func eachTopLevelValueKeepsItsOwnSymbols() throws {
        let first = try IonValue.encode(binary: [["a": .symbol("x")]])
        let second = try IonValue.encode(binary: [["z": 0, "a": .symbol("y")]])
        let values = try IonLazyValue.decode(binary: first + second)
        #expect(try values.map { try $0.field(named: "a")?.symbolValue().text } == ["x", "y"])
    }
}
