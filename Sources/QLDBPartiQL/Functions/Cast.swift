import BigInt
import Ion

/// `CAST(value AS type)` with the conversions of QLDB's CAST reference: MISSING casts to MISSING
/// (or NULL for `AS NULL`) and NULL to NULL (or MISSING for `AS MISSING`); any other value
/// cannot become NULL or MISSING; numbers convert among themselves (to int truncating toward
/// zero) and to and from booleans (zero is false); text parses as the Ion value of the target
/// type (a text other than `true` is the boolean false); numbers, booleans and timestamps cast to
/// text as Ion writes them.
enum Cast {
    static func convert(_ value: IonValue?, to target: CastTarget, at position: SourcePosition) throws(PartiQLError)
        -> IonValue?
    {
        guard let value else { return target == .null ? .null : nil }
        if value.isNull { return target == .missing ? nil : .null }
        func impossible() -> PartiQLError {
            .evaluation("cannot cast \(Self.describe(value)) (\(value.type)) to \(target.rawValue)", at: position)
        }
        let plain = IonValue(value.content)
        switch target {
        case .null, .missing:
            throw impossible()
        case .bool:
            if let b = value.boolValue { return .bool(b) }
            if let n = Number(value) { return .bool(n.compare(.int(0)) != 0) }
            if value.type.isText, let s = value.stringValue { return .bool(s.lowercased() == "true") }
            throw impossible()
        case .int:
            if let b = value.boolValue { return .int(b ? 1 : 0) }
            if let n = Number(value) ?? parsedNumber(value) {
                switch n {
                case .int: return n.ionValue
                case .decimal(let d): return .int(IonInt(d.rescaledTruncating(to: 0).coefficient))
                case .float(let f):
                    guard f.isFinite else { throw impossible() }
                    return .int(IonInt(BigInt(f.rounded(.towardZero))))
                }
            }
            throw impossible()
        case .float:
            if let b = value.boolValue { return .float(b ? 1 : 0) }
            if let n = Number(value) ?? parsedNumber(value) { return .float(n.doubleValue) }
            throw impossible()
        case .decimal:
            if let b = value.boolValue { return .decimal(IonDecimal(b ? 1 : 0, fractionDigits: 0)) }
            if let n = Number(value) ?? parsedNumber(value), let d = n.asDecimal { return .decimal(d.ionDecimal) }
            throw impossible()
        case .timestamp:
            if value.type == .timestamp { return plain }
            if value.type.isText, let s = value.stringValue,
                let parsed = try? IonValue.decode(text: s), parsed.count == 1, parsed[0].type == .timestamp
            {
                return parsed[0]
            }
            throw impossible()
        case .string, .symbol:
            let text: String
            switch value.content {
            case .string(let s): text = s
            case .symbol(let s): text = s.text ?? ""
            case .bool(let b): text = b ? "true" : "false"
            case .int(let i): text = i.description
            case .decimal(let d): text = Self.sqlText(d)
            case .float(let f): text = Self.sqlText(f)
            case .timestamp(let t): text = t.description
            default: throw impossible()
            }
            return target == .string ? .string(text) : .symbol(text)
        case .clob, .blob:
            guard let bytes = value.bytesValue else { throw impossible() }
            return target == .blob ? .blob(bytes) : .clob(bytes)
        case .list, .bag, .sexp:
            guard let items = value.listValue else { throw impossible() }
            return target == .sexp ? .sexp(items) : .list(items)
        case .struct:
            guard value.type == .struct else { throw impossible() }
            return plain
        }
    }

    /// A string or symbol holding an Ion number (`'12'`, `'1.5'`, `'1e0'`).
    static func parsedNumber(_ value: IonValue) -> Number? {
        guard value.type.isText, let text = value.stringValue,
            let parsed = try? IonValue.decode(text: text.trimmingSpaces), parsed.count == 1
        else { return nil }
        return Number(parsed[0])
    }

    /// A decimal as text the way PartiQL's reference implementation writes it (Java's
    /// `BigDecimal.toString`): plain digits while the exponent is at most 0 and the value not
    /// tiny (`1`, `1.00`, `0.001`), scientific otherwise (`1E+3`, `1.5E-7`).
    static func sqlText(_ d: IonDecimal) -> String {
        let negative = d.isNegative
        let digits = d.coefficient.isZero ? "0" : String(d.coefficient.description.drop(while: { $0 == "-" }))
        let scale = -Int(d.exponent)
        let adjusted = -scale + digits.count - 1
        var body: String
        if scale >= 0 && adjusted >= -6 {
            if scale == 0 {
                body = digits
            } else if digits.count > scale {
                body = String(digits.dropLast(scale)) + "." + String(digits.suffix(scale))
            } else {
                body = "0." + String(repeating: "0", count: scale - digits.count) + digits
            }
        } else {
            body = String(digits.prefix(1))
            if digits.count > 1 { body += "." + digits.dropFirst() }
            body += "E" + (adjusted >= 0 ? "+" : "") + String(adjusted)
        }
        return (negative ? "-" : "") + body
    }

    /// A float as text the way Java's `Double.toString` writes it: `1.0`, `0.5`, `1.0E10`,
    /// `NaN`, `Infinity`.
    static func sqlText(_ f: Double) -> String {
        if f.isNaN { return "NaN" }
        if f.isInfinite { return f < 0 ? "-Infinity" : "Infinity" }
        let magnitude = abs(f)
        if magnitude == 0 || (magnitude >= 1e-3 && magnitude < 1e7) {
            var text = "\(f)"
            if !text.contains(".") { text += ".0" }
            return text
        }
        // Scientific: the shortest round-tripping digits, as d.dddE±n.
        let text = "\(magnitude)".lowercased()
        let parts = text.split(separator: "e")
        let exponentPart = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let mantissa = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        let integerDigits = String(mantissa[0])
        let fractionDigits = mantissa.count > 1 ? String(mantissa[1]) : ""
        var digits = integerDigits + fractionDigits
        // The position of the decimal point after the first digit, then leading zeros dropped.
        var exponent = integerDigits.count - 1 + exponentPart
        while digits.hasPrefix("0") && digits.count > 1 {
            digits.removeFirst()
            exponent -= 1
        }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        let body = String(digits.prefix(1)) + "." + (digits.count > 1 ? String(digits.dropFirst()) : "0")
        return (f < 0 ? "-" : "") + body + "E" + String(exponent)
    }

    static func describe(_ value: IonValue) -> String {
        let text = (try? IonValue.encode(text: [value])) ?? "\(value.type)"
        return text.count > 40 ? String(text.prefix(40)) + "…" : text
    }
}

extension String {
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars.removeFirst() }
        while scalars.last == " " { scalars.removeLast() }
        return String(scalars)
    }
}

extension ExactDecimal {
    /// The value at a coarser exponent, truncated toward zero.
    func rescaledTruncating(to newExponent: Int) -> ExactDecimal {
        guard newExponent > exponent else { return rescaled(to: newExponent) }
        return ExactDecimal(coefficient: coefficient / Self.pow10(newExponent - exponent), exponent: newExponent)
    }
}
