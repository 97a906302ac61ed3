/// Random 22-character base62 identifiers, the form of QLDB's document, transaction, table and
/// strand ids (a 128-bit random number in base62).
enum LedgerIdentifiers {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        var high = generator.next() as UInt64
        var low = generator.next() as UInt64
        var digits: [Character] = []
        digits.reserveCapacity(22)
        for _ in 0..<22 {
            // Divide the 128-bit number (high, low) by 62, keeping the remainder.
            let highQuotient = high / 62
            let highRemainder = high % 62
            let (lowQuotient, remainder) = UInt64(62).dividingFullWidth((high: highRemainder, low: low))
            high = highQuotient
            low = lowQuotient
            digits.append(alphabet[Int(remainder)])
        }
        return String(digits.reversed())
    }
}
