import Foundation

/// 22-character base62 identifiers, the form of QLDB's document, transaction, table and strand
/// ids (a 128-bit number in base62, most significant digit first).
enum LedgerIdentifiers {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// A random identifier: 128 random bits.
    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return base62(high: generator.next(), low: generator.next())
    }

    /// A document identifier made now (see ``timeOrdered(millisecondsSince1970:)``).
    static func timeOrdered() -> String {
        timeOrdered(millisecondsSince1970: UInt64(max(0, Date().timeIntervalSince1970 * 1000)))
    }

    /// A document identifier whose leading 48 bits are `milliseconds` (since 1970, modulo 2⁴⁸:
    /// good until the year 10889) and whose other 80 bits are random. The alphabet is in ASCII
    /// order and every identifier has 22 digits, so identifiers made in a later millisecond sort
    /// after earlier ones as strings: stores keyed by document id then add new documents at the
    /// right edge of their B-trees instead of at a random page each (`docs/storage.md`). QLDB's
    /// ids are opaque; this one, like a UUIDv7, tells when its document was created, which the
    /// revision's `metadata.txTime` tells anyway.
    static func timeOrdered(millisecondsSince1970 milliseconds: UInt64) -> String {
        var generator = SystemRandomNumberGenerator()
        let random = generator.next() as UInt64
        return base62(high: (milliseconds & 0xFFFF_FFFF_FFFF) << 16 | random & 0xFFFF, low: generator.next())
    }

    /// The 128-bit number `high`·2⁶⁴ + `low` in 22 base62 digits, leading zeros kept.
    static func base62(high: UInt64, low: UInt64) -> String {
        var high = high
        var low = low
        var digits = [UInt8](repeating: 0, count: 22)
        for position in stride(from: 21, through: 0, by: -1) {
            // Divide the 128-bit number (high, low) by 62, keeping the remainder.
            let highQuotient = high / 62
            let highRemainder = high % 62
            let (lowQuotient, remainder) = UInt64(62).dividingFullWidth((high: highRemainder, low: low))
            high = highQuotient
            low = lowQuotient
            digits[position] = alphabetBytes[Int(remainder)]
        }
        return String(decoding: digits, as: UTF8.self)
    }

    private static let alphabetBytes = Array(alphabet.map { $0.asciiValue! })
}
