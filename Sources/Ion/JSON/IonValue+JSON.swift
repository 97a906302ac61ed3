import QLDBPrimitives

/// Down-conversion of Ion to JSON, and JSON read as Ion.
///
/// | Ion | JSON |
/// |---|---|
/// | null of any type | `null` |
/// | bool, int | the same |
/// | float | a number; `nan` and `±inf` become `null` |
/// | decimal | a number with the same digits (`1.50`, `1.5e3`) |
/// | timestamp, symbol | a string in Ion notation / the symbol's text |
/// | clob, blob | a base64 string |
/// | list, sexp | an array |
/// | struct | an object (repeated field names are kept, in order) |
///
/// Annotations are dropped. JSON is read with the Ion text reader, since JSON text is Ion text:
/// numbers with a fraction become decimals, numbers with an exponent floats.
extension IonValue {
    /// Writes values as JSON, one value per line.
    public static func encode(json values: [IonValue]) -> String {
        var out: [UInt8] = []
        for value in values {
            value.appendJSON(to: &out)
            out.append(UInt8(ascii: "\n"))
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes JSON text as Ion values.
    public static func decode(json bytes: [UInt8]) throws -> [IonValue] {
        try decode(text: bytes)
    }

    /// This value as compact JSON.
    public var jsonText: String {
        var out: [UInt8] = []
        appendJSON(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    func appendJSON(to out: inout [UInt8]) {
        switch content {
        case .null:
            out.append(contentsOf: "null".utf8)
        case .bool(let b):
            out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i):
            out.append(contentsOf: i.description.utf8)
        case .float(let d):
            if d.isNaN || d.isInfinite {
                out.append(contentsOf: "null".utf8)
            } else {
                out.append(contentsOf: IonTextWriter.floatText(d).utf8)
            }
        case .decimal(let d):
            out.append(contentsOf: Self.jsonNumber(d).utf8)
        case .timestamp(let t):
            IonTextWriter.appendQuoted(t.description, quote: UInt8(ascii: "\""), to: &out, json: true)
        case .symbol(let s):
            IonTextWriter.appendQuoted(s.text ?? "$0", quote: UInt8(ascii: "\""), to: &out, json: true)
        case .string(let s):
            IonTextWriter.appendQuoted(s, quote: UInt8(ascii: "\""), to: &out, json: true)
        case .clob(let bytes), .blob(let bytes):
            out.append(UInt8(ascii: "\""))
            Base64.encode(bytes, appendingTo: &out)
            out.append(UInt8(ascii: "\""))
        case .list(let elements), .sexp(let elements):
            out.append(UInt8(ascii: "["))
            for (i, e) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                e.appendJSON(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .struct(let fields):
            out.append(UInt8(ascii: "{"))
            for (i, field) in fields.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                IonTextWriter.appendQuoted(field.name.text ?? "$0", quote: UInt8(ascii: "\""), to: &out, json: true)
                out.append(UInt8(ascii: ":"))
                field.value.appendJSON(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A decimal as a JSON number: its digits with a decimal point, or an exponent when positive.
    static func jsonNumber(_ d: IonDecimal) -> String {
        let text = d.description
        if text.hasSuffix(".") { return String(text.dropLast()) }
        return d.exponentText
    }
}
