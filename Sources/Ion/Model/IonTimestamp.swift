import QLDBPrimitives

/// An Ion timestamp: a point in time with an explicit precision and a known or unknown offset.
///
/// The fields hold the *local* time, as Ion text shows it; ``offsetMinutes`` says how far that local
/// time is ahead of UTC. A `nil` offset is the unknown offset (`-00:00`), which differs from `Z`.
/// Timestamps coarser than minutes always have the unknown offset.
///
/// Fractional seconds are an ``IonDecimal`` in `[0, 1)`, so `.5` and `.500` are kept apart, as Ion
/// equivalence requires.
public struct IonTimestamp: Sendable, Hashable, CustomStringConvertible {
    /// How much of a timestamp is specified.
    public enum Precision: UInt8, Sendable, Hashable, Comparable {
        case year, month, day, minute, second, fractionalSecond

        public static func < (lhs: Precision, rhs: Precision) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    // Stored compactly: a timestamp sits inline in every `IonValue`, so its size is every value's size.
    @usableFromInline let packedYear: UInt16
    @usableFromInline let packedMonth: UInt8
    @usableFromInline let packedDay: UInt8
    @usableFromInline let packedHour: UInt8
    @usableFromInline let packedMinute: UInt8
    @usableFromInline let packedSecond: UInt8
    /// The precision of this timestamp.
    public let precision: Precision
    /// Minutes east of UTC, or `Int16.min` for the unknown offset.
    @usableFromInline let packedOffset: Int16
    @usableFromInline let packedFraction: Fraction

    /// Fractional seconds: digits that fit 32 bits inline, anything longer boxed.
    @usableFromInline
    enum Fraction: Sendable, Hashable {
        case none
        case small(coefficient: UInt32, places: UInt8)
        indirect case large(IonDecimal)

        init(_ decimal: IonDecimal?) {
            guard let decimal else {
                self = .none
                return
            }
            if case .int64(let c) = decimal.coefficient, c >= 0, c <= Int64(UInt32.max), decimal.exponent < 0,
                decimal.exponent >= -255
            {
                self = .small(coefficient: UInt32(c), places: UInt8(-decimal.exponent))
            } else {
                self = .large(decimal)
            }
        }

        var decimal: IonDecimal? {
            switch self {
            case .none: nil
            case .small(let c, let places):
                c == 0
                    ? IonDecimal(zeroWithExponent: -Int64(places), negative: false)
                    : IonDecimal(coefficient: .int64(Int64(c)), exponent: -Int64(places))
            case .large(let d): d
            }
        }
    }

    /// The year, 1 through 9999.
    @inlinable public var year: Int { Int(packedYear) }
    /// The month, 1 through 12 (1 when coarser than month precision).
    @inlinable public var month: Int { Int(packedMonth) }
    /// The day of the month (1 when coarser than day precision).
    @inlinable public var day: Int { Int(packedDay) }
    /// The hour, 0 through 23 (0 when coarser than minute precision).
    @inlinable public var hour: Int { Int(packedHour) }
    /// The minute, 0 through 59 (0 when coarser than minute precision).
    @inlinable public var minute: Int { Int(packedMinute) }
    /// The second, 0 through 59 (0 when coarser than second precision).
    @inlinable public var second: Int { Int(packedSecond) }
    /// The fractional second in `[0, 1)`, present only at ``Precision/fractionalSecond`` precision.
    public var fraction: IonDecimal? { packedFraction.decimal }
    /// Minutes east of UTC of the local time, or `nil` for the unknown offset `-00:00`.
    @inlinable public var offsetMinutes: Int? { packedOffset == .min ? nil : Int(packedOffset) }

