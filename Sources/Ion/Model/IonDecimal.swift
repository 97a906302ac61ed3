import BigInt

/// An Ion decimal: an arbitrary-precision coefficient and a base-10 exponent.
///
/// Ion decimals keep their precision: `1.0` (coefficient 10, exponent -1) and `1.00` (coefficient
/// 100, exponent -2) are different values, and negative zero (`-0.`) differs from zero.
public struct IonDecimal: Sendable, Hashable, CustomStringConvertible {
    /// The coefficient. Zero for both positive and negative zero; see ``isNegative``.
    public let coefficient: IonInt
    /// The power of ten the coefficient is multiplied by.
    public let exponent: Int64
    /// Whether the sign is negative. This is the only way to tell `-0d0` from `0d0`.
    public let isNegative: Bool

    /// Creates the decimal `coefficient × 10^exponent`.
    public init(coefficient: IonInt, exponent: Int64) {
        self.coefficient = coefficient
        self.exponent = exponent
        self.isNegative = coefficient.signum < 0
    }

    /// Creates a decimal zero with the given exponent and sign (`-0d0` when `negative` is `true`).
    public init(zeroWithExponent exponent: Int64, negative: Bool) {
        self.coefficient = 0
        self.exponent = exponent
        self.isNegative = negative
    }

    /// Whether this decimal is negative zero, such as `-0.` or `-0.00`.
    public var isNegativeZero: Bool { isNegative && coefficient.isZero }

    /// Creates a decimal from the digits of `value` with the given number of fractional digits.
    ///
    /// `IonDecimal(12345, fractionDigits: 2)` is `123.45`.
    public init(_ value: Int64, fractionDigits: Int) {
        self.init(coefficient: .int64(value), exponent: -Int64(fractionDigits))
    }

    /// The Ion text of the decimal with `e` for its exponent marker (`1.5e3`, `12.34`): what
    /// `Double(_:)` and JSON read.
    var exponentText: String { String(description.map { $0 == "d" ? "e" : $0 }) }

    /// The decimal in Ion text notation, for example `123.45` or `-0d-3`.
    public var description: String {
        let digits = coefficient.isZero ? "0" : String(String(describing: coefficient).drop(while: { $0 == "-" }))
        let sign = isNegative ? "-" : ""
        if exponent == 0 { return sign + digits + "." }
        // Point notation while it stays short (`0.005`, `123.45`); `d` notation otherwise.
        if exponent < 0 && -exponent <= Int64(digits.count) + 20 {
            let places = Int(-exponent)
            let padded =
                digits.count > places ? digits : String(repeating: "0", count: places - digits.count + 1) + digits
            let split = padded.index(padded.endIndex, offsetBy: -places)
            return sign + padded[..<split] + "." + padded[split...]
        }
        return sign + digits + "d" + String(exponent)
    }
}
