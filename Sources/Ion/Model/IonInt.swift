import BigInt

/// An Ion integer of any size.
///
/// Values that fit in 64 bits are stored inline; larger ones use `BigInt`. The representation is
/// kept canonical (a value that fits in `Int64` is never stored as `BigInt`), so `==` is by value.
public enum IonInt: Sendable, Hashable, CustomStringConvertible {
    /// A value that fits in 64 bits.
    case int64(Int64)
    /// A value outside the range of `Int64` (boxed, so that small ints stay small).
    indirect case big(BigInt)

    /// Creates an integer from any `BigInt`, choosing the 64-bit form when the value fits.
    public init(_ value: BigInt) {
        if let small = Int64(exactly: value) {
            self = .int64(small)
        } else {
            self = .big(value)
        }
    }

    /// Creates an integer from a built-in integer.
    @inlinable
    public init<T: BinaryInteger>(_ value: T) {
        if let small = Int64(exactly: value) {
            self = .int64(small)
        } else {
            self = .big(BigInt(value))
        }
    }

    /// The value as `BigInt`.
    public var bigIntValue: BigInt {
        switch self {
        case .int64(let v): BigInt(v)
        case .big(let v): v
        }
    }

    /// The value as `Int64`, or `nil` if it does not fit.
    @inlinable
    public var int64Value: Int64? {
        if case .int64(let v) = self { return v }
        return nil
    }

    /// `-1`, `0` or `1` according to the sign of the value.
    public var signum: Int {
        switch self {
        case .int64(let v): v == 0 ? 0 : (v < 0 ? -1 : 1)
        case .big(let v): v.signum() == 0 ? 0 : (v.sign == .minus ? -1 : 1)
        }
    }

    /// Whether the value is zero.
    public var isZero: Bool { signum == 0 }

    /// The absolute value as big-endian bytes with no leading zero bytes (empty for zero).
    public var magnitudeBytes: [UInt8] {
        switch self {
        case .int64(let v):
            return BinaryEncoding.bigEndianMagnitude(v.magnitude)
        case .big(let v):
            return BinaryEncoding.bigEndianMagnitude(v.magnitude)
        }
    }

    /// Creates an integer from a sign and big-endian magnitude bytes.
    public init(negative: Bool, magnitude bytes: some Collection<UInt8>) {
        var count = 0
        var small: UInt64 = 0
        for b in bytes where count > 0 || b != 0 {
            count += 1
            if count > 8 { break }
            small = small << 8 | UInt64(b)
        }
        if count <= 8 {
            if !negative, let v = Int64(exactly: small) {
                self = .int64(v)
                return
            }
            if negative, small <= UInt64(Int64.max) + 1 {
                self = .int64(small == UInt64(Int64.max) + 1 ? Int64.min : -Int64(small))
                return
            }
        }
        let magnitude = Array(bytes).withUnsafeBytes { BigUInt($0) }
        self.init(negative ? -BigInt(magnitude) : BigInt(magnitude))
    }

    public var description: String {
        switch self {
        case .int64(let v): String(v)
        case .big(let v): String(v)
        }
    }
}

extension IonInt: ExpressibleByIntegerLiteral {
    /// Creates an integer from an integer literal.
    public init(integerLiteral value: Int64) { self = .int64(value) }
}

extension IonInt: Comparable {
    public static func < (lhs: IonInt, rhs: IonInt) -> Bool {
        if case .int64(let a) = lhs, case .int64(let b) = rhs { return a < b }
        return lhs.bigIntValue < rhs.bigIntValue
    }
}
