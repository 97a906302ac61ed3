import Ion
import QLDBPrimitives

/// A date or time unit of DATE_ADD, DATE_DIFF and EXTRACT.
package enum DatePart: String, Sendable, CaseIterable {
    case year, month, day, hour, minute, second
    case timezoneHour = "timezone_hour"
    case timezoneMinute = "timezone_minute"

    /// The parts DATE_ADD and DATE_DIFF take.
    static let arithmeticParts: [DatePart] = [.year, .month, .day, .hour, .minute, .second]
}

/// Calendar arithmetic on Ion timestamps, in each timestamp's own local time (its offset stays).
enum TimestampMath {
    /// Seconds since the epoch (UTC) and the fraction of the second.
    static func instant(_ t: IonTimestamp) -> (seconds: Int, fraction: ExactDecimal) {
        let seconds = t.utcMinutesSinceEpoch * 60 + t.second
        return (seconds, t.fraction.map(ExactDecimal.init) ?? ExactDecimal(coefficient: 0, exponent: 0))
    }

    static func precedes(_ a: IonTimestamp, _ b: IonTimestamp) -> Bool {
        let x = instant(a)
        let y = instant(b)
        if x.seconds != y.seconds { return x.seconds < y.seconds }
        return x.fraction.compare(y.fraction) < 0
    }

    static func precision(for part: DatePart) -> IonTimestamp.Precision {
        switch part {
        case .year: .year
        case .month: .month
        case .day: .day
        case .hour, .minute, .timezoneHour, .timezoneMinute: .minute
        case .second: .second
        }
    }

    /// DATE_ADD: the timestamp moved by `amount` units, with at least the precision of the unit
    /// (a date gains a time at offset Z when hours or finer are added). Adding months or years
    /// to the 31st (or 29 February) lands on the last day of the resulting month.
    static func add(_ part: DatePart, _ amount: Int, to t: IonTimestamp) throws(IonError) -> IonTimestamp {
        let precision = max(t.precision, precision(for: part))
        let offset = t.precision >= .minute ? t.offsetMinutes : (precision >= .minute ? 0 : nil)
        var (year, month, day, hour, minute, second) = (t.year, t.month, t.day, t.hour, t.minute, t.second)
        switch part {
        case .year, .month:
            let months = (year * 12 + month - 1) + (part == .year ? amount * 12 : amount)
            year = months >= 0 ? months / 12 : (months - 11) / 12
            month = months - year * 12 + 1
            day = min(day, CivilCalendar.daysInMonth(year: max(year, 1), month: month))
        case .day, .hour, .minute, .second:
            let unit = part == .day ? 86_400 : part == .hour ? 3_600 : part == .minute ? 60 : 1
            let total =
                CivilCalendar.minutesSinceEpoch(year: year, month: month, day: day, hour: hour, minute: minute) * 60
                + second + amount * unit
            let minutes = total >= 0 ? total / 60 : (total - 59) / 60
            second = total - minutes * 60
            (year, month, day, hour, minute) = CivilCalendar.fields(fromMinutesSinceEpoch: minutes)
        case .timezoneHour, .timezoneMinute:
            throw IonError(.invalidTimestamp, "\(part.rawValue) cannot be added")
        }
        return try IonTimestamp(
            year: year, month: precision >= .month ? month : 1, day: precision >= .day ? day : 1,
            hour: precision >= .minute ? hour : 0, minute: precision >= .minute ? minute : 0,
            second: precision >= .second ? second : 0,
            fraction: precision == .fractionalSecond ? t.fraction : nil, offsetMinutes: offset, precision: precision)
    }

    /// DATE_DIFF: whole units from `a` to `b` (negative when `b` is earlier), truncated toward zero.
    /// Years and months count calendar months in UTC; the other units count elapsed time.
    static func difference(_ part: DatePart, from a: IonTimestamp, to b: IonTimestamp) -> Int {
        let x = instant(a)
        let y = instant(b)
        switch part {
        case .year, .month:
            let u = utc(a)
            let v = utc(b)
            var months = (v.year - u.year) * 12 + (v.month - u.month)
            let restA = (
                u.day, x.seconds - CivilCalendar.daysSinceEpoch(year: u.year, month: u.month, day: u.day) * 86_400
            )
            let restB = (
                v.day, y.seconds - CivilCalendar.daysSinceEpoch(year: v.year, month: v.month, day: v.day) * 86_400
            )
            let fractionOrder = y.fraction.compare(x.fraction)
            let laterInMonth = restB > restA || (restB == restA && fractionOrder > 0)
            let earlierInMonth = restB < restA || (restB == restA && fractionOrder < 0)
            if months > 0 && earlierInMonth { months -= 1 }
            if months < 0 && laterInMonth { months += 1 }
            return part == .year ? months / 12 : months
        default:
            var seconds = y.seconds - x.seconds
            let fractionOrder = y.fraction.compare(x.fraction)
            if seconds > 0 && fractionOrder < 0 { seconds -= 1 }
            if seconds < 0 && fractionOrder > 0 { seconds += 1 }
            let unit = part == .day ? 86_400 : part == .hour ? 3_600 : part == .minute ? 60 : 1
            return seconds / unit
        }
    }

    static func utc(_ t: IonTimestamp) -> (year: Int, month: Int, day: Int) {
        let f = t.utcFields
        return (f.year, f.month, f.day)
    }

    /// EXTRACT: an int field of the timestamp's local time (fields finer than its precision read as
    /// their minimum; `second` drops the fraction, as QLDB documents an int result).
    static func extract(_ part: DatePart, from t: IonTimestamp) -> IonValue {
        switch part {
        case .year: return .int(t.year)
        case .month: return .int(t.month)
        case .day: return .int(t.day)
        case .hour: return .int(t.hour)
        case .minute: return .int(t.minute)
        case .second: return .int(t.second)
        case .timezoneHour: return .int((t.offsetMinutes ?? 0) / 60)
        case .timezoneMinute: return .int((t.offsetMinutes ?? 0) % 60)
        }
    }
}
