import Ion
import Testing

@Suite struct BinaryReaderTests {
    let ivm: [UInt8] = [0xE0, 0x01, 0x00, 0xEA]

    func error(_ bytes: [UInt8]) -> IonError? {
        do {
            _ = try IonValue.decode(binary: bytes)
            return nil
        } catch let e as IonError {
            return e
        } catch {
            return nil
        }
    }

    @Test func cursorWalksContainers() throws {
        let doc = try IonValue.encode(binary: [["name": "Alice", "points": [1, 2]], 7])
        var reader = try IonBinaryReader(doc)
        #expect(try reader.next() == .struct)
        try reader.stepIn()
        #expect(try reader.next() == .string)
        #expect(try reader.fieldName()?.text == "name")
        #expect(try reader.stringValue() == "Alice")
        #expect(try reader.next() == .list)
        #expect(try reader.fieldName()?.text == "points")
        try reader.stepIn()
        #expect(try reader.next() == .int)
        #expect(try reader.int64Value() == 1)
        try reader.stepOut()  // skips the unread 2
        #expect(try reader.next() == nil)
        try reader.stepOut()
        #expect(try reader.next() == .int)
        #expect(try reader.int64Value() == 7)
        #expect(try reader.next() == nil)
        #expect(try reader.next() == nil)
    }

    @Test func typedAccessorsRejectOtherTypes() throws {
        var reader = try IonBinaryReader(ivm + [0x21, 0x05, 0x2F])
        _ = try reader.next()
        #expect(throws: IonError(.typeMismatch, "")) { try reader.stringValue() }
        _ = try reader.next()
        #expect(reader.isNull)
        #expect(throws: IonError(.typeMismatch, "")) { try reader.intValue() }
        #expect(throws: IonError(.invalidState, "")) { try reader.stepIn() }
    }

    @Test func errorsNameTheProblemAndOffset() {
        #expect(error([0x10, 0x14, 0x01, 0x00]) == IonError(.invalidVersionMarker, ""))
        #expect(error(ivm + [0xE0, 0x02, 0x00, 0xEA])?.offset == 4)
        let truncatedString = error(ivm + [0x21, 0x01, 0x85, 0x61])
        #expect(truncatedString?.code == .truncated)
        #expect(truncatedString?.offset == 6)
        #expect(error(ivm + [0x31, 0x00])?.code == .invalidInt)
        #expect(error(ivm + [0x13])?.code == .invalidTypeDescriptor)
        #expect(error(ivm + [0xF0])?.code == .invalidTypeDescriptor)
        #expect(error(ivm + [0x43, 0, 0, 0])?.code == .invalidFloat)
        #expect(error(ivm + [0x71, 0x0B])?.code == .unknownSymbol)
        #expect(error(ivm + [0x82, 0xC3, 0x28])?.code == .invalidUTF8)
        #expect(error(ivm + [0xE3, 0x80, 0x21, 0x01])?.code == .invalidAnnotation)
        #expect(error(ivm + [0xB1, 0xE0])?.code == .invalidVersionMarker)
        // A length of 2^63-1 must be rejected against the bytes present, not allocated or overflowed.
        #expect(error(ivm + [0x8E, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0xFF])?.code == .truncated)
        #expect(error(ivm + [0x8E] + Array(repeating: 0x7F, count: 10) + [0xFF])?.code == .numericOverflow)
        // A timestamp on 31 September.
        #expect(error(ivm + [0x65, 0x80, 0x0F, 0xDB, 0x89, 0x9F])?.code == .invalidTimestamp)
    }

