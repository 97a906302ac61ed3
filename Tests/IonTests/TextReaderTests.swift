import Ion
import Testing

@Suite struct TextReaderTests {
    func read(_ text: String) throws -> [IonValue] { try IonValue.decode(text: text) }

    func error(_ text: String) -> IonError? {
        do {
            _ = try read(text)
            return nil
        } catch {
            return error as? IonError
        }
    }

    @Test func readsEveryScalarForm() throws {
        #expect(try read("null null.int true false") == [.null, .null(.int), true, false])
        #expect(try read("0 -7 1_000 0x1F -0b101") == [0, -7, 1000, 31, -5])
        #expect(
            try read("1.5e0 -0e0 nan +inf -inf") == [
                1.5, .float(-0.0), .float(.nan), .float(.infinity), .float(-.infinity),
            ])
        #expect(
            try read("123.45 1.0 1.00 -0. 5d3") == [
                .decimal(IonDecimal(12345, fractionDigits: 2)), .decimal(IonDecimal(10, fractionDigits: 1)),
                .decimal(IonDecimal(100, fractionDigits: 2)), .decimal(IonDecimal(zeroWithExponent: 0, negative: true)),
                .decimal(IonDecimal(coefficient: 5, exponent: 3)),
            ])
        #expect(try read("abc 'hello world' $0") == [.symbol("abc"), .symbol("hello world"), .symbol(.zero)])
        #expect(try read(#""a\nb" '''x''' '''y'''"#) == ["a\nb", "xy"])
        #expect(try read("{{aGk=}} {{\"hi\"}}") == [.blob(Array("hi".utf8)), .clob(Array("hi".utf8))])
    }

    @Test func readsTimestampsWithTheirPrecision() throws {
        let values = try read(
            "2007T 2007-02T 2007-02-23 2007-02-23T12:14Z 2007-02-23T12:14:33.079-08:00 2007-02-23T00:00-00:00")
        #expect(
            values.map { $0.timestampValue?.precision } == [.year, .month, .day, .minute, .fractionalSecond, .minute])
        #expect(values[4].timestampValue?.description == "2007-02-23T12:14:33.079-08:00")
        #expect(values[5].timestampValue?.offsetMinutes == nil)
    }

    @Test func readsContainersAnnotationsAndComments() throws {
        let values = try read(
            """
            // a comment
            a::b::{ x: [1, 2,], 'y z': (+ 1 -2), "s": null.struct } /* block */ 3
            """)
        let expected = IonValue(
            .struct(["x": [1, 2], "y z": .sexp([.symbol("+"), 1, -2]), "s": .null(.struct)]), annotations: ["a", "b"])
        #expect(values == [expected, 3])
    }

    @Test func appliesSymbolTables() throws {
        let text = """
            $ion_symbol_table::{symbols:["s1", "s2"]}
            $10 $11
            $ion_symbol_table::{imports:$ion_symbol_table, symbols:["s3"]}
            $12
            $ion_1_0
            '$ion_1_0'
            """
        #expect(try read(text) == [.symbol("s1"), .symbol("s2"), .symbol("s3")])
        #expect(error("$ion_symbol_table::{symbols:[\"a\"]} $ion_1_0 $10")?.code == .unknownSymbol)
        #expect(error("$ion_2_0 1")?.code == .invalidVersionMarker)
    }

    @Test func errorsCarryLineAndColumn() {
        let e = error("[1,\n 2,\n 3 4]")
        #expect(e?.code == .invalidState)
        #expect(e?.location?.line == 3)
        #expect(e?.location?.column == 4)
        #expect(error("\"abc")?.code == .truncated)
        #expect(error("2023-02-29")?.code == .invalidTimestamp)
        #expect(error("2023-01-01T10:00")?.code == .invalidTimestamp)
        #expect(error("007")?.location?.column == 1)
        #expect(error("1__0") != nil)
        #expect(error("null.what") != nil)
        #expect(error("{a:1 b:2}") != nil)
        #expect(error("{{\"caf\u{E9}\"}}") != nil)
        #expect(error("\"\\ud800\"")?.code == .invalidUTF8)
        #expect(error(String(repeating: "[", count: 300))?.code == .nestingTooDeep)
    }

    @Test func textWriterOutputReadsBack() throws {
        let t = try IonTimestamp(
            year: 2024, month: 3, day: 1, hour: 9, minute: 5, second: 7, offsetMinutes: -300, precision: .second)
        let values: [IonValue] = [
            ["name": "Alice \"A\"\n", "null": nil, "$7": .symbol("true"), "": .symbol("a b")],
            .sexp([.symbol("+"), .symbol("-"), 1.25, .decimal(IonDecimal(-5, fractionDigits: 3))]),
            .timestamp(t), .clob([0, 0x22, 0x41, 0xFF]), .blob([1, 2, 3, 4, 5]),
            IonValue(.int(3), annotations: ["x y", "$ion_1_0"]),
            .float(1e-5), .float(5e-324), .float(.greatestFiniteMagnitude),
        ]
        for style in [IonTextWriter.Style.compact, .lines, .pretty] {
            let text = try IonValue.encode(text: values, style: style)
            #expect(try read(text) == values, "style \(style): \(text)")
        }
        #expect(try IonValue.encode(text: [["a": [1, 2]]], style: .pretty) == "{\n  a: [\n    1,\n    2\n  ]\n}\n")
        #expect(try IonValue.encode(text: [1, "x"], style: .lines) == "1\n\"x\"\n")
        #expect(IonValue.symbol("null").description == "'null'")
        #expect(IonValue.float(1e-5).description == "1e-5")
        #expect(IonValue.float(2.5).description == "2.5e0")
    }
}

@Suite struct NestingLimitTests {
    @Test func theDefaultDepthLimitIsReachableOnATaskStack() async throws {
        let depth = 200
        let text = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let values = try IonValue.decode(text: text)
        #expect(values.count == 1)
        let binary = try IonValue.encode(binary: values)
        #expect(try IonValue.decode(binary: binary) == values)
        let deeper = "[" + text + "]"
        #expect(throws: IonError(.nestingTooDeep, "")) { try IonValue.decode(text: deeper) }
    }
}
