import QLDBPrimitives

/// `IonValue`, `IonDecimal`, `IonTimestamp`, `IonInt` and `IonSymbol` are `Codable` so that
/// they can be fields of your own `Codable` types. With ``IonEncoder`` and ``IonDecoder`` they
/// keep their exact Ion form; with other coders (JSON, property lists) they take the JSON
/// down-conversion: decimals, timestamps and big ints as strings in Ion notation.
extension IonValue: Codable {
    public func encode(to encoder: any Encoder) throws {
        if let ion = encoder as? IonValueEncoderImpl {
            ion.node.kind = .value(self)
            return
        }
        switch content {
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .bool(let v):
            var c = encoder.singleValueContainer()
            try c.encode(v)
        case .int(let v):
            var c = encoder.singleValueContainer()
            if let small = v.int64Value { try c.encode(small) } else { try c.encode(v.description) }
        case .float(let v):
            var c = encoder.singleValueContainer()
            try c.encode(v)
        case .list(let elements), .sexp(let elements):
            var c = encoder.unkeyedContainer()
            for e in elements { try c.encode(e) }
        case .struct(let fields):
            var c = encoder.container(keyedBy: IonCodingKey.self)
            for field in fields {
                try c.encode(field.value, forKey: IonCodingKey(stringValue: field.name.text ?? "$0"))
            }
        case .blob(let bytes), .clob(let bytes):
            var c = encoder.singleValueContainer()
            var out: [UInt8] = []
            Base64.encode(bytes, appendingTo: &out)
            try c.encode(String(decoding: out, as: UTF8.self))
        case .decimal(let d):
            var c = encoder.singleValueContainer()
            try c.encode(d.description)
        case .timestamp(let t):
            var c = encoder.singleValueContainer()
            try c.encode(t.description)
        case .symbol(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s.text ?? "$0")
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        }
    }

    public init(from decoder: any Decoder) throws {
        if let ion = decoder as? IonValueDecoderImpl {
            self = ion.value
            return
        }
        if let keyed = try? decoder.container(keyedBy: IonCodingKey.self) {
            var fields = IonStruct()
            for key in keyed.allKeys {
                fields.append(name: IonSymbol(key.stringValue), value: try keyed.decode(IonValue.self, forKey: key))
            }
            self = .struct(fields)
            return
        }
        if var unkeyed = try? decoder.unkeyedContainer() {
            var elements: [IonValue] = []
            while !unkeyed.isAtEnd { elements.append(try unkeyed.decode(IonValue.self)) }
            self = .list(elements)
            return
        }
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int64.self) {
            self = .int(i)
        } else if let d = try? c.decode(Double.self) {
            self = .float(d)
        } else {
            self = .string(try c.decode(String.self))
        }
    }
}

extension IonDecimal: Codable {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(IonValue.decimal(self))
    }

    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(IonValue.self)
        if let d = value.decimalValue {
            self = d
        } else if let text = value.stringValue, let d = try IonValue.decode(text: text).first?.decimalValue {
            self = d
        } else {
            throw DecodingError.typeMismatch(
                IonDecimal.self, .init(codingPath: decoder.codingPath, debugDescription: "expected a decimal"))
        }
    }
}

extension IonTimestamp: Codable {
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(IonValue.timestamp(self))
    }

    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(IonValue.self)
        if let t = value.timestampValue {
            self = t
        } else if let text = value.stringValue, let t = try IonValue.decode(text: text).first?.timestampValue {
            self = t
        } else {
            throw DecodingError.typeMismatch(
                IonTimestamp.self, .init(codingPath: decoder.codingPath, debugDescription: "expected a timestamp"))
        }
    }
}
