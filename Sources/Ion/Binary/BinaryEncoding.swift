import BigInt

/// Where ``BinaryEncoding`` writes: a byte array, or memory reserved for one body (Ion Hash's).
package protocol BinaryByteSink {
    /// Appends one byte.
    mutating func append(_ byte: UInt8)
    /// Appends bytes.
    mutating func append<Bytes: Sequence>(contentsOf bytes: Bytes) where Bytes.Element == UInt8
}

extension Array: BinaryByteSink where Element == UInt8 {}

/// The primitive fields of Ion binary (VarUInt, VarInt, UInt, Int) and the minimal bodies of scalar
/// values. Ion Hash hashes exactly these bodies, so they are shared by the writer and the hasher.
package enum BinaryEncoding {
    /// The number of bytes `value` takes as a VarUInt.
    @inlinable
    package static func varUIntLength(_ value: Int) -> Int {
        var v = value >> 7
        var n = 1
        while v != 0 {
            v >>= 7
            n += 1
        }
        return n
    }

    /// Appends `value` (which must not be negative) as a VarUInt.
    @inlinable
    package static func appendVarUInt<Sink: BinaryByteSink>(_ value: Int, to out: inout Sink) {
        // One byte, as for every timestamp field but the year: no length to count.
        if value < 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            return
        }
        let n = varUIntLength(value)
        var shift = (n - 1) * 7
        while shift > 0 {
            out.append(UInt8(truncatingIfNeeded: value >> shift) & 0x7F)
            shift -= 7
        }
        out.append(UInt8(truncatingIfNeeded: value) & 0x7F | 0x80)
    }

    /// Appends a VarInt with the given sign and magnitude (`negative` with zero gives negative zero).
    @inlinable
    package static func appendVarInt<Sink: BinaryByteSink>(magnitude: UInt64, negative: Bool, to out: inout Sink) {
        // One byte, as for most offsets and exponents: no length to count.
        if magnitude < 0x40 {
            out.append(UInt8(truncatingIfNeeded: magnitude) | (negative ? 0xC0 : 0x80))
            return
        }
        // The first byte holds the sign bit and 6 magnitude bits; later bytes hold 7.
        var groups = 1
        var rest = magnitude >> 6
        while rest != 0 {
            rest >>= 7
            groups += 1
        }
        var shift = (groups - 1) * 7
        var first = UInt8(truncatingIfNeeded: magnitude >> UInt64(shift)) & 0x3F
        if negative { first |= 0x40 }
        if groups == 1 { first |= 0x80 }
        out.append(first)
        while shift > 0 {
            shift -= 7
            var b = UInt8(truncatingIfNeeded: magnitude >> UInt64(shift)) & 0x7F
            if shift == 0 { b |= 0x80 }
            out.append(b)
        }
    }

    /// Appends `value` as a VarInt.
    @inlinable
    package static func appendVarInt<Sink: BinaryByteSink>(_ value: Int64, to out: inout Sink) {
        appendVarInt(magnitude: value.magnitude, negative: value < 0, to: &out)
    }

    /// The big-endian bytes of `value` with no leading zero bytes (empty for zero).
    @inlinable
    package static func bigEndianMagnitude(_ value: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        appendUInt(value, to: &out)
        return out
    }

    /// The big-endian bytes of `value` with no leading zero bytes (empty for zero).
    package static func bigEndianMagnitude(_ value: BigUInt) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(value.words.count * 8)
        for word in value.words.reversed() {
            for shift in stride(from: 56, through: 0, by: -8) {
                let b = UInt8(truncatingIfNeeded: word >> UInt(shift))
                if out.isEmpty && b == 0 { continue }
                out.append(b)
            }
        }
        return out
    }

    /// The number of bytes `value` takes as a UInt field (0 for zero).
    @inlinable
    package static func uIntLength(_ value: UInt64) -> Int { (64 - value.leadingZeroBitCount + 7) / 8 }

    /// Appends `value` as a big-endian UInt field with no leading zero bytes (nothing for zero).
    @inlinable
    package static func appendUInt<Sink: BinaryByteSink>(_ value: UInt64, to out: inout Sink) {
        var shift = uIntLength(value) * 8
        while shift > 0 {
            shift -= 8
            out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    /// Appends a signed-magnitude Int field. Zero with `negative` false appends nothing; with
    /// `negative` true it appends `0x80` (negative zero, which decimals use).
    package static func appendInt<Sink: BinaryByteSink>(magnitude: [UInt8], negative: Bool, to out: inout Sink) {
        if magnitude.isEmpty {
            if negative { out.append(0x80) }
            return
        }
        if magnitude[0] & 0x80 != 0 {
            out.append(negative ? 0x80 : 0x00)
            out.append(contentsOf: magnitude)
        } else {
            out.append(magnitude[0] | (negative ? 0x80 : 0))
            out.append(contentsOf: magnitude.dropFirst())
        }
    }

    /// Appends a signed-magnitude Int field for a 64-bit value (nothing for positive zero).
    @inlinable
    package static func appendInt<Sink: BinaryByteSink>(_ value: Int64, negative: Bool, to out: inout Sink) {
        let magnitude = value.magnitude
        if magnitude == 0 {
            if negative { out.append(0x80) }
            return
        }
        let n = uIntLength(magnitude)
        let topBitSet = (magnitude >> UInt64((n - 1) * 8)) & 0x80 != 0
        if topBitSet { out.append(negative ? 0x80 : 0x00) }
        var shift = n * 8
        var first = !topBitSet
        while shift > 0 {
            shift -= 8
            var b = UInt8(truncatingIfNeeded: magnitude >> UInt64(shift))
            if first && negative { b |= 0x80 }
            first = false
            out.append(b)
        }
    }

    // MARK: Scalar bodies

    /// Appends the minimal binary body of an int's magnitude (the type code says the sign).
    @inlinable
    package static func appendIntBody<Sink: BinaryByteSink>(_ value: IonInt, to out: inout Sink) {
        switch value {
        case .int64(let v): appendUInt(v.magnitude, to: &out)
        case .big(let v): out.append(contentsOf: bigEndianMagnitude(v.magnitude))
        }
    }

    /// Appends the minimal binary body of a decimal: exponent VarInt, then coefficient Int.
    /// Positive zero with exponent zero (`0.`) has an empty body.
    @inlinable
    package static func appendDecimalBody<Sink: BinaryByteSink>(_ value: IonDecimal, to out: inout Sink) {
        if value.coefficient.isZero && value.exponent == 0 && !value.isNegative { return }
        appendVarInt(value.exponent, to: &out)
        appendCoefficient(value.coefficient, negative: value.isNegative, to: &out)
    }

    @inlinable
    static func appendCoefficient<Sink: BinaryByteSink>(_ coefficient: IonInt, negative: Bool, to out: inout Sink) {
        switch coefficient {
        case .int64(let c): appendInt(c, negative: negative, to: &out)
        case .big(let c): appendInt(magnitude: bigEndianMagnitude(c.magnitude), negative: negative, to: &out)
        }
    }

    /// Appends the binary body of a timestamp: offset, then the UTC fields its precision includes.
    @inlinable
    package static func appendTimestampBody<Sink: BinaryByteSink>(_ t: IonTimestamp, to out: inout Sink) {
        if let offset = t.offsetMinutes {
            appendVarInt(Int64(offset), to: &out)
        } else {
            out.append(0xC0)  // VarInt negative zero: the unknown offset
        }
        let utc = t.utcFields
        appendVarUInt(utc.year, to: &out)
        guard t.precision >= .month else { return }
        appendVarUInt(utc.month, to: &out)
        guard t.precision >= .day else { return }
        appendVarUInt(utc.day, to: &out)
        guard t.precision >= .minute else { return }
        appendVarUInt(utc.hour, to: &out)
        appendVarUInt(utc.minute, to: &out)
        guard t.precision >= .second else { return }
        appendVarUInt(t.second, to: &out)
        // The inline fraction is written from its fields: making the `IonDecimal` that
        // `fraction` returns and reading it back cost more than the rest of the body.
        switch t.packedFraction {
        case .none:
            return
        case .small(let coefficient, let places):
            appendVarInt(magnitude: UInt64(places), negative: true, to: &out)
            if coefficient != 0 { appendInt(Int64(coefficient), negative: false, to: &out) }
        case .large(let fraction):
            appendVarInt(fraction.exponent, to: &out)
            if !fraction.coefficient.isZero {
                appendCoefficient(fraction.coefficient, negative: false, to: &out)
            }
        }
    }

    /// Appends the minimal body of a float: empty for positive zero, 4 bytes when a 32-bit float holds
    /// the value exactly, otherwise 8 bytes.
    @inlinable
    package static func appendFloatBody<Sink: BinaryByteSink>(_ value: Double, to out: inout Sink) {
        if value.bitPattern == 0 { return }
        let narrow = Float(value)
        if Double(narrow).bitPattern == value.bitPattern {
            appendFixed(UInt64(narrow.bitPattern), bytes: 4, to: &out)
        } else {
            appendFixed(value.bitPattern, bytes: 8, to: &out)
        }
    }

    @inlinable
    static func appendFixed<Sink: BinaryByteSink>(_ value: UInt64, bytes: Int, to out: inout Sink) {
        var shift = bytes * 8
        while shift > 0 {
            shift -= 8
            out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    /// Appends a type descriptor with type code `type` and body length `length`, using the VarUInt
    /// length form when the length is 14 or more.
    @inlinable
    package static func appendTypeDescriptor<Sink: BinaryByteSink>(type: UInt8, length: Int, to out: inout Sink) {
        if length < 14 {
            out.append(type << 4 | UInt8(length))
        } else {
            out.append(type << 4 | 14)
            appendVarUInt(length, to: &out)
        }
    }

    /// The binary version marker for Ion 1.0.
    package static let versionMarker: [UInt8] = [0xE0, 0x01, 0x00, 0xEA]
}