    /// Short fractional seconds are read straight into the timestamp; the result (or the error
    /// code) must equal what the decimal path makes of the same decimal, for every number of
    /// places around the short range and coefficients at its edges.
    @Test(arguments: 1...10)
    func fractionalSecondsReadAsTheirDecimal(places: Int) throws {
        let coefficients: [[UInt8]] = [
            [], [0x00], [0x01], [0x7F], [0x03, 0xE7], [0x03, 0xE8], [0x80], [0x81], [0x00, 0x00, 0x00, 0x05],
            [0x7F, 0xFF, 0xFF, 0xFF], [0x01, 0x00, 0x00, 0x00, 0x00],
        ]
        for bytes in coefficients {
            // 2024-01-01T00:00:00Z as UTC fields, offset +01:00, then the fraction.
            let body: [UInt8] = [0x80 | 60, 0x0F, 0xE8, 0x81, 0x81, 0x80, 0x80, 0x80, 0xC0 | UInt8(places)] + bytes
            let negative = bytes.first.map { $0 & 0x80 != 0 } ?? false
            let magnitude = bytes.enumerated().map { $0.offset == 0 ? $0.element & 0x7F : $0.element }
            let coefficient = IonInt(negative: negative, magnitude: magnitude)
            let decimal =
                coefficient.isZero
                ? IonDecimal(zeroWithExponent: Int64(-places), negative: negative)
                : IonDecimal(coefficient: coefficient, exponent: Int64(-places))
            let expected = Result { () throws(IonError) in
                try IonTimestamp(
                    utcYear: 2024, second: 0, fraction: decimal, offsetMinutes: 60, precision: .fractionalSecond)
            }
            // A body of 14 bytes or more has its length in a VarUInt after the type byte.
            let header: [UInt8] = body.count < 14 ? [0x60 | UInt8(body.count)] : [0x6E, 0x80 | UInt8(body.count)]
            let read = Result { try IonValue.decode(binary: ivm + header + body) }
            switch (expected, read) {
            case (.success(let timestamp), .success(let values)):
                #expect(values == [.timestamp(timestamp)], "\(places) places, coefficient \(bytes)")
            case (.failure(let error), .failure(let readError as IonError)):
                #expect(readError.code == error.code, "\(places) places, coefficient \(bytes)")
            default:
                Issue.record("\(places) places, coefficient \(bytes): \(expected) but read \(read)")
            }
        }
        let milliseconds: [UInt8] = [0x80 | 60, 0x0F, 0xE8, 0x81, 0x81, 0x80, 0x80, 0x80, 0xC3, 0x03, 0xE7]
        let read = try IonValue.decode(binary: ivm + [0x6B] + milliseconds)
        #expect(read.first?.timestampValue?.description == "2024-01-01T01:00:00.999+01:00")
    }

    @Test func everyProperPrefixOfADocumentFails() throws {
        let doc = try IonValue.encode(binary: [
            ["licenceId": "abc", "points": 3, "amount": .decimal(IonDecimal(1250, fractionDigits: 2))],
            .timestamp(
                try IonTimestamp(
                    year: 2020, month: 5, day: 1, hour: 1, minute: 2, second: 3, offsetMinutes: 0, precision: .second)),
        ])
        let full = try IonValue.decode(binary: doc)
        for n in 5..<doc.count {
            // A prefix either fails or (when it ends between top-level values) yields fewer values.
            if let values = try? IonValue.decode(binary: Array(doc[..<n])) {
                #expect(values.count < full.count, "prefix of \(n) bytes read as the whole document")
            }
        }
    }

    @Test func localSymbolTablesAppendAndReset() throws {
        // $ion_symbol_table::{symbols:["a"]} $10
        // $ion_symbol_table::{imports:$ion_symbol_table, symbols:["b"]} $10 $11
        // IVM, then $10 is undefined again
        let lst1: [UInt8] = [0xE7, 0x81, 0x83, 0xD4, 0x87, 0xB2, 0x81, 0x61]
        let lst2: [UInt8] = [0xEA, 0x81, 0x83, 0xD7, 0x86, 0x71, 0x03, 0x87, 0xB2, 0x81, 0x62]
        let doc = ivm + lst1 + [0x71, 0x0A] + lst2 + [0x71, 0x0A, 0x71, 0x0B]
        #expect(try IonValue.decode(binary: doc) == [.symbol("a"), .symbol("a"), .symbol("b")])
        #expect(error(doc + ivm + [0x71, 0x0A])?.code == .unknownSymbol)
    }

