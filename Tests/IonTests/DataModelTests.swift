import Ion
import Testing

@Suite struct DataModelTests {
    @Test func literalsBuildTheExpectedValues() {
        let v: IonValue = ["name": "Alice", "points": 3, "tags": ["a", nil], "ok": true, "ratio": 0.5]
        #expect(v.type == .struct)
        #expect(v["name"]?.stringValue == "Alice")
        #expect(v["points"]?.intValue == 3)
        #expect(v["tags"]?[1]?.isNull == true)
        #expect(v["ok"]?.boolValue == true)
        #expect(v["ratio"]?.doubleValue == 0.5)
        #expect(v["missing"] == nil)
        #expect(v.structValue?.map(\.name.text) == ["name", "points", "tags", "ok", "ratio"])
    }

    @Test func equivalenceFollowsTheSpecification() throws {
        #expect(IonValue.float(.nan) == .float(-.nan))
        #expect(IonValue.float(0.0) != .float(-0.0))
        #expect(IonValue.decimal(IonDecimal(10, fractionDigits: 1)) != .decimal(IonDecimal(100, fractionDigits: 2)))
        #expect(
            IonValue.decimal(IonDecimal(zeroWithExponent: 0, negative: true))
                != .decimal(IonDecimal(coefficient: 0, exponent: 0)))
        #expect(IonValue.null(.int) != .null)
        #expect(IonValue.symbol("a") != .string("a"))
        #expect(IonValue.list([1]) != .sexp([1]))
        #expect(IonValue(.int(1), annotations: ["a"]) != 1)
        #expect(IonValue(.int(1), annotations: ["a", "b"]) != IonValue(.int(1), annotations: ["b", "a"]))
        // Strings compare by their scalars, not by Swift's canonical equivalence, and hash the same
        // way: however a string was made, equal scalars hash alike.
        #expect(IonValue.string("\u{E9}") != .string("e\u{301}"))
        let made = String("xhé long enough not to be a small string".dropFirst())
        #expect(IonValue.string(made) == .string("hé long enough not to be a small string"))
        #expect(IonValue.string(made).hashValue == IonValue.string("hé long enough not to be a small string").hashValue)
        #expect(IonValue.list(["ab", "c"]).hashValue != IonValue.list(["a", "bc"]).hashValue)
        // Structs are multisets: order does not count, duplicates do.
        let a: IonValue = ["x": 1, "y": 2, "x": 3]
        let b: IonValue = ["x": 3, "x": 1, "y": 2]
        let c: IonValue = ["x": 1, "y": 2, "y": 2]
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a != c)
        #expect(IonValue.symbol(.zero) == .symbol(.zero))
        let t1 = try IonTimestamp(
            year: 2024, month: 1, day: 1, hour: 0, minute: 0, offsetMinutes: 0, precision: .minute)
        let t2 = try IonTimestamp(
            year: 2024, month: 1, day: 1, hour: 0, minute: 0, offsetMinutes: nil, precision: .minute)
        let t3 = try IonTimestamp(
            year: 2024, month: 1, day: 1, hour: 1, minute: 0, offsetMinutes: 60, precision: .minute)
        #expect(IonValue.timestamp(t1) != .timestamp(t2))
        #expect(t1 != t3)
        #expect(t1.utcMinutesSinceEpoch == t3.utcMinutesSinceEpoch)
    }

    @Test func timestampsValidateTheirFields() throws {
        #expect(throws: IonError(.invalidTimestamp, "")) {
            try IonTimestamp(year: 2023, month: 2, day: 29, precision: .day)
        }
        #expect(try IonTimestamp(year: 2024, month: 2, day: 29, precision: .day).day == 29)
        #expect(throws: IonError(.invalidTimestamp, "")) { try IonTimestamp(year: 0, precision: .year) }
        #expect(throws: IonError(.invalidTimestamp, "")) {
            try IonTimestamp(year: 2024, month: 1, day: 1, hour: 24, minute: 0, offsetMinutes: 0, precision: .minute)
        }
        #expect(throws: IonError(.invalidTimestamp, "")) {
            try IonTimestamp(year: 2024, month: 1, day: 1, hour: 0, minute: 0, offsetMinutes: 1440, precision: .minute)
        }
        #expect(throws: IonError(.invalidTimestamp, "")) {
            try IonTimestamp(
                year: 2024, month: 1, day: 1, hour: 0, minute: 0, second: 0,
                fraction: IonDecimal(10, fractionDigits: 1),
                offsetMinutes: 0, precision: .fractionalSecond)
        }
        // 0d0 as a fraction carries no digits: the timestamp has second precision.
        let whole = try IonTimestamp(
            year: 2024, month: 1, day: 1, hour: 0, minute: 0, second: 0,
            fraction: IonDecimal(coefficient: 0, exponent: 0),
            offsetMinutes: 0, precision: .fractionalSecond)
        #expect(whole.precision == .second)
        #expect(whole.fraction == nil)
        // An offset is dropped below minute precision.
        #expect(try IonTimestamp(year: 2024, offsetMinutes: 60, precision: .year).offsetMinutes == nil)
    }

    @Test func timestampsConvertBetweenLocalAndUTC() throws {
        let t = try IonTimestamp(
            utcYear: 2000, month: 1, day: 1, hour: 0, minute: 30, offsetMinutes: -60, precision: .minute)
        #expect((t.year, t.month, t.day, t.hour, t.minute) == (1999, 12, 31, 23, 30))
        #expect(t.description == "1999-12-31T23:30-01:00")
        #expect(t.utcFields == (2000, 1, 1, 0, 30))
        let leap = try IonTimestamp(
            utcYear: 2024, month: 2, day: 28, hour: 23, minute: 0, offsetMinutes: 90, precision: .minute)
        #expect((leap.month, leap.day, leap.hour, leap.minute) == (2, 29, 0, 30))
    }

    @Test func descriptionsUseIonNotation() throws {
        #expect(IonDecimal(12345, fractionDigits: 2).description == "123.45")
        #expect(IonDecimal(5, fractionDigits: 0).description == "5.")
        #expect(IonDecimal(zeroWithExponent: -3, negative: true).description == "-0.000")
        #expect(IonDecimal(5, fractionDigits: 3).description == "0.005")
        #expect(IonDecimal(coefficient: 5, exponent: -40).description == "5d-40")
        #expect(IonDecimal(coefficient: 7, exponent: 2).description == "7d2")
        let t = try IonTimestamp(
            year: 2011, month: 2, day: 20, hour: 19, minute: 30, second: 59,
            fraction: IonDecimal(100, fractionDigits: 3),
            offsetMinutes: -480, precision: .fractionalSecond)
        #expect(t.description == "2011-02-20T19:30:59.100-08:00")
        #expect(try IonTimestamp(year: 2011, month: 2, precision: .month).description == "2011-02T")
    }

    @Test func intsStayCanonical() {
        #expect(IonInt(negative: true, magnitude: [0x80, 0, 0, 0, 0, 0, 0, 0]) == .int64(.min))
        #expect(IonInt(negative: false, magnitude: [0x80, 0, 0, 0, 0, 0, 0, 0]).int64Value == nil)
        #expect(IonInt(negative: false, magnitude: [0, 0, 0, 0, 0, 0, 0, 0, 0, 5]) == .int64(5))
        #expect(
            IonInt(negative: false, magnitude: [1, 0, 0, 0, 0, 0, 0, 0, 0]).magnitudeBytes == [
                1, 0, 0, 0, 0, 0, 0, 0, 0,
            ])
    }
}
