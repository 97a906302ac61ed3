import BigInt
import Ion

/// A TO_STRING / TO_TIMESTAMP format pattern: runs of pattern letters (`yyyy`, `MMM`, `d`, `h`,
/// `HH`, `mm`, `ss`, `SSS`, `n`, `a`, `X`…`XXXXX`, `x`…`xxxxx`) and literal text (any other
/// character, or text in single quotes with `''` for a quote).
struct TimestampPattern {
    enum Element: Equatable {
        case field(Character, Int)
        case literal(String)
    }

    static let letters: Set<Character> = ["y", "M", "d", "a", "h", "H", "m", "s", "S", "n", "X", "x"]
    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]

    let elements: [Element]

    /// Parses a pattern; the error names the first character it does not accept.
    init(_ pattern: String) throws(PatternError) {
        var elements: [Element] = []
        let chars = Array(pattern)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "'" {
                var text = ""
                i += 1
                while true {
                    guard i < chars.count else { throw PatternError(reason: "an unterminated quote") }
                    if chars[i] == "'" {
                        if i + 1 < chars.count && chars[i + 1] == "'" {
                            text.append("'")
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    text.append(chars[i])
                    i += 1
                }
                // `''` outside quotes is one literal quote.
                elements.append(.literal(text.isEmpty ? "'" : text))
                continue
            }
            if Self.letters.contains(c) {
                var n = 1
                while i + n < chars.count && chars[i + n] == c { n += 1 }
                elements.append(.field(c, n))
                i += n
                continue
            }
            if c.isLetter { throw PatternError(reason: "the pattern letter '\(c)', which is not supported") }
            elements.append(.literal(String(c)))
            i += 1
        }
        self.elements = elements
    }

    struct PatternError: Error {
        var reason: String
    }

    // MARK: Formatting

    func format(_ t: IonTimestamp) -> String {
        var out = ""
        for element in elements {
            switch element {
            case .literal(let text): out += text
            case .field(let letter, let count): out += Self.format(letter, count, t)
            }
        }
        return out
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(abs(value))
        return (value < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func format(_ letter: Character, _ count: Int, _ t: IonTimestamp) -> String {
        switch letter {
        case "y": return count == 2 ? pad(t.year % 100, 2) : pad(t.year, count)
        case "M":
            switch count {
            case 1, 2: return pad(t.month, count)
            case 3: return String(monthNames[t.month - 1].prefix(3))
            case 4: return monthNames[t.month - 1]
            default: return String(monthNames[t.month - 1].prefix(1))
            }
        case "d": return pad(t.day, count)
        case "a": return t.hour < 12 ? "AM" : "PM"
        case "h": return pad(t.hour % 12 == 0 ? 12 : t.hour % 12, count)
        case "H": return pad(t.hour, count)
        case "m": return pad(t.minute, count)
        case "s": return pad(t.second, count)
        case "S", "n":
            let nanos = nanoseconds(t)
            if letter == "n" { return pad(nanos, count) }
            let digits = pad(nanos, 9)
            return count <= 9 ? String(digits.prefix(count)) : digits + String(repeating: "0", count: count - 9)
        default: return offset(t.offsetMinutes ?? 0, letter: letter, count: count)
        }
    }

    static func nanoseconds(_ t: IonTimestamp) -> Int {
        guard let fraction = t.fraction else { return 0 }
        let scaled = ExactDecimal(fraction).rescaled(to: -9)
        return Int(scaled.coefficient)
    }

    /// `X`: `Z` for zero, else `+HH` (`+HHMM` when minutes are set); `XX`/`XXXX` `+HHMM`;
    /// `XXX`/`XXXXX` `+HH:MM`. `x` forms print `+00` rather than `Z`.
    static func offset(_ minutes: Int, letter: Character, count: Int) -> String {
        if letter == "X" && minutes == 0 { return "Z" }
        let sign = minutes < 0 ? "-" : "+"
        let h = pad(abs(minutes) / 60, 2)
        let m = pad(abs(minutes) % 60, 2)
        switch count {
        case 1: return sign + h + (abs(minutes) % 60 == 0 ? "" : m)
        case 2, 4: return sign + h + m
        default: return sign + h + ":" + m
        }
    }

    // MARK: Parsing

    /// Reads `text` with this pattern. The timestamp has the precision of the finest field the
    /// pattern has (year, month, day, minute, second, fraction), and the offset the pattern reads
    /// (unknown when it has none).
    func parse(_ text: String) throws(PatternError) -> IonTimestamp {
        let chars = Array(text)
        var i = 0
        var year: Int?
        var month = 1
        var day = 1
        var hour = 0
        var minute = 0
        var second = 0
        var fraction: IonDecimal?
        var offset: Int?
        var pm: Bool?
        var precision = IonTimestamp.Precision.year
        func number(_ letter: Character, maxDigits: Int) throws(PatternError) -> Int {
            var digits = ""
            var sign = 1
            if letter == "y", i < chars.count, chars[i] == "-" || chars[i] == "+" {
                sign = chars[i] == "-" ? -1 : 1
                i += 1
            }
            while i < chars.count, chars[i].isASCII, chars[i].isNumber, digits.count < maxDigits {
                digits.append(chars[i])
                i += 1
            }
            guard let value = Int(digits) else { throw PatternError(reason: "no digits for '\(letter)' at \(i + 1)") }
            return sign * value
        }
        for (index, element) in elements.enumerated() {
            // A numeric field followed directly by another numeric field reads exactly its width.
            let adjacent: Bool = {
                guard index + 1 < elements.count, case .field(let next, _) = elements[index + 1] else { return false }
                return next != "a" && next != "X" && next != "x" && next != "M"
            }()
            switch element {
            case .literal(let literal):
                for expected in literal {
                    guard i < chars.count, chars[i] == expected else {
                        throw PatternError(reason: "'\(literal)' expected at \(i + 1)")
                    }
                    i += 1
                }
            case .field(let letter, let count):
                let width = adjacent ? count : 9
                switch letter {
                case "y":
                    let value = try number("y", maxDigits: count == 2 ? 2 : (adjacent ? count : 9))
                    // Two-digit years: 70–99 are 19xx, 00–69 are 20xx.
                    year = count == 2 ? (value >= 70 ? 1900 : 2000) + value : value
                case "M":
                    precision = max(precision, .month)
                    if count >= 3 {
                        let rest = String(chars[i...]).lowercased()
                        guard
                            let found = Self.monthNames.enumerated().first(where: { _, name in
                                rest.hasPrefix(count == 3 ? String(name.prefix(3)).lowercased() : name.lowercased())
                            })
                        else { throw PatternError(reason: "no month name at \(i + 1)") }
                        month = found.offset + 1
                        i += count == 3 ? 3 : found.element.count
                    } else {
                        month = try number("M", maxDigits: adjacent ? count : 2)
                    }
                case "d":
                    precision = max(precision, .day)
                    day = try number("d", maxDigits: min(width, 2))
                case "H", "h":
                    precision = max(precision, .minute)
                    hour = try number(letter, maxDigits: min(width, 2))
                case "m":
                    precision = max(precision, .minute)
                    minute = try number("m", maxDigits: min(width, 2))
                case "s":
                    precision = max(precision, .second)
                    second = try number("s", maxDigits: min(width, 2))
                case "S", "n":
                    var digits = ""
                    while i < chars.count, chars[i].isASCII, chars[i].isNumber, digits.count < (adjacent ? count : 9) {
                        digits.append(chars[i])
                        i += 1
                    }
                    guard !digits.isEmpty, let value = Int(digits) else {
                        throw PatternError(reason: "no fraction digits at \(i + 1)")
                    }
                    let places = letter == "n" ? 9 : digits.count
                    fraction = IonDecimal(Int64(value), fractionDigits: places)
                    precision = .fractionalSecond
                case "a":
                    let rest = String(chars[i...]).uppercased()
                    if rest.hasPrefix("AM") {
                        pm = false
                    } else if rest.hasPrefix("PM") {
                        pm = true
                    } else {
                        throw PatternError(reason: "AM or PM expected at \(i + 1)")
                    }
                    i += 2
                default:
                    if i < chars.count, chars[i] == "Z", letter == "X" {
                        offset = 0
                        i += 1
                        continue
                    }
                    guard i < chars.count, chars[i] == "+" || chars[i] == "-" else {
                        throw PatternError(reason: "an offset expected at \(i + 1)")
                    }
                    let sign = chars[i] == "-" ? -1 : 1
                    i += 1
                    let h = try number("X", maxDigits: 2)
                    var m = 0
                    if i < chars.count, chars[i] == ":" { i += 1 }
                    if i < chars.count, chars[i].isNumber { m = try number("X", maxDigits: 2) }
                    offset = sign * (h * 60 + m)
                }
            }
        }
        guard i == chars.count else { throw PatternError(reason: "unexpected text at \(i + 1)") }
        guard let year else { throw PatternError(reason: "the pattern has no year") }
        if let pm { hour = hour % 12 + (pm ? 12 : 0) }
        do {
            return try IonTimestamp(
                year: year, month: precision >= .month ? month : 1, day: precision >= .day ? day : 1,
                hour: precision >= .minute ? hour : 0, minute: precision >= .minute ? minute : 0,
                second: precision >= .second ? second : 0, fraction: fraction,
                offsetMinutes: precision >= .minute ? offset : nil,
                precision: precision == .fractionalSecond && fraction == nil ? .second : precision)
        } catch {
            throw PatternError(reason: "\(error)")
        }
    }
}
