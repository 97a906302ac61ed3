import Ion
import Testing

@Suite struct BinaryWriterTests {
    let ivm: [UInt8] = [0xE0, 0x01, 0x00, 0xEA]

    func encode(_ values: IonValue...) throws -> [UInt8] {
        try IonValue.encode(binary: values)
    }

    @Test func scalarsUseMinimalEncodings() throws {
        #expect(try encode(.null) == ivm + [0x0F])
        #expect(try encode(.null(.int)) == ivm + [0x2F])
        #expect(try encode(true, false) == ivm + [0x11, 0x10])
        #expect(try encode(0) == ivm + [0x20])
        #expect(try encode(5, -6) == ivm + [0x21, 0x05, 0x31, 0x06])
        #expect(try encode(.int(Int64.min)) == ivm + [0x38, 0x80, 0, 0, 0, 0, 0, 0, 0])
        #expect(try encode(0.0) == ivm + [0x40])
        #expect(try encode(1.5) == ivm + [0x44, 0x3F, 0xC0, 0x00, 0x00])
        #expect(try encode(0.1) == ivm + [0x48, 0x3F, 0xB9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9A])
        #expect(try encode(-0.0) == ivm + [0x44, 0x80, 0x00, 0x00, 0x00])
        #expect(try encode("") == ivm + [0x80])
        #expect(try encode("hé") == ivm + [0x83, 0x68, 0xC3, 0xA9])
        #expect(try encode(.blob([1, 2])) == ivm + [0xA2, 1, 2])
        #expect(try encode(.clob([])) == ivm + [0x90])
    }

    @Test func decimalsKeepPrecisionAndSign() throws {
        #expect(try encode(.decimal(IonDecimal(coefficient: 0, exponent: 0))) == ivm + [0x50])
        // 1234.5 = 12345 × 10^-1: exponent VarInt C1, coefficient 30 39
        #expect(try encode(.decimal(IonDecimal(12345, fractionDigits: 1))) == ivm + [0x53, 0xC1, 0x30, 0x39])
        // 1234.50 keeps its extra digit: C2 01 E2 3A
        #expect(try encode(.decimal(IonDecimal(123450, fractionDigits: 2))) == ivm + [0x54, 0xC2, 0x01, 0xE2, 0x3A])
        #expect(try encode(.decimal(IonDecimal(zeroWithExponent: 0, negative: true))) == ivm + [0x52, 0x80, 0x80])
        #expect(try encode(.decimal(IonDecimal(-1, fractionDigits: 0))) == ivm + [0x52, 0x80, 0x81])
        // A coefficient whose top bit is set needs a leading zero byte.
        #expect(try encode(.decimal(IonDecimal(200, fractionDigits: 0))) == ivm + [0x53, 0x80, 0x00, 0xC8])
    }

