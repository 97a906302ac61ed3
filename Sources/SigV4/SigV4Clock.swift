import Foundation
import QLDBPrimitives
import Synchronization

/// The time a signer signs with: the local clock plus an offset learned from the server.
///
/// After a request fails as skewed (`RequestTimeTooSkewed`, `RequestExpired`,
/// `InvalidSignatureException`, …), call ``update(serverDate:localDate:)`` with the response's
/// `Date` header; the next signature uses the corrected time. An offset is adopted only when the
/// skew exceeds 5 minutes, and replaced only when it moves by more than a minute, so ordinary
/// jitter never changes it.
public final class SigV4Clock: Sendable {
    private let offset = Mutex<TimeInterval>(0)
    private let now: @Sendable () -> Date

    /// Creates a clock over `now` (the system clock by default; tests inject their own).
    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// The current offset added to the local clock, in seconds.
    public var skew: TimeInterval { offset.withLock { $0 } }

    /// The corrected current time.
    public func currentDate() -> Date { now().addingTimeInterval(skew) }

    /// The last `X-Amz-Date` text and the second it names: a busy client signs many requests a
    /// second, and the text is formatted once for all of them.
    private let lastAmzDate = Mutex<(second: Int, text: String)?>(nil)

    /// The corrected current time as `X-Amz-Date` (`20150830T123600Z`).
    public func currentAmzDate() -> String {
        let second = Int(currentDate().timeIntervalSince1970.rounded(.down))
        if let last = lastAmzDate.withLock({ $0 }), last.second == second { return last.text }
        let text = HTTPDate.amzDate(Date(timeIntervalSince1970: TimeInterval(second)))
        lastAmzDate.withLock { $0 = (second, text) }
        return text
    }

    /// Learns the skew from a server's `Date`; returns whether the offset changed.
    @discardableResult
    public func update(serverDate: Date, localDate: Date? = nil) -> Bool {
        let observed = serverDate.timeIntervalSince(localDate ?? now())
        return offset.withLock { current in
            if abs(observed) <= 300 {
                let changed = current != 0
                current = 0
                return changed
            }
            guard abs(observed - current) > 60 else { return false }
            current = observed
            return true
        }
    }

    /// Learns the skew from an HTTP `Date` header (`Wed, 21 Oct 2015 07:28:00 GMT`).
    @discardableResult
    public func update(serverDateHeader: String, localDate: Date? = nil) -> Bool {
        guard let date = HTTPDate.parse(serverDateHeader) else { return false }
        return update(serverDate: date, localDate: localDate)
    }
}

/// IMF-fixdate (RFC 9110) parsing and SigV4's date formats.
package enum HTTPDate {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Parses `Wed, 21 Oct 2015 07:28:00 GMT`; `nil` for anything else.
    package static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", let day = Int(parts[1]),
            let month = months.firstIndex(of: String(parts[2])),
            let year = Int(parts[3])
        else { return nil }
        let time = parts[4].split(separator: ":").compactMap { Int($0) }
        guard time.count == 3 else { return nil }
        return date(year: year, month: month + 1, day: day, hour: time[0], minute: time[1], second: time[2])
    }

    static func date(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Date? {
        guard (1...12).contains(month), (1...CivilCalendar.daysInMonth(year: year, month: month)).contains(day),
            (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        let days = CivilCalendar.daysSinceEpoch(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: TimeInterval(days * 86400 + hour * 3600 + minute * 60 + second))
    }

    /// `20150830T123600Z`.
    package static func amzDate(_ date: Date) -> String {
        let (y, m, d, hour, minute, second) = CivilCalendar.fields(
            fromSecondsSinceEpoch: Int(date.timeIntervalSince1970.rounded(.down)))
        return String(unsafeUninitializedCapacity: 16) { buffer in
            func two(_ value: Int, at i: Int) {
                buffer[i] = UInt8(ascii: "0") + UInt8(value / 10)
                buffer[i + 1] = UInt8(ascii: "0") + UInt8(value % 10)
            }
            two(y / 100, at: 0)
            two(y % 100, at: 2)
            two(m, at: 4)
            two(d, at: 6)
            buffer[8] = UInt8(ascii: "T")
            two(hour, at: 9)
            two(minute, at: 11)
            two(second, at: 13)
            buffer[15] = UInt8(ascii: "Z")
            return 16
        }
    }

    /// Parses `20150830T123600Z`.
    package static func parseAmzDate(_ text: String) -> Date? {
        let u = Array(text.utf8)
        guard u.count == 16, u[8] == UInt8(ascii: "T"), u[15] == UInt8(ascii: "Z") else { return nil }
        func n(_ r: Range<Int>) -> Int? { Int(String(decoding: u[r], as: UTF8.self)) }
        guard let y = n(0..<4), let mo = n(4..<6), let d = n(6..<8), let h = n(9..<11), let mi = n(11..<13),
            let s = n(13..<15)
        else {
            return nil
        }
        return date(year: y, month: mo, day: d, hour: h, minute: mi, second: s)
    }
}
