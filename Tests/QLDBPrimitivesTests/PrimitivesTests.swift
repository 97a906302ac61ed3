import QLDBCrypto
import QLDBPrimitives
import Testing

@Suite struct Base64Tests {
    /// RFC 4648 §10.
    static let vectors: [(String, String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ]

    @Test(arguments: vectors.map { $0.0 })
    func rfc4648VectorsRoundTrip(_ plain: String) throws {
        let encoded = try #require(Self.vectors.first { $0.0 == plain }?.1)
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
        #expect(Base64.decode(encoded, requireCanonical: true) == Array(plain.utf8))
    }

    @Test func everyByteValueAndLengthRoundTrips() {
        for length in 0..<70 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let text = Base64.encode(bytes)
            #expect(text.utf8.count == Base64.encodedCount(of: length))
            #expect(Base64.decode(text, requireCanonical: true) == bytes, "length \(length)")
        }
    }

    @Test func encodingsLongerThanTheStackBufferAppendWhole() {
        let bytes = (0..<5000).map { UInt8(truncatingIfNeeded: $0) }
        var out: [UInt8] = [0x22]
        Base64.encode(bytes, appendingTo: &out)
        #expect(out.count == 1 + Base64.encodedCount(of: 5000))
        #expect(Base64.decode(out.dropFirst()) == bytes)
    }

    @Test func malformedTextIsRejected() {
        for text in ["Zg=", "Zg", "Z===", "Z=g=", "=Zg=", "Zm9v\n", "Zm9*", "Zg==Zg=="] {
            #expect(Base64.decode(text) == nil, "\(text)")
        }
    }

    /// `Zh==` carries a 1 bit past the byte it encodes: Foundation accepts it, Ion does not.
    @Test func nonCanonicalPadBitsAreTheCallersChoice() {
        #expect(Base64.decode("Zh==") == [0x66])
        #expect(Base64.decode("Zh==", requireCanonical: true) == nil)
        #expect(Base64.decode("Zm9=") == [0x66, 0x6F])
        #expect(Base64.decode("Zm9=", requireCanonical: true) == nil)
    }
}

@Suite struct HexTests {
    @Test func encodesLowercaseAndDecodesEitherCase() {
        let bytes: [UInt8] = [0x00, 0x0F, 0x10, 0xAB, 0xFF]
        #expect(Hex.encode(bytes) == "000f10abff")
        #expect(Hex.decode("000f10abff") == bytes)
        #expect(Hex.decode("000F10ABFF") == bytes)
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.digit(0xA, uppercase: true) == UInt8(ascii: "A"))
        #expect(Hex.value(of: UInt8(ascii: "g")) == nil)
    }

    @Test func everyByteHasTwoDigits() {
        let all = (0...255).map { UInt8($0) }
        let text = Hex.encode(all)
        #expect(text.utf8.count == 512)
        #expect(Hex.decode(text) == all)
        #expect(text.hasPrefix("000102") && text.hasSuffix("fdfeff"))
    }
}

@Suite struct CivilCalendarTests {
    @Test func knownDates() {
        #expect(CivilCalendar.daysSinceEpoch(year: 1970, month: 1, day: 1) == 0)
        #expect(CivilCalendar.daysSinceEpoch(year: 2000, month: 2, day: 29) == 11_016)
        #expect(CivilCalendar.daysSinceEpoch(year: 1969, month: 12, day: 31) == -1)
        #expect(CivilCalendar.daysSinceEpoch(year: 1, month: 1, day: 1) == -719_162)
        #expect(CivilCalendar.daysInMonth(year: 1900, month: 2) == 28)
        #expect(CivilCalendar.daysInMonth(year: 2000, month: 2) == 29)
        let fields = CivilCalendar.fields(fromSecondsSinceEpoch: 1_440_938_160)
        #expect(fields == (2015, 8, 30, 12, 36, 0))
        let before = CivilCalendar.fields(fromSecondsSinceEpoch: -1)
        #expect(before == (1969, 12, 31, 23, 59, 59))
    }

