import Ion
import Testing

/// The primitive fields of Ion binary byte for byte, around the lengths where their forms change
/// (a VarUInt takes 7 bits a byte, a VarInt's first byte 6 and a sign), and the scalar bodies
/// written into reserved memory as Ion Hash writes them.
@Suite struct BinaryEncodingTests {
    @Test(
        arguments: [
            (0, [0x80]), (1, [0x81]), (127, [0xFF]), (128, [0x01, 0x80]), (2026, [0x0F, 0xEA]),
            (16383, [0x7F, 0xFF]), (16384, [0x01, 0x00, 0x80]),
        ] as [(Int, [UInt8])])
    func varUInt(_ value: Int, _ expected: [UInt8]) {
        var out: [UInt8] = []
        BinaryEncoding.appendVarUInt(value, to: &out)
        #expect(out == expected)
    }

    @Test(
        arguments: [
            (0, false, [0x80]), (0, true, [0xC0]), (60, false, [0xBC]), (63, false, [0xBF]), (63, true, [0xFF]),
            (64, false, [0x00, 0xC0]), (64, true, [0x40, 0xC0]), (480, true, [0x43, 0xE0]),
            (8191, false, [0x3F, 0xFF]), (8192, false, [0x00, 0x40, 0x80]),
        ] as [(UInt64, Bool, [UInt8])])
    func varInt(_ magnitude: UInt64, _ negative: Bool, _ expected: [UInt8]) {
        var out: [UInt8] = []
        BinaryEncoding.appendVarInt(magnitude: magnitude, negative: negative, to: &out)
        #expect(out == expected)
    }

    /// The bodies written into reserved memory are the writer's bodies; coefficients beyond 64
    /// bits write nothing and say so.
    @Test func bodiesWrittenInPlace() throws {
        let big = IonInt(negative: false, magnitude: [0x01] + Array(repeating: 0, count: 9))
        let timestamp = try IonTimestamp(
            year: 2011, month: 2, day: 20, hour: 19, minute: 30, second: 59,
            fraction: IonDecimal(coefficient: IonInt(100), exponent: -3), offsetMinutes: -480,
            precision: .fractionalSecond)
        try withUnsafeTemporaryAllocation(byteCount: BinaryBodyWriter.capacity, alignment: 8) { room in
            let start = room.baseAddress!
            func written(_ count: Int?) throws -> [UInt8] {
                Array(UnsafeRawBufferPointer(start: start, count: try #require(count)))
            }
            #expect(try written(BinaryEncoding.writeIntBody(IonInt(-0x0B0C), to: start)) == [0x0B, 0x0C])
            #expect(try written(BinaryEncoding.writeIntBody(IonInt(0), to: start)) == [])
            #expect(BinaryEncoding.writeIntBody(big, to: start) == nil)
            #expect(
                try written(BinaryEncoding.writeDecimalBody(IonDecimal(12345, fractionDigits: 1), to: start)) == [
                    0xC1, 0x30, 0x39,
                ])
            #expect(BinaryEncoding.writeDecimalBody(IonDecimal(coefficient: big, exponent: 0), to: start) == nil)
            // offset -480 = VarInt 43 E0; year 2011 = 0F DB; UTC 2011-02-21T03:30:59; fraction C3 64
            #expect(
                try written(BinaryEncoding.writeTimestampBody(timestamp, to: start))
                    == [0x43, 0xE0, 0x0F, 0xDB, 0x82, 0x95, 0x83, 0x9E, 0xBB, 0xC3, 0x64])
            let bigFraction = try IonTimestamp(
                year: 2011, month: 2, day: 20, hour: 19, minute: 30, second: 59,
                fraction: IonDecimal(coefficient: big, exponent: -30), offsetMinutes: 0, precision: .fractionalSecond)
            #expect(BinaryEncoding.writeTimestampBody(bigFraction, to: start) == nil)
        }
    }
}
