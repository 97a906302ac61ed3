import BigInt
import Ion

/// A PartiQL number: Ion's int, decimal or float, with the arithmetic PartiQL defines across them.
///
/// int ∘ int stays int (arbitrary precision, `/` truncates); with a decimal the result is a
/// decimal; with a float, a float. Decimal division keeps 34 significant digits (IEEE 754
/// decimal128, as PartiQL's reference implementation does) and the exact result's scale when the
/// quotient is exact.
enum Number {
    case int(BigInt)
    case decimal(ExactDecimal)
    case float(Double)

    init?(_ value: IonValue) {
        switch value.content {
        case .int(let i): self = .int(i.bigIntValue)
        case .decimal(let d): self = .decimal(ExactDecimal(d))
        case .float(let f): self = .float(f)
        default: return nil
        }
    }

    var ionValue: IonValue {
        switch self {
        case .int(let i): .int(IonInt(i))
        case .decimal(let d): .decimal(d.ionDecimal)
        case .float(let f): .float(f)
        }
    }

    var doubleValue: Double {
        switch self {
        case .int(let i): Double(i)
        case .decimal(let d): d.doubleValue
        case .float(let f): f
        }
    }

    var asDecimal: ExactDecimal? {
        switch self {
        case .int(let i): ExactDecimal(coefficient: i, exponent: 0)
        case .decimal(let d): d
        case .float(let f): ExactDecimal(exactly: f)
        }
    }

    /// Applies `+ - * / %`; `nil` for division by zero.
    func combine(_ op: BinaryOperator, _ other: Number) -> Number? {
        switch (self, other) {
        case (.int(let a), .int(let b)):
            switch op {
            case .add: return .int(a + b)
            case .subtract: return .int(a - b)
            case .multiply: return .int(a * b)
            case .divide: return b.isZero ? nil : .int(a / b)
            case .modulo: return b.isZero ? nil : .int(a % b)
            default: return nil
            }
        case (.float, _), (_, .float):
            let a = doubleValue
            let b = other.doubleValue
            switch op {
            case .add: return .float(a + b)
            case .subtract: return .float(a - b)
            case .multiply: return .float(a * b)
            case .divide: return .float(a / b)
            case .modulo: return .float(a.truncatingRemainder(dividingBy: b))
            default: return nil
            }
        default:
            guard let a = asDecimal, let b = other.asDecimal else { return nil }
            switch op {
            case .add: return .decimal(a + b)
            case .subtract: return .decimal(a - b)
            case .multiply: return .decimal(a * b)
            case .divide: return a.divided(by: b).map(Number.decimal)
            case .modulo: return a.remainder(dividingBy: b).map(Number.decimal)
            default: return nil
            }
        }
    }

    /// -1, 0 or 1, comparing by value across the three types.
    func compare(_ other: Number) -> Int {
        switch (self, other) {
        case (.int(let a), .int(let b)): return a == b ? 0 : (a < b ? -1 : 1)
        case (.float(let a), _) where !a.isFinite, (_, .float(let a)) where !a.isFinite:
            let x = doubleValue
            let y = other.doubleValue
            return x == y ? 0 : (x < y ? -1 : 1)
        default:
            guard let a = asDecimal, let b = other.asDecimal else { return 0 }
            return a.compare(b)
        }
    }
}

/// An exact decimal `coefficient × 10^exponent` over BigInt, for PartiQL arithmetic.
struct ExactDecimal {
    var coefficient: BigInt
    var exponent: Int
    /// Ion's negative zero (`-0.0`), kept so that a value passes through unchanged.
    var isNegativeZero = false

    static let significantDigits = 34

    init(coefficient: BigInt, exponent: Int) {
        self.coefficient = coefficient
        self.exponent = exponent
    }

    init(_ d: IonDecimal) {
        coefficient = d.coefficient.bigIntValue
        exponent = Int(d.exponent)
        isNegativeZero = d.isNegativeZero
    }

    /// The exact decimal value of a finite double (its shortest round-tripping digits).
    init?(exactly value: Double) {
        guard value.isFinite,
            let decimal = try? IonValue.decode(text: "\(value)".replacingOccurrences(of: "e", with: "d")).first?
                .decimalValue
        else { return nil }
        self.init(decimal)
    }