    /// Creates a timestamp, checking every field.
    ///
    /// Fields finer than `precision` must be left at their defaults. A fraction with a zero
    /// coefficient and a non-negative exponent (such as `0d0`) carries no digits and is dropped, so
    /// the timestamp has second precision.
    ///
    /// - Throws: ``IonError`` with code ``IonError/Code/invalidTimestamp`` naming the bad field.
    public init(
        year: Int, month: Int = 1, day: Int = 1, hour: Int = 0, minute: Int = 0, second: Int = 0,
        fraction: IonDecimal? = nil, offsetMinutes: Int? = nil, precision: Precision
    ) throws(IonError) {
        var precision = precision
        let fraction = try Self.fraction(fraction, precision: &precision)
        try self.init(
            checkingYear: year, month: month, day: day, hour: hour, minute: minute, second: second,
            fraction: fraction, offsetMinutes: offsetMinutes, precision: precision)
    }

    /// The stored form of fractional seconds given at `precision`, checked: in `[0, 1)` and given
    /// only at second or fractional-second precision. A fraction without digits (`0d0`) is dropped
    /// and `precision` becomes second; a fraction makes it fractional-second.
    private static func fraction(_ fraction: IonDecimal?, precision: inout Precision) throws(IonError) -> Fraction {
        guard let f = fraction else {
            if precision == .fractionalSecond {
                throw IonError(.invalidTimestamp, "fractional-second precision without a fraction")
            }
            return .none
        }
        guard precision == .fractionalSecond || precision == .second else {
            throw IonError(.invalidTimestamp, "fractional seconds given at \(precision) precision")
        }
        if f.isNegative && !f.coefficient.isZero {
            throw IonError(.invalidTimestamp, "fractional seconds \(f) are negative")
        }
        if f.exponent >= 0 {
            if !f.coefficient.isZero {
                throw IonError(.invalidTimestamp, "fractional seconds \(f) are not less than one")
            }
            precision = .second
            return .none
        }
        guard isBelowOne(f) else {
            throw IonError(.invalidTimestamp, "fractional seconds \(f) are not less than one")
        }
        precision = .fractionalSecond
        return Fraction(f.isNegativeZero ? IonDecimal(zeroWithExponent: f.exponent, negative: false) : f)
    }

    /// Checks every field but the fraction (already checked by ``fraction(_:precision:)``) and
    /// stores them.
    @usableFromInline
    init(
        checkingYear year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int,
        fraction: Fraction, offsetMinutes: Int?, precision: Precision
    ) throws(IonError) {
        guard (1...9999).contains(year) else {
            throw IonError(.invalidTimestamp, "year \(year) is outside 1...9999")
        }
        guard (1...12).contains(month) else {
            throw IonError(.invalidTimestamp, "month \(month) is outside 1...12")
        }
        let monthDays = CivilCalendar.daysInMonth(year: year, month: month)
        guard (1...monthDays).contains(day) else {
            throw IonError(.invalidTimestamp, "day \(day) is outside 1...\(monthDays) for \(year)-\(month)")
        }
        guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second) else {
            throw IonError(.invalidTimestamp, "time \(hour):\(minute):\(second) is out of range")
        }
        if let offset = offsetMinutes, !(-1439...1439).contains(offset) {
            throw IonError(.invalidTimestamp, "offset \(offset) minutes is not less than a day")
        }
        if precision < .month && month != 1 || precision < .day && day != 1
            || precision < .minute && (hour != 0 || minute != 0) || precision < .second && second != 0
        {
            throw IonError(.invalidTimestamp, "fields finer than \(precision) precision are set")
        }
        self.packedYear = UInt16(year)
        self.packedMonth = UInt8(month)
        self.packedDay = UInt8(day)
        self.packedHour = UInt8(hour)
        self.packedMinute = UInt8(minute)
        self.packedSecond = UInt8(second)
        self.packedFraction = fraction
        self.packedOffset = precision < .minute ? .min : offsetMinutes.map { Int16($0) } ?? .min
        self.precision = precision
    }

    /// Creates a timestamp from UTC fields, as binary Ion stores them, and the offset of the local time.
    ///
    /// - Throws: ``IonError`` with code ``IonError/Code/invalidTimestamp`` when a field is out of range.
    public init(
        utcYear year: Int, month: Int = 1, day: Int = 1, hour: Int = 0, minute: Int = 0, second: Int = 0,
        fraction: IonDecimal? = nil, offsetMinutes: Int?, precision: Precision
    ) throws(IonError) {
        var precision = precision
        let fraction = try Self.fraction(fraction, precision: &precision)
        try self.init(
            utcYear: year, month: month, day: day, hour: hour, minute: minute, second: second,
            checkedFraction: fraction, offsetMinutes: offsetMinutes, precision: precision)
    }

