/// Proleptic Gregorian calendar arithmetic on civil dates (Howard Hinnant's `days_from_civil`
/// and `civil_from_days`): the package's one implementation, for Ion timestamps and SigV4's
/// dates. Inputs are not validated; callers check ranges (`daysInMonth` is here for that).
public enum CivilCalendar {
    /// Whether `y` is a leap year.
    @inlinable
    public static func isLeapYear(_ y: Int) -> Bool { y % 4 == 0 && (y % 100 != 0 || y % 400 == 0) }

    /// The days of `month` (1...12) in `year`.
    @inlinable
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to the date (negative before it).
    @inlinable
    public static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The date that many days from 1970-01-01.
    @inlinable @inline(__always)
    public static func date(fromDaysSinceEpoch z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Minutes from 1970-01-01T00:00 to the date and time.
    @inlinable
    public static func minutesSinceEpoch(year: Int, month: Int, day: Int, hour: Int, minute: Int) -> Int {
        daysSinceEpoch(year: year, month: month, day: day) * 1440 + hour * 60 + minute
    }

    /// The date and time that many minutes from 1970-01-01T00:00 (floor division).
    @inlinable
    public static func fields(fromMinutesSinceEpoch minutes: Int) -> (
        year: Int, month: Int, day: Int, hour: Int, minute: Int
    ) {
        let days = minutes >= 0 ? minutes / 1440 : (minutes - 1439) / 1440
        let rest = minutes - days * 1440
        let (y, m, d) = date(fromDaysSinceEpoch: days)
        return (y, m, d, rest / 60, rest % 60)
    }

    /// The date and time `minutes` after the given one (before it when negative), such as a local
    /// time moved to UTC by its offset. A move that stays within the day leaves the date as it is
    /// and is computed without the calendar.
    @inlinable
    public static func fields(
        year: Int, month: Int, day: Int, hour: Int, minute: Int, adding minutes: Int
    ) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        let minuteOfDay = hour * 60 + minute + minutes
        if minuteOfDay >= 0 && minuteOfDay < 1440 {
            return (year, month, day, minuteOfDay / 60, minuteOfDay % 60)
        }
        return fields(
            fromMinutesSinceEpoch: minutesSinceEpoch(year: year, month: month, day: day, hour: hour, minute: minute)
                + minutes)
    }

    /// The date and time that many seconds from 1970-01-01T00:00:00 (floor division).
    @inlinable
    public static func fields(fromSecondsSinceEpoch seconds: Int) -> (
        year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    ) {
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let rest = seconds - days * 86400
        let (y, m, d) = date(fromDaysSinceEpoch: days)
        return (y, m, d, rest / 3600, rest % 3600 / 60, rest % 60)
    }
}
