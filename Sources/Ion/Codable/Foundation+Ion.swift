import BigInt
import Foundation

extension IonDecimal {
    /// Creates an Ion decimal with the same digits and exponent as a Foundation decimal.
    ///
    /// - Throws: ``IonError/Code/invalidDecimal`` for NaN.
    public init(_ decimal: Decimal) throws {
        guard !decimal.isNaN else { throw IonError(.invalidDecimal, "Foundation.Decimal NaN has no Ion form") }
        // `significand` and `exponent` give the exact digits Foundation holds.
        let significand = decimal.significand.magnitude
        let digits = significand.description
        let coefficient = IonInt(BigInt(digits, radix: 10) ?? 0)
        let negative = decimal.sign == .minus
        if coefficient.isZero {
            self.init(zeroWithExponent: Int64(decimal.exponent), negative: negative)
        } else {
            self.init(
                coefficient: negative ? IonBinaryReader.negate(coefficient) : coefficient,
                exponent: Int64(decimal.exponent))
        }
    }
}

extension Decimal {
    /// Creates a Foundation decimal equal to an Ion decimal, or `nil` if it does not fit
    /// (Foundation keeps 38 digits and exponents within -128...127).
    public init?(_ decimal: IonDecimal) {
        guard let exponent = Int(exactly: decimal.exponent), (-128...127).contains(exponent) else { return nil }
        let digits =
            decimal.coefficient.isZero
            ? "0" : String(String(describing: decimal.coefficient).drop(while: { $0 == "-" }))
        guard digits.count <= 38, let significand = Decimal(string: digits) else { return nil }
        self.init(sign: decimal.isNegative ? .minus : .plus, exponent: exponent, significand: significand)
    }
}

extension IonTimestamp {
    /// The instant this timestamp names, as a `Date` (fractions finer than Date's precision are rounded).
    public var date: Date {
        var seconds = Double(utcMinutesSinceEpoch) * 60 + Double(second)
        if let fraction, let d = Double(fraction.exponentText) { seconds += d }
        return Date(timeIntervalSince1970: seconds)
    }

    /// A UTC timestamp for a `Date`, with millisecond precision.
    public init(_ date: Date) throws {
        self = try IonValueEncoding.timestamp(date, .milliseconds, [])
    }
}