    var ionDecimal: IonDecimal {
        if coefficient.isZero { return IonDecimal(zeroWithExponent: Int64(exponent), negative: isNegativeZero) }
        return IonDecimal(coefficient: IonInt(coefficient), exponent: Int64(exponent))
    }

    var doubleValue: Double { Double("\(coefficient)e\(exponent)") ?? .nan }

    static func pow10(_ n: Int) -> BigInt { BigInt(10).power(n) }

    /// Both coefficients at the smaller exponent.
    static func aligned(_ a: ExactDecimal, _ b: ExactDecimal) -> (BigInt, BigInt, Int) {
        if a.exponent == b.exponent { return (a.coefficient, b.coefficient, a.exponent) }
        if a.exponent < b.exponent {
            return (a.coefficient, b.coefficient * pow10(b.exponent - a.exponent), a.exponent)
        }
        return (a.coefficient * pow10(a.exponent - b.exponent), b.coefficient, b.exponent)
    }

    static func + (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal {
        let (x, y, e) = aligned(a, b)
        return ExactDecimal(coefficient: x + y, exponent: e)
    }

    static func - (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal {
        let (x, y, e) = aligned(a, b)
        return ExactDecimal(coefficient: x - y, exponent: e)
    }

    static func * (a: ExactDecimal, b: ExactDecimal) -> ExactDecimal {
        ExactDecimal(coefficient: a.coefficient * b.coefficient, exponent: a.exponent + b.exponent)
    }

    func compare(_ other: ExactDecimal) -> Int {
        let (x, y, _) = Self.aligned(self, other)
        return x == y ? 0 : (x < y ? -1 : 1)
    }

    static func digits(_ x: BigInt) -> Int { x.isZero ? 1 : x.magnitude.description.count }

    /// The quotient with 34 significant digits, or exactly (at the preferred exponent or the
    /// smallest one that holds it) when it terminates; `nil` when dividing by zero.
    func divided(by other: ExactDecimal) -> ExactDecimal? {
        guard !other.coefficient.isZero else { return nil }
        let preferred = exponent - other.exponent
        if coefficient.isZero { return ExactDecimal(coefficient: 0, exponent: preferred) }
        let shift = max(0, Self.significantDigits + Self.digits(other.coefficient) - Self.digits(coefficient) + 1)
        let (q, r) = (coefficient * Self.pow10(shift)).quotientAndRemainder(dividingBy: other.coefficient)
        var result = ExactDecimal(coefficient: q, exponent: preferred - shift)
        if r.isZero {
            while result.exponent < preferred {
                let (q10, r10) = result.coefficient.quotientAndRemainder(dividingBy: 10)
                guard r10.isZero else { break }
                result = ExactDecimal(coefficient: q10, exponent: result.exponent + 1)
            }
            return result
        }
        return result.rounded(toSignificantDigits: Self.significantDigits)
    }

    /// Truncated remainder: `self - other × trunc(self / other)`.
    func remainder(dividingBy other: ExactDecimal) -> ExactDecimal? {
        guard !other.coefficient.isZero else { return nil }
        let (x, y, e) = Self.aligned(self, other)
        return ExactDecimal(coefficient: x % y, exponent: e)
    }

    /// Rounded half-even to at most `n` significant digits.
    func rounded(toSignificantDigits n: Int) -> ExactDecimal {
        let extra = Self.digits(coefficient) - n
        guard extra > 0 else { return self }
        return rescaled(to: exponent + extra)
    }

    /// The value at `newExponent`, rounded half-even when digits are dropped.
    func rescaled(to newExponent: Int) -> ExactDecimal {
        if newExponent <= exponent {
            return ExactDecimal(coefficient: coefficient * Self.pow10(exponent - newExponent), exponent: newExponent)
        }
        let divisor = Self.pow10(newExponent - exponent)
        var (q, r) = coefficient.quotientAndRemainder(dividingBy: divisor)
        let twice = r.magnitude * 2
        let half = divisor.magnitude
        if twice > half || (twice == half && q % 2 != 0) { q += coefficient.signum() }
        return ExactDecimal(coefficient: q, exponent: newExponent)
    }
}