    /// As ``init(utcYear:month:day:hour:minute:second:fraction:offsetMinutes:precision:)``, with
    /// the fraction in its stored form, already checked (the binary reader makes short fractions
    /// that way).
    @usableFromInline
    init(
        utcYear year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int,
        checkedFraction fraction: Fraction, offsetMinutes: Int?, precision: Precision
    ) throws(IonError) {
        guard let offset = offsetMinutes, precision >= .minute, offset != 0 else {
            try self.init(
                checkingYear: year, month: month, day: day, hour: hour, minute: minute, second: second,
                fraction: fraction, offsetMinutes: offsetMinutes, precision: precision)
            return
        }
        // Validate the UTC fields first so that out-of-range input is reported as given.
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...CivilCalendar.daysInMonth(year: year, month: month)).contains(day),
            (0...23).contains(hour), (0...59).contains(minute)
        else {
            throw IonError(.invalidTimestamp, "UTC date-time \(year)-\(month)-\(day)T\(hour):\(minute) is out of range")
        }
        guard (-1439...1439).contains(offset) else {
            throw IonError(.invalidTimestamp, "offset \(offset) minutes is not less than a day")
        }
        let (y, mo, d, h, mi) = CivilCalendar.fields(
            year: year, month: month, day: day, hour: hour, minute: minute, adding: offset)
        try self.init(
            checkingYear: y, month: mo, day: d, hour: h, minute: mi, second: second, fraction: fraction,
            offsetMinutes: offset, precision: precision)
    }

    private static func isBelowOne(_ f: IonDecimal) -> Bool {
        // coefficient < 10^(-exponent)
        if case .int64(let c) = f.coefficient, f.exponent >= -18 {
            var bound: Int64 = 1
            for _ in 0..<Int(-f.exponent) { bound &*= 10 }
            return c < bound
        }
        let digits = f.coefficient.isZero ? 0 : String(describing: f.coefficient).count
        return Int64(digits) <= -f.exponent
    }

    /// The UTC fields of this timestamp (those binary Ion encodes): year, month, day, hour, minute.
    public var utcFields: (year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        guard let offset = offsetMinutes, offset != 0 else { return (year, month, day, hour, minute) }
        return CivilCalendar.fields(year: year, month: month, day: day, hour: hour, minute: minute, adding: -offset)
    }

    /// Minutes since 1970-01-01T00:00Z of the start of this timestamp's minute, in UTC.
    public var utcMinutesSinceEpoch: Int {
        CivilCalendar.minutesSinceEpoch(year: year, month: month, day: day, hour: hour, minute: minute)
            - (offsetMinutes ?? 0)
    }

    /// The timestamp in Ion text notation, such as `2024-01-15T12:00:00.123Z`.
    public var description: String {
        var out: [UInt8] = []
        IonTextWriter.appendTimestamp(self, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

extension IonTimestamp {
    /// Whether two timestamps name the same instant, whatever their precision and offset.
    ///
    /// This is the comparison of the timeline, not Ion equivalence: `2001T` and
    /// `2001-01-01T00:00:00.000Z` are the same instant but not equivalent values.
    public func isSameInstant(as other: IonTimestamp) -> Bool {
        guard utcMinutesSinceEpoch == other.utcMinutesSinceEpoch, second == other.second else { return false }
        return Self.fractionDigits(fraction) == Self.fractionDigits(other.fraction)
    }

    /// The digits of a fraction after the decimal point, without trailing zeros.
    private static func fractionDigits(_ f: IonDecimal?) -> [UInt8] {
        guard let f, !f.coefficient.isZero else { return [] }
        var text = String(String(describing: f.coefficient).drop(while: { $0 == "-" }))
        let places = Int(-f.exponent)
        if text.count < places { text = String(repeating: "0", count: places - text.count) + text }
        while text.last == "0" { text.removeLast() }
        return Array(text.utf8)
    }
}