    @Test func timestampsAreWrittenInUTC() throws {
        let t = try IonTimestamp(
            year: 2011, month: 2, day: 20, hour: 19, minute: 30, second: 59,
            fraction: IonDecimal(100, fractionDigits: 3), offsetMinutes: -480, precision: .fractionalSecond)
        // offset -480 = VarInt 43 E0; year 2011 = 0F DB; UTC 2011-02-21T03:30:59; fraction C3 64
        #expect(
            try encode(.timestamp(t)) == ivm + [0x6B, 0x43, 0xE0, 0x0F, 0xDB, 0x82, 0x95, 0x83, 0x9E, 0xBB, 0xC3, 0x64])
        let year = try IonTimestamp(year: 2011, precision: .year)
        #expect(try encode(.timestamp(year)) == ivm + [0x63, 0xC0, 0x0F, 0xDB])
    }

    /// Fractional seconds, whether the timestamp keeps them inline (up to 32 bits) or as a
    /// decimal: the exponent as a VarInt, then the coefficient as a minimal Int, none for zero.
    @Test(
        arguments: [
            (3, 0, [0xC3]),
            (1, 5, [0xC1, 0x05]),
            (3, 670, [0xC3, 0x02, 0x9E]),
            (3, 128, [0xC3, 0x00, 0x80]),
            (10, 4_294_967_295, [0xCA, 0x00, 0xFF, 0xFF, 0xFF, 0xFF]),
            (15, 1 << 40, [0xCF, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00]),
        ] as [(Int, Int64, [UInt8])])
    func fractionalSecondsAreWrittenMinimal(places: Int, coefficient: Int64, fraction: [UInt8]) throws {
        let t = try IonTimestamp(
            year: 2024, month: 1, day: 1, hour: 0, minute: 0, second: 0,
            fraction: IonDecimal(coefficient, fractionDigits: places), offsetMinutes: 0, precision: .fractionalSecond)
        // offset +00:00 = 80; year 2024 = 0F E8; January 1st, 00:00:00
        let body: [UInt8] = [0x80, 0x0F, 0xE8, 0x81, 0x81, 0x80, 0x80, 0x80] + fraction
        let header: [UInt8] = body.count < 14 ? [0x60 | UInt8(body.count)] : [0x6E, 0x80 | UInt8(body.count)]
        #expect(try encode(.timestamp(t)) == ivm + header + body)
    }

    @Test func symbolsGoIntoALocalSymbolTable() throws {
        let bytes = try encode(.symbol("abc"), .symbol("name"), .symbol(.zero))
        // $ion_symbol_table::{symbols:["abc"]} then $10, $4 (a system symbol), $0
        let table: [UInt8] = [0xE9, 0x81, 0x83, 0xD6, 0x87, 0xB4, 0x83, 0x61, 0x62, 0x63]
        #expect(bytes == ivm + table + [0x71, 0x0A, 0x71, 0x04, 0x70])
    }

    @Test func longSymbolTablesUseVarUIntLengths() throws {
        // A 15-byte symbol, a 27-byte list, a 30-byte struct and a 34-byte wrapper: every length
        // of the table takes the VarUInt form.
        let bytes = try encode(["firstName": "a", "telephoneNumber": "b"])
        let table: [UInt8] =
            [0xEE, 0xA2, 0x81, 0x83, 0xDE, 0x9E, 0x87, 0xBE, 0x9B]
            + [0x89] + Array("firstName".utf8) + [0x8E, 0x8F] + Array("telephoneNumber".utf8)
        #expect(bytes == ivm + table + [0xD6, 0x8A, 0x81, 0x61, 0x8B, 0x81, 0x62])
        #expect(try IonValue.decode(binary: bytes) == [["firstName": "a", "telephoneNumber": "b"]])
    }

    @Test func containersAndAnnotations() throws {
        #expect(try encode([1, 2, 3]) == ivm + [0xB6, 0x21, 0x01, 0x21, 0x02, 0x21, 0x03])
        #expect(try encode(.sexp([])) == ivm + [0xC0])
        #expect(try encode(IonValue.struct([:])) == ivm + [0xD0])
        let annotated = IonValue(.int(7), annotations: ["name"])
        // name is system symbol 4: E3 81 84 21 07
        #expect(try encode(annotated) == ivm + [0xE4, 0x81, 0x84, 0x21, 0x07])
        let field: IonValue = ["name": [true]]
        #expect(try encode(field) == ivm + [0xD3, 0x84, 0xB1, 0x11])
    }

    @Test func longContainersUseVarUIntLengths() throws {
        let list = IonValue.list(Array(repeating: 1, count: 7))
        let bytes = try encode(list)
        #expect(Array(bytes[4..<6]) == [0xBE, 0x8E])
        #expect(bytes.count == 4 + 2 + 14)
    }

    @Test func deepNestingIsLinearAndReadsBack() throws {
        var value: IonValue = 1
        for i in 0..<150 { value = i % 2 == 0 ? [value] : ["k": value] }
        let bytes = try encode(value)
        #expect(try IonValue.decode(binary: bytes) == [value])
    }

    @Test func streamingWriterChecksItsState() throws {
        var writer = IonBinaryWriter()
        #expect(throws: IonError(.invalidState, "")) { try writer.stepOut() }
        try writer.stepIn(.struct)
        #expect(throws: IonError(.invalidState, "")) { try writer.write(int: 1) }
        #expect(throws: IonError(.invalidState, "")) { _ = try writer.finish() }
        writer.setFieldName("a")
        try writer.write(int: 1)
        try writer.stepOut()
        #expect(try writer.finish().count > 4)
    }

    @Test func roundTripsEveryType() throws {
        let t = try IonTimestamp(
            year: 2024, month: 1, day: 15, hour: 12, minute: 0, second: 0, offsetMinutes: 60, precision: .second)
        let values: [IonValue] = [
            .null, .null(.struct), true, 42, .int(BigIntLiteral.huge), -3.25, .float(.nan), .float(-.infinity),
            .decimal(IonDecimal(-12345, fractionDigits: 2)), .timestamp(t), .symbol("sym"), "text",
            .clob([0, 0x7F]), .blob([0xFF]), [1, [2]], .sexp(["a", .symbol("+")]),
            IonValue(.struct(["x": 1, "x": 2, "y": nil]), annotations: ["a", "b"]),
        ]
        let decoded = try IonValue.decode(binary: try IonValue.encode(binary: values))
        #expect(decoded == values)
    }

    /// Symbols are code points, not canonical equivalence classes: texts that Swift's `String`
    /// calls equal but whose bytes differ keep their own symbol IDs, in both writers.
    @Test func canonicallyEquivalentSymbolsStayDistinct() throws {
        let composed = "\u{E9}"
        let decomposed = "e\u{301}"
        #expect(composed == decomposed, "the premise: Swift compares these as equal")
        let value = IonValue(
            .struct(
                IonStruct([
                    .init(name: IonSymbol(composed), value: 1),
                    .init(name: IonSymbol(decomposed), value: .symbol("\u{212A}")),
                ])),
            annotations: ["K"])
        var writer = IonBinaryWriter()
        try writer.write(value)
        for bytes in [try value.binaryEncoded(), try writer.finish()] {
            let read = try #require(try IonValue.decode(binary: bytes).first)
            let fields = try #require(read.structValue).fields
            #expect(fields.map { Array($0.name.text!.utf8) } == [[0xC3, 0xA9], [0x65, 0xCC, 0x81]])
            #expect(read.annotations.map { Array($0.text!.utf8) } == [[0x4B]])
            #expect(fields[1].value.symbolValue.map { Array($0.text!.utf8) } == [0xE2, 0x84, 0xAA])
        }
    }

    /// `IonValue.encode(binary:)` measures a tree and writes it in one pass; its bytes must be
    /// the streaming writer's: symbol order, lengths, annotation wrappers and all.
    @Test func wholeValuesEncodeAsTheStreamingWriterWrites() throws {
        func streamed(_ values: [IonValue]) throws -> [UInt8] {
            var writer = IonBinaryWriter()
            for value in values { try writer.write(value) }
            return try writer.finish()
        }
        let t = try IonTimestamp(
            year: 2026, month: 11, day: 25, hour: 3, minute: 50, second: 50,
            fraction: IonDecimal(123, fractionDigits: 3),
            offsetMinutes: 60, precision: .fractionalSecond)
        // 20 distinct field names: more than the encoder finds by scanning, so it also indexes them.
        var many = IonStruct()
        for i in 0..<20 { many.fields.append(.init(name: IonSymbol("field\(i)"), value: .symbol("field\(19 - i)"))) }
        let documents: [[IonValue]] = [
            [
                [
                    "firstName": "Ann", "events": [["eventName": "LicenceCreated", "eventDate": .timestamp(t)]],
                    "points": 3,
                ]
            ],
            [
                IonValue(
                    .list([IonValue(.symbol("b"), annotations: ["a"]), .decimal(IonDecimal(-5, fractionDigits: 3))]),
                    annotations: ["a", "name", "c"])
            ],
            [
                IonValue(
                    .struct(["name": .symbol("imports"), "symbols": .sexp([.symbol(.zero), 1.5, 0.1])]),
                    annotations: [.zero])
            ],
            [
                .int(BigIntLiteral.huge),
                .int(IonInt(negative: false, magnitude: [0x80] + Array(repeating: 0x01, count: 9))),
                .blob(Array(repeating: 7, count: 300)), .clob([]),
            ],
            [.struct(many), .struct(many)],
            [.null(.list), .null(.int), .null, false, "", .string(String(repeating: "é", count: 40))],
            [IonValue(.int(1), annotations: Array(repeating: IonSymbol("x"), count: 20))],
        ]
        for values in documents {
            #expect(try IonValue.encode(binary: values) == streamed(values), "\(values)")
        }
    }
}

enum BigIntLiteral {
    static var huge: IonInt {
        IonInt(negative: true, magnitude: [0x01] + Array(repeating: 0x00, count: 16))
    }
}