    /// Moving a time by minutes, within its day (no calendar) and across days, months, years and
    /// a leap day, equals the move through minutes since the epoch.
    @Test(arguments: [-1439, -841, -61, -60, -1, 1, 59, 60, 61, 330, 1439])
    func movingATimeAgreesWithMinutesSinceTheEpoch(minutes: Int) {
        let dates = [
            (1999, 12, 31), (2000, 1, 1), (2000, 2, 28), (2000, 2, 29), (2023, 2, 28), (2024, 3, 1), (1, 1, 1),
        ]
        for (year, month, day) in dates {
            for (hour, minute) in [(0, 0), (0, 59), (1, 0), (12, 30), (22, 59), (23, 0), (23, 59)] {
                let moved = CivilCalendar.fields(
                    year: year, month: month, day: day, hour: hour, minute: minute, adding: minutes)
                let expected = CivilCalendar.fields(
                    fromMinutesSinceEpoch: CivilCalendar.minutesSinceEpoch(
                        year: year, month: month, day: day, hour: hour, minute: minute) + minutes)
                #expect(moved == expected, "\(year)-\(month)-\(day)T\(hour):\(minute) + \(minutes) min")
            }
        }
        #expect(
            CivilCalendar.fields(year: 2024, month: 2, day: 28, hour: 23, minute: 30, adding: 60) == (
                2024, 2, 29, 0, 30
            ))
        #expect(
            CivilCalendar.fields(year: 2000, month: 1, day: 1, hour: 0, minute: 30, adding: -60) == (
                1999, 12, 31, 23, 30
            ))
        #expect(
            CivilCalendar.fields(year: 2000, month: 1, day: 1, hour: 0, minute: 30, adding: 60) == (2000, 1, 1, 1, 30))
    }

    @Test func daysRoundTripAcrossFourCenturies() {
        for day in stride(from: -800_000, through: 3_000_000, by: 97) {
            let (y, m, d) = CivilCalendar.date(fromDaysSinceEpoch: day)
            #expect((1...CivilCalendar.daysInMonth(year: y, month: m)).contains(d))
            #expect(CivilCalendar.daysSinceEpoch(year: y, month: m, day: d) == day, "day \(day)")
        }
    }
}

@Suite struct ByteWordTests {
    @Test func eachTestFindsAByteInEveryPositionAndNothingElse() {
        for position in 0..<8 {
            for byte in UInt8(0)...UInt8(255) {
                var bytes = [UInt8](repeating: 0x61, count: 8)
                bytes[position] = byte
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                #expect(ByteWord.hasZeroByte(word) == (byte == 0))
                #expect(ByteWord.hasByte(word, equalTo: 0x0B) == (byte == 0x0B))
                #expect(ByteWord.hasByte(word, lessThan: 0x21) == (byte < 0x21))
            }
        }
    }

    /// The byte masks mark exactly the bytes that match, whatever their neighbours: a zero byte,
    /// a byte with its top bit set or another match beside a match carries nothing across.
    @Test(arguments: [0x00, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x61, 0x80, 0x8B, 0xFF] as [UInt8])
    func masksMarkEachMatchingByteAndNoOther(background: UInt8) {
        for position in 0..<8 {
            for byte in UInt8(0)...UInt8(255) {
                var bytes = [UInt8](repeating: background, count: 8)
                bytes[position] = byte
                let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                func expected(_ matches: (UInt8) -> Bool) -> UInt64 {
                    bytes.enumerated().reduce(0) { $0 | (matches($1.element) ? 0x80 << UInt64(8 * $1.offset) : 0) }
                }
                #expect(
                    ByteWord.bytes(of: word, in: 0x0B...0x0E) == expected { (0x0B...0x0E).contains($0) },
                    "\(bytes)")
                #expect(ByteWord.bytes(of: word, equalTo: 0x0D) == expected { $0 == 0x0D }, "\(bytes)")
            }
        }
    }
}

@Suite struct CryptoTests {
    static func sha256Hex(_ pieces: [[UInt8]]) -> String {
        var hasher = SHA256Hasher()
        for piece in pieces { piece.withUnsafeBytes { hasher.update($0) } }
        return Hex.encode(hasher.finalize())
    }

    /// FIPS 180-2 "abc" and the 56-byte message, fed whole and a byte at a time (the hasher
    /// gathers small updates into blocks).
    @Test func sha256KnownAnswers() {
        let abc = Array("abc".utf8)
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(Self.sha256Hex([abc]) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Self.sha256Hex(abc.map { [$0] }) == Self.sha256Hex([abc]))
        #expect(Self.sha256Hex([long]) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(Self.sha256Hex(long.map { [$0] }) == Self.sha256Hex([long]))
        #expect(Self.sha256Hex([Array(long[..<10]), Array(long[10...])]) == Self.sha256Hex([long]))
        let hashed = abc.withUnsafeBytes { SHA256Hasher.withHash(of: $0) { Hex.encode($0) } }
        #expect(hashed == Self.sha256Hex([abc]))
    }

    /// RFC 4231 test cases 1 and 2.
    @Test func hmacSHA256KnownAnswers() {
        func mac(key: [UInt8], _ message: [UInt8]) -> String {
            let hmac = key.withUnsafeBytes { HMACSHA256(key: $0) }
            return message.withUnsafeBytes { hmac.withAuthenticationCode(for: $0) { Hex.encode($0) } }
        }
        #expect(
            mac(key: [UInt8](repeating: 0x0B, count: 20), Array("Hi There".utf8))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(
            mac(key: Array("Jefe".utf8), Array("what do ya want for nothing?".utf8))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }
}
