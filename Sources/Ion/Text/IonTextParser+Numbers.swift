import BigInt

extension IonTextParser {
    /// Reads a run of digits in which single underscores may separate digits. Returns the digits
    /// without underscores.
    mutating func readDigits(_ isDigit: (UInt8) -> Bool) throws(IonError) -> [UInt8] {
        var digits: [UInt8] = []
        while let c = peek() {
            if isDigit(c) {
                digits.append(c)
                p += 1
            } else if c == UInt8(ascii: "_") {
                guard !digits.isEmpty, let next = peek(1), isDigit(next) else {
                    throw fail(.invalidState, "'_' must stand between two digits")
                }
                p += 1
            } else {
                break
            }
        }
        return digits
    }

    mutating func parseNumberOrTimestamp() throws(IonError) -> IonValue.Content {
        let start = p
        if Self.isDigit(buf[p]), p + 4 < buf.count || p + 4 == buf.count,
            (0..<4).allSatisfy({ p + $0 < buf.count && Self.isDigit(buf[p + $0]) }),
            let after = peek(4), after == UInt8(ascii: "-") || after == UInt8(ascii: "T")
        {
            return .timestamp(try parseTimestamp())
        }
        let negative = buf[p] == UInt8(ascii: "-")
        if negative { p += 1 }
        if peek() == UInt8(ascii: "0"), let x = peek(1),
            x == UInt8(ascii: "x") || x == UInt8(ascii: "X") || x == UInt8(ascii: "b") || x == UInt8(ascii: "B")
        {
            p += 2
            let hex = x == UInt8(ascii: "x") || x == UInt8(ascii: "X")
            guard let first = peek(), hex ? Self.isHexDigit(first) : (first == 0x30 || first == 0x31) else {
                throw fail(.invalidState, "\(hex ? "hex" : "binary") int needs digits after its prefix")
            }
            let digits = try readDigits(hex ? Self.isHexDigit : { $0 == 0x30 || $0 == 0x31 })
            try expectNumericEnd()
            return .int(Self.makeInt(digits, radix: hex ? 16 : 2, negative: negative))
        }
        guard let first = peek(), Self.isDigit(first) else {
            throw fail(.invalidState, "a number needs digits after '-'", at: start)
        }
        let integer = try readDigits(Self.isDigit)
        if integer.count > 1 && integer[0] == UInt8(ascii: "0") {
            throw fail(.invalidState, "numbers may not have leading zeros", at: start)
        }
        var fraction: [UInt8] = []
        var isDecimal = false
        if peek() == UInt8(ascii: ".") {
            p += 1
            isDecimal = true
            if let c = peek(), Self.isDigit(c) {
                fraction = try readDigits(Self.isDigit)
            } else if peek() == UInt8(ascii: "_") {
                throw fail(.invalidState, "'_' must stand between two digits")
            }
        }
        if let e = peek(),
            e == UInt8(ascii: "e") || e == UInt8(ascii: "E") || e == UInt8(ascii: "d") || e == UInt8(ascii: "D")
        {
            p += 1
            var exponentNegative = false
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                exponentNegative = sign == UInt8(ascii: "-")
                p += 1
            }
            guard let d = peek(), Self.isDigit(d) else {
                throw fail(.invalidState, "exponent needs digits", at: start)
            }
            let exponentDigits = try readDigits(Self.isDigit)
            try expectNumericEnd()
            if e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
                var text = negative ? "-" : ""
                text += String(decoding: integer, as: UTF8.self)
                if !fraction.isEmpty { text += "." + String(decoding: fraction, as: UTF8.self) }
                text += "e" + (exponentNegative ? "-" : "") + String(decoding: exponentDigits, as: UTF8.self)
                guard let value = Double(text) else {
                    throw fail(.invalidState, "float \(text) cannot be read", at: start)
                }
                return .float(value)
            }
            let exponent = try Self.smallExponent(exponentDigits, negative: exponentNegative, at: start, parser: self)
            return .decimal(try makeDecimal(integer, fraction, exponent: exponent, negative: negative, at: start))
        }
        try expectNumericEnd()
        if isDecimal {
            return .decimal(try makeDecimal(integer, fraction, exponent: 0, negative: negative, at: start))
        }
        return .int(Self.makeInt(integer, radix: 10, negative: negative))
    }

    static func smallExponent(_ digits: [UInt8], negative: Bool, at start: Int, parser: IonTextParser) throws(IonError)
        -> Int64
    {
        var v: Int64 = 0
        for d in digits {
            let (times10, o1) = v.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int64(d - 0x30))
            guard !o1, !o2 else {
                throw parser.fail(.numericOverflow, "decimal exponent does not fit in 64 bits", at: start)
            }
            v = sum
        }
        return negative ? -v : v
    }

    func makeDecimal(_ integer: [UInt8], _ fraction: [UInt8], exponent: Int64, negative: Bool, at start: Int)
        throws(IonError) -> IonDecimal
    {
        let (e, overflow) = exponent.subtractingReportingOverflow(Int64(fraction.count))
        guard !overflow else { throw fail(.numericOverflow, "decimal exponent is out of range", at: start) }
        let coefficient = Self.makeInt(integer + fraction, radix: 10, negative: false)
        if coefficient.isZero { return IonDecimal(zeroWithExponent: e, negative: negative) }
        return IonDecimal(coefficient: negative ? IonBinaryReader.negate(coefficient) : coefficient, exponent: e)
    }

    static func makeInt(_ digits: [UInt8], radix: Int, negative: Bool) -> IonInt {
        let significant = digits.drop(while: { $0 == UInt8(ascii: "0") })
        let limit = radix == 10 ? 18 : (radix == 16 ? 15 : 62)
        if significant.count <= limit {
            var v: Int64 = 0
            for d in significant { v = v * Int64(radix) + Int64(hexValue(d)) }
            return .int64(negative ? -v : v)
        }
        let magnitude = BigInt(String(decoding: significant, as: UTF8.self), radix: radix)!
        return IonInt(negative ? -magnitude : magnitude)
    }

    // MARK: Timestamps

    mutating func fixedDigits(_ count: Int, _ what: String) throws(IonError) -> Int {
        var v = 0
        for _ in 0..<count {
            guard let c = peek(), Self.isDigit(c) else {
                throw fail(.invalidTimestamp, "timestamp \(what) needs \(count) digits")
            }
            v = v * 10 + Int(c - 0x30)
            p += 1
        }
        return v
    }

    mutating func expect(_ c: UInt8, _ what: String) throws(IonError) {
        guard peek() == c else {
            throw fail(.invalidTimestamp, "expected \(what) in a timestamp, found \(describe(peek()))")
        }
        p += 1
    }

    mutating func parseTimestamp() throws(IonError) -> IonTimestamp {
        let start = p
        func finish(_ make: () throws(IonError) -> IonTimestamp) throws(IonError) -> IonTimestamp {
            try expectNumericEnd()
            do {
                return try make()
            } catch {
                throw fail(.invalidTimestamp, error.reason, at: start)
            }
        }
        let year = try fixedDigits(4, "year")
        if peek() == UInt8(ascii: "T") {
            p += 1
            return try finish { () throws(IonError) in try IonTimestamp(year: year, precision: .year) }
        }
        try expect(UInt8(ascii: "-"), "'-'")
        let month = try fixedDigits(2, "month")
        if peek() == UInt8(ascii: "T") {
            p += 1
            return try finish { () throws(IonError) in try IonTimestamp(year: year, month: month, precision: .month) }
        }
        try expect(UInt8(ascii: "-"), "'-'")
        let day = try fixedDigits(2, "day")
        guard peek() == UInt8(ascii: "T") else {
            return try finish { () throws(IonError) in
                try IonTimestamp(year: year, month: month, day: day, precision: .day)
            }
        }
        p += 1
        guard let c = peek(), Self.isDigit(c) else {
            return try finish { () throws(IonError) in
                try IonTimestamp(year: year, month: month, day: day, precision: .day)
            }
        }
        let hour = try fixedDigits(2, "hour")
        try expect(UInt8(ascii: ":"), "':' after the hour")
        let minute = try fixedDigits(2, "minute")
        var second = 0
        var fraction: IonDecimal? = nil
        var precision = IonTimestamp.Precision.minute
        if peek() == UInt8(ascii: ":") {
            p += 1
            second = try fixedDigits(2, "second")
            precision = .second
            if peek() == UInt8(ascii: ".") {
                p += 1
                var digits: [UInt8] = []
                while let d = peek(), Self.isDigit(d) {
                    digits.append(d)
                    p += 1
                }
                guard !digits.isEmpty else { throw fail(.invalidTimestamp, "fractional seconds need digits") }
                let coefficient = Self.makeInt(digits, radix: 10, negative: false)
                fraction =
                    coefficient.isZero
                    ? IonDecimal(zeroWithExponent: -Int64(digits.count), negative: false)
                    : IonDecimal(coefficient: coefficient, exponent: -Int64(digits.count))
                precision = .fractionalSecond
            }
        }
        let offset: Int?
        switch peek() {
        case UInt8(ascii: "Z"):
            p += 1
            offset = 0
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let negative = peek() == UInt8(ascii: "-")
            p += 1
            let hours = try fixedDigits(2, "offset hour")
            try expect(UInt8(ascii: ":"), "':' in the offset")
            let minutes = try fixedDigits(2, "offset minute")
            guard hours < 24, minutes < 60 else {
                throw fail(
                    .invalidTimestamp, "offset \(negative ? "-" : "+")\(hours):\(minutes) is out of range", at: start)
            }
            offset = negative && hours == 0 && minutes == 0 ? nil : (negative ? -1 : 1) * (hours * 60 + minutes)
        default:
            throw fail(.invalidTimestamp, "a timestamp with a time needs an offset (Z, +hh:mm or -hh:mm)")
        }
        return try finish { () throws(IonError) in
            try IonTimestamp(
                year: year, month: month, day: day, hour: hour, minute: minute, second: second, fraction: fraction,
                offsetMinutes: offset, precision: precision)
        }
    }
}