    /// A table of only `symbols` is read straight from the bytes; every other shape takes the
    /// general path, with the same meaning and the same errors.
    @Test func symbolsOnlyTablesAndTheirNeighboursMeanTheSame() throws {
        // {symbols:["a", "é"]} then $10 $11
        let plain: [UInt8] = [0xEA, 0x81, 0x83, 0xD7, 0x87, 0xB5, 0x81, 0x61, 0x82, 0xC3, 0xA9]
        #expect(try IonValue.decode(binary: ivm + plain + [0x71, 0x0A, 0x71, 0x0B]) == [.symbol("a"), .symbol("é")])
        // {symbols:["a", null, 5, "b"]}: the null and the int declare slots with unknown text.
        let holes: [UInt8] = [0xEC, 0x81, 0x83, 0xD9, 0x87, 0xB7, 0x81, 0x61, 0x8F, 0x21, 0x05, 0x81, 0x62]
        let read = try IonValue.decode(binary: ivm + holes + [0x71, 0x0B, 0x71, 0x0C, 0x71, 0x0D])
        #expect(read == [.symbol(.zero), .symbol(.zero), .symbol("b")])
        // {symbols:["a"], name:0}: other fields are ignored.
        let extra: [UInt8] = [0xE9, 0x81, 0x83, 0xD6, 0x87, 0xB2, 0x81, 0x61, 0x84, 0x20]
        #expect(try IonValue.decode(binary: ivm + extra + [0x71, 0x0A]) == [.symbol("a")])
        // {symbols:["\xFF"]}: invalid UTF-8 is reported where the string's header is.
        let invalid: [UInt8] = [0xE7, 0x81, 0x83, 0xD4, 0x87, 0xB2, 0x81, 0xFF]
        let failure = error(ivm + invalid + [0x71, 0x0A])
        #expect(failure?.code == .invalidUTF8)
        #expect(failure?.offset == 4 + 6)
        // {symbols:[…]} whose list runs past the struct is truncated, not read.
        let overrun: [UInt8] = [0xE7, 0x81, 0x83, 0xD4, 0x87, 0xB3, 0x81, 0x61]
        #expect(error(ivm + overrun)?.code == .truncated)
    }

    @Test func importsResolveThroughTheCatalog() throws {
        // $ion_symbol_table::{imports:[{name:"t", max_id:2}]} $10 $11
        let importStruct: [UInt8] = [0xD9, 0x84, 0x81, 0x74, 0x88, 0x21, 0x02, 0x85, 0x21, 0x01]
        var body: [UInt8] = [0x86, 0xB0 | UInt8(importStruct.count)] + importStruct
        body = [0xD0 | UInt8(body.count)] + body
        let lst: [UInt8] = [0xEE, UInt8(0x80 | (body.count + 2)), 0x81, 0x83] + body
        let doc = ivm + lst + [0x71, 0x0A, 0x71, 0x0B]
        let unresolved = try IonValue.decode(binary: doc)
        #expect(unresolved[0].symbolValue?.importLocation == .init(tableName: "t", position: 1))
        #expect(unresolved[0] != unresolved[1])
        let catalog = IonCatalog([SharedSymbolTable(name: "t", symbols: ["x", "y"])])
        let resolved = try IonValue.decode(binary: doc, options: .init(catalog: catalog))
        #expect(resolved == [.symbol("x"), .symbol("y")])
        // Unknown import-located symbols survive a round trip.
        #expect(try IonValue.decode(binary: try IonValue.encode(binary: unresolved)) == unresolved)
    }

    @Test func nestingLimitIsEnforced() throws {
        #expect(throws: IonError(.nestingTooDeep, "")) {
            try IonValue.decode(binary: ivm + Self.nestedLists(depth: 12), options: .init(maxDepth: 10))
        }
        #expect(try IonValue.decode(binary: ivm + Self.nestedLists(depth: 12), options: .init(maxDepth: 20)).count == 1)
    }

    static func nestedLists(depth: Int) -> [UInt8] {
        var bytes: [UInt8] = [0xB0]
        for _ in 0..<depth { bytes = [0xB0 | UInt8(bytes.count)] + bytes }
        return bytes
    }

    @Test func nopPadsAreSkippedEverywhere() throws {
        // pad, 1, pad inside a list, struct with a padded field
        let doc = ivm + [0x01, 0x00, 0x21, 0x01, 0xB3, 0x00, 0x21, 0x02, 0xD3, 0x80, 0x01, 0x00]
        #expect(try IonValue.decode(binary: doc) == [1, [2], .struct([:])])
    }
}
