import Foundation
import Ion
import IonHash
import QLDBCrypto
import Testing

/// `IonHasher.sha256` hashes a tree its own way (each SHA-256's input gathered whole, padded in
/// place, field digests sorted in the buffer). Every digest must equal the generic path's, which
/// the Ion Hash vectors check call by call.
struct SHA256TreeHashTests {
    /// SHA-256 through the generic serialiser: a function that is not `SHA256IonHash`.
    struct GenericSHA256: IonHashFunction {
        func makeHasher() -> SHA256IonHash.Hasher { SHA256IonHash().makeHasher() }
    }

    static func generic(_ value: IonValue) -> [UInt8] { IonHasher(GenericSHA256()).digest(of: value) }

    static func expectSameDigests(_ value: IonValue, _ comment: Comment? = nil) {
        let expected = generic(value)
        #expect(IonHasher.sha256.digest(of: value) == expected, comment)
        var into = [UInt8](repeating: 0xAA, count: 40)
        into.withUnsafeMutableBytes { IonHasher.sha256.digest(of: value, into: $0) }
        #expect(Array(into[..<32]) == expected, comment)
        #expect(into[32...].allSatisfy { $0 == 0xAA }, "nothing written past the digest")
    }

    @Test(
        "Every value of the Ion Hash vectors hashes as on the generic path",
        .enabled(if: IonHashVectors.isAvailable, "needs ../shared/conformance/ion-hash-test"),
        arguments: IonHashVectors.all)
    func vectorValue(_ testCase: IonHashVectors.Case) {
        Self.expectSameDigests(testCase.value, "\(testCase.testDescription)")
    }

    /// Strings and blobs of every length to 40 with a marker (or 0x0D, which is not one) at
    /// every position: the word, short and byte-wise escaping paths.
    @Test(arguments: [0x0B, 0x0C, 0x0D, 0x0E] as [UInt8])
    func markersAtEveryPosition(_ marker: UInt8) {
        for length in 0...40 {
            for position in 0..<max(length, 1) {
                var bytes = (0..<length).map { UInt8(0x41 + $0 % 26) }
                if length > 0 { bytes[position] = marker }
                let text = String(decoding: bytes, as: UTF8.self)
                Self.expectSameDigests(.string(text), "string of \(length) with \(marker) at \(position)")
                Self.expectSameDigests(.blob(bytes), "blob of \(length) with \(marker) at \(position)")
                Self.expectSameDigests(["\(text)": .clob(bytes)], "field name of \(length)")
            }
        }
    }

    @Test("Numbers on the stack and beyond 64 bits, nulls, floats and annotations")
    func scalars() throws {
        let big = IonInt(negative: false, magnitude: [0x0B] + Array(repeating: 0x0E, count: 12))
        var values: [IonValue] = [
            .int(IonInt(0)), .int(IonInt(-1)), .int(IonInt(Int64.min)), .int(IonInt(Int64.max)), .int(big),
            .int(IonInt(0x0B0C_0E0D)), .float(0), .float(-0.0), .float(.nan), .float(.infinity), .float(1.5),
            .decimal(IonDecimal(12345, fractionDigits: 2)), .decimal(IonDecimal(coefficient: big, exponent: -3)),
            .decimal(IonDecimal(14, fractionDigits: 1)),  // coefficient 0x0E: a marker in the body
            .bool(true), .bool(false), .symbol(IonSymbol("sym")), .symbol(.zero),
            .timestamp(try IonTimestamp(year: 2026, month: 12, day: 1, precision: .day)),
            .timestamp(
                try IonTimestamp(
                    year: 1999, month: 12, day: 31, hour: 23, minute: 59, second: 58,
                    fraction: IonDecimal(coefficient: big, exponent: -40), offsetMinutes: -1439,
                    precision: .fractionalSecond)),
            .timestamp(
                try IonTimestamp(
                    year: 2024, month: 2, day: 29, hour: 1, minute: 2, second: 3,
                    fraction: IonDecimal(coefficient: IonInt(12), exponent: -3), offsetMinutes: 60,
                    precision: .fractionalSecond)),
        ]
        for type in IonType.allCases { values.append(IonValue(.null(type))) }
        for value in values {
            Self.expectSameDigests(value, "\(value)")
            var annotated = value
            annotated.annotations = [IonSymbol("a"), .zero, IonSymbol("\u{0B}")]
            Self.expectSameDigests(annotated, "annotated \(value)")
            Self.expectSameDigests(["field": annotated, "list": [value, annotated], "sexp": IonValue(.sexp([value]))])
        }
    }

    /// Structs of 0 to 40 fields (insertion sort up to 16, a full sort beyond), repeated
    /// fields with equal digests, and nesting deep enough to outgrow the 1 KB stack buffer.
    @Test func structsAndNesting() {
        for count in 0...40 {
            let fields = (0..<count).map { IonStruct.Field(name: IonSymbol("f\($0 % 7)"), value: .int(IonInt($0 % 3))) }
            Self.expectSameDigests(IonValue(.struct(IonStruct(fields))), "\(count) fields")
        }
        var deep: IonValue = ["leaf": .string(String(repeating: "x", count: 300))]
        for level in 0..<40 {
            deep =
                level.isMultiple(of: 2)
                ? ["level\(level)": deep, "other": .int(IonInt(level))] : [deep, .int(IonInt(level))]
        }
        Self.expectSameDigests(deep, "40 levels")
        Self.expectSameDigests(.string(String(repeating: "\u{0E}", count: 5000)), "a string beyond the stack buffer")
    }

    /// The padding in place against the streaming hasher, on every length around the block
    /// boundaries, with the bytes after the padding room untouched.
    @Test func paddingInPlace() {
        for count in 0...200 {
            var buffer = (0..<(count + SHA256Hasher.paddingRoom + 8)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let message = Array(buffer[..<count])
            let after = Array(buffer[(count + SHA256Hasher.paddingRoom)...])
            var expected = SHA256Hasher()
            message.withUnsafeBytes { expected.update($0) }
            var digest = [UInt8](repeating: 0, count: 32)
            buffer.withUnsafeMutableBytes { b in
                digest.withUnsafeMutableBytes {
                    SHA256Hasher.hash(paddingInPlace: b.baseAddress!, count: count, into: $0.baseAddress!)
                }
            }
            #expect(digest == expected.finalize(), "\(count) bytes")
            #expect(Array(buffer[(count + SHA256Hasher.paddingRoom)...]) == after, "\(count) bytes: room overrun")
        }
    }
}
