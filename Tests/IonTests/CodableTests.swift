import Foundation
import Ion
import Testing

struct Licence: Codable, Equatable {
    struct Event: Codable, Equatable {
        var eventName: String
        var eventDate: Date
    }
    var licenceId: String
    var name: String
    var penaltyPoints: Int
    var events: [Event]
    var amount: Decimal
    var photo: Data?
    var note: String?
}

@Suite struct CodableTests {
    let licence = Licence(
        licenceId: "L-1", name: "Alice", penaltyPoints: 3,
        events: [.init(eventName: "LicenceCreated", eventDate: Date(timeIntervalSince1970: 1_700_000_000.125))],
        amount: Decimal(string: "125.50")!, photo: Data([1, 2, 3]), note: nil)

    @Test func encodesToTheDocumentedIonTypes() throws {
        let value = try IonEncoder().encodeValue(licence)
        #expect(value["licenceId"] == "L-1")
        #expect(value["penaltyPoints"] == 3)
        // Foundation.Decimal itself drops trailing zeros (125.50 is stored as 125.5).
        #expect(value["amount"] == .decimal(IonDecimal(1255, fractionDigits: 1)))
        #expect(value["photo"] == .blob([1, 2, 3]))
        #expect(value["note"] == nil, "nil optionals are left out")
        let date = value["events"]?[0]?["eventDate"]?.timestampValue
        #expect(date?.description == "2023-11-14T22:13:20.125Z")
        #expect(
            try IonEncoder().encodeText(Licence.Event(eventName: "x", eventDate: Date(timeIntervalSince1970: 0)))
                == #"{eventName:"x",eventDate:1970-01-01T00:00:00.000Z}"#)
    }

    @Test func roundTripsThroughBinaryAndText() throws {
        let binary = try IonEncoder().encode(licence)
        #expect(try IonDecoder().decode(Licence.self, from: binary) == licence)
        let text = try IonEncoder().encodeText(licence, style: .pretty)
        #expect(try IonDecoder().decode(Licence.self, from: Array(text.utf8)) == licence)
    }

    @Test func decodingErrorsCarryTheCodingPath() throws {
        let bad: IonValue = [
            "licenceId": "L", "name": "A", "penaltyPoints": "three", "events": [],
            "amount": .decimal(IonDecimal(1, fractionDigits: 0)),
        ]
        do {
            _ = try IonDecoder().decode(Licence.self, from: bad)
            Issue.record("decoding should fail")
        } catch DecodingError.typeMismatch(_, let context) {
            #expect(context.codingPath.map(\.stringValue) == ["penaltyPoints"])
            #expect(context.debugDescription == "expected an int, found string")
        }
        let missingDate: IonValue = [
            "licenceId": "L", "name": "A", "penaltyPoints": 1, "events": [["eventName": "x"]], "amount": 1,
        ]
        do {
            _ = try IonDecoder().decode(Licence.self, from: missingDate)
            Issue.record("decoding should fail")
        } catch DecodingError.keyNotFound(let key, let context) {
            #expect(key.stringValue == "eventDate")
            #expect(context.codingPath.map(\.stringValue) == ["events", "Index 0"])
        }
    }

    @Test func ionTypesKeepTheirExactForm() throws {
        struct Holder: Codable, Equatable {
            var value: IonValue
            var decimal: IonDecimal
            var timestamp: IonTimestamp
        }
        let t = try IonTimestamp(year: 2024, month: 2, precision: .month)
        let holder = Holder(value: .sexp([.symbol("a"), 1]), decimal: IonDecimal(100, fractionDigits: 2), timestamp: t)
        let bytes = try IonEncoder().encode(holder)
        #expect(try IonDecoder().decode(Holder.self, from: bytes) == holder)
        // Through JSONEncoder the Ion-only types take their JSON down-conversion.
        let json = String(decoding: try JSONEncoder().encode(holder), as: UTF8.self)
        #expect(json.contains(#""decimal":"1.00""#))
        #expect(try JSONDecoder().decode(Holder.self, from: Data(json.utf8)).decimal == holder.decimal)
    }

    @Test func integersAreRangeChecked() throws {
        #expect(throws: DecodingError.self) { try IonDecoder().decode(UInt8.self, from: IonValue.int(300)) }
        #expect(try IonDecoder().decode(Double.self, from: IonValue.decimal(IonDecimal(15, fractionDigits: 1))) == 1.5)
        #expect(try IonDecoder().decode(String.self, from: IonValue.symbol("sym")) == "sym")
        #expect(try IonDecoder().decode([Int?].self, from: [1, .null(.int)]) == [1, nil])
    }
}

@Suite struct JSONInteropTests {
    @Test func downConvertsEveryType() throws {
        let t = try IonTimestamp(year: 2024, month: 1, day: 2, precision: .day)
        let value: IonValue = [
            "n": nil, "b": true, "i": -5, "f": 1.5, "nan": .float(.nan),
            "d": .decimal(IonDecimal(150, fractionDigits: 2)),
            "big": .decimal(IonDecimal(coefficient: 5, exponent: 3)), "t": .timestamp(t), "s": .symbol("sym"),
            "blob": .blob([0xFF, 0x00]), "x": IonValue(.sexp([1, "a\n"]), annotations: ["dropped"]),
        ]
        #expect(
            value.jsonText
                == #"{"n":null,"b":true,"i":-5,"f":1.5e0,"nan":null,"d":1.50,"big":5e3,"t":"2024-01-02","s":"sym","blob":"/wA=","x":[1,"a\n"]}"#
        )
    }

    @Test func readsJSONAsIon() throws {
        let values = try IonValue.decode(json: Array(#"{"a": [1, 2.5, 1e3, "x\u00e9", null, true]}"#.utf8))
        #expect(values == [["a": [1, .decimal(IonDecimal(25, fractionDigits: 1)), 1000.0, "xé", nil, true]]])
    }
}
