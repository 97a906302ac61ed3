extension IonBinaryReader {
    @inline(__always)
    func requireCurrent(_ expected: IonType, _ accessor: String) throws -> Current {
        guard let c = current else {
            throw IonError(.invalidState, "\(accessor) called with no value under the cursor")
        }
        guard c.type == expected, !c.isNull else {
            throw IonError(
                .typeMismatch, "\(accessor) called on \(c.isNull ? "null." : "")\(c.type)", offset: c.offset)
        }
        return c
    }

    /// The field name of the value under the cursor, or `nil` outside a struct.
    ///
    /// - Throws: ``IonError/Code/unknownSymbol`` when the field name's symbol ID is out of range.
    public func fieldName() throws -> IonSymbol? {
        guard let c = current, c.fieldSID >= 0 else { return nil }
        return try resolve(c.fieldSID, at: c.offset, role: "field name")
    }

    /// The annotations of the value under the cursor, in order.
    public func annotations() throws -> [IonSymbol] {
        guard let c = current, c.annotationStart < c.annotationEnd else { return [] }
        return try bytes.withUnsafeBytes { try Self.annotations($0, of: c, symbols: symbols) }
    }

    /// The annotations of the value `c`, resolved through `symbols` (the reader, its tree and
    /// lazy values all read them here).
    static func annotations(_ buf: UnsafeRawBufferPointer, of c: Current, symbols: SymbolContext) throws
        -> [IonSymbol]
    {
        var result: [IonSymbol] = []
        var p = c.annotationStart
        while p < c.annotationEnd {
            let at = p
            let sid = try BinaryPrimitives.readVarUInt(buf, &p, end: c.annotationEnd, what: "an annotation")
            result.append(try symbols.resolve(sid, at: at, role: "annotation"))
        }
        return result
    }

    @inline(__always)
    func resolve(_ sid: Int, at offset: Int, role: String) throws -> IonSymbol {
        try symbols.resolve(sid, at: offset, role: role)
    }

    /// The value under the cursor as `Bool`.
    public func boolValue() throws -> Bool {
        let c = try requireCurrent(.bool, "boolValue()")
        return bytes.withUnsafeBytes { $0[c.headerOffset] & 0x0F == 1 }
    }

    /// The value under the cursor as an integer of any size.
    public func intValue() throws -> IonInt {
        let c = try requireCurrent(.int, "intValue()")
        return try bytes.withUnsafeBytes { buf in try Self.decodeInt(buf, c) }
    }

    /// The value under the cursor as `Int64`.
    ///
    /// - Throws: ``IonError/Code/numericOverflow`` when the integer does not fit.
    public func int64Value() throws -> Int64 {
        guard let v = try intValue().int64Value else {
            throw IonError(.numericOverflow, "int does not fit in Int64", offset: current?.offset)
        }
        return v
    }

    /// The value under the cursor as `Double` (32-bit floats are widened exactly).
    public func doubleValue() throws -> Double {
        let c = try requireCurrent(.float, "doubleValue()")
        return bytes.withUnsafeBytes { buf in Self.decodeFloat(buf, c) }
    }

    /// The value under the cursor as a decimal.
    public func decimalValue() throws -> IonDecimal {
        let c = try requireCurrent(.decimal, "decimalValue()")
        return try bytes.withUnsafeBytes { buf in try Self.decodeDecimal(buf, from: c.bodyStart, to: c.bodyEnd) }
    }

    /// The value under the cursor as a timestamp.
    public func timestampValue() throws -> IonTimestamp {
        let c = try requireCurrent(.timestamp, "timestampValue()")
        return try bytes.withUnsafeBytes { buf in try Self.decodeTimestamp(buf, c) }
    }

    /// The value under the cursor as a symbol token.
    public func symbolValue() throws -> IonSymbol {
        let c = try requireCurrent(.symbol, "symbolValue()")
        return try bytes.withUnsafeBytes { buf in try self.decodeSymbol(buf, c) }
    }

    /// The value under the cursor as a string.
    public func stringValue() throws -> String {
        let c = try requireCurrent(.string, "stringValue()")
        return try bytes.withUnsafeBytes { buf in try Self.decodeString(buf, c) }
    }

    /// The bytes of the blob or clob under the cursor.
    public func lobValue() throws -> [UInt8] {
        guard let c = current, c.type == .blob || c.type == .clob, !c.isNull else {
            throw IonError(
                .typeMismatch, "lobValue() called on \(current.map { "\($0.type)" } ?? "nothing")",
                offset: current?.offset)
        }
        return Array(bytes[bytes.startIndex + c.bodyStart..<bytes.startIndex + c.bodyEnd])
    }

    /// The raw bytes of the body of the value under the cursor (no header), without copying.
    public var rawBody: ArraySlice<UInt8>? {
        current.map { bytes[bytes.startIndex + $0.bodyStart..<bytes.startIndex + $0.bodyEnd] }
    }

    // MARK: Decoding bodies

    @usableFromInline
    static func decodeInt(_ buf: UnsafeRawBufferPointer, _ c: Current) throws -> IonInt {
        let negative = c.typeCode == 3
        if let magnitude = BinaryPrimitives.readUInt64(buf, from: c.bodyStart, to: c.bodyEnd) {
            if negative {
                guard magnitude != 0 else {
                    throw IonError(.invalidInt, "negative int with magnitude zero", offset: c.headerOffset)
                }
                if magnitude <= UInt64(Int64.max) { return .int64(-Int64(magnitude)) }
                if magnitude == UInt64(Int64.max) + 1 { return .int64(.min) }
            } else if magnitude <= UInt64(Int64.max) {
                return .int64(Int64(magnitude))
            }
        }
        return IonInt(negative: negative, magnitude: UnsafeRawBufferPointer(rebasing: buf[c.bodyStart..<c.bodyEnd]))
    }

    @usableFromInline
    static func decodeFloat(_ buf: UnsafeRawBufferPointer, _ c: Current) -> Double {
        let bits = BinaryPrimitives.readUInt64(buf, from: c.bodyStart, to: c.bodyEnd) ?? 0
        switch c.bodyEnd - c.bodyStart {
        case 0: return 0
        case 4: return Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
        default: return Double(bitPattern: bits)
        }
    }

    /// Reads a signed-magnitude Int field spanning `start..<end`: (sign, magnitude).
    @usableFromInline
    static func decodeSignedInt(_ buf: UnsafeRawBufferPointer, from start: Int, to end: Int) -> (
        negative: Bool, magnitude: IonInt
    ) {
        guard start < end else { return (false, 0) }
        let negative = buf[start] & 0x80 != 0
        var small: UInt64 = UInt64(buf[start] & 0x7F)
        var i = start + 1
        while i < end, small >> 56 == 0 {
            small = small << 8 | UInt64(buf[i])
            i += 1
        }
        if i == end, small <= UInt64(Int64.max) { return (negative, .int64(Int64(small))) }
        var bytes = Array(UnsafeRawBufferPointer(rebasing: buf[start..<end]))
        bytes[0] &= 0x7F
        return (negative, IonInt(negative: false, magnitude: bytes))
    }

    @usableFromInline
    static func decodeDecimal(_ buf: UnsafeRawBufferPointer, from start: Int, to end: Int) throws -> IonDecimal {
        guard start < end else { return IonDecimal(coefficient: 0, exponent: 0) }
        var p = start
        let (e, eNegative) = try BinaryPrimitives.readVarInt(buf, &p, end: end, what: "a decimal exponent")
        let exponent = eNegative ? -e : e
        let (negative, magnitude) = decodeSignedInt(buf, from: p, to: end)
        if magnitude.isZero { return IonDecimal(zeroWithExponent: exponent, negative: negative) }
        return IonDecimal(coefficient: negative ? negate(magnitude) : magnitude, exponent: exponent)
    }

    @usableFromInline
    static func negate(_ v: IonInt) -> IonInt {
        switch v {
        case .int64(let x): .int64(-x)
        case .big(let x): IonInt(-x)
        }
    }

    /// The fractional seconds of a timestamp in their stored form when they are short: one to nine
    /// places and a positive coefficient of at most four bytes that is less than one (milliseconds
    /// and microseconds, nearly always). `nil` for anything else, which the decimal path decodes
    /// and checks. The form equals the one that path makes of the same decimal.
    static func shortFraction(_ buf: UnsafeRawBufferPointer, from start: Int, to end: Int) -> IonTimestamp.Fraction? {
        // The exponent: one VarInt byte (end bit set), negative, 1...9 places.
        let exponentByte = buf[start]
        let places = Int(exponentByte & 0x3F)
        guard exponentByte & 0xC0 == 0xC0, (1...9).contains(places), end - start - 1 <= 4 else { return nil }
        var coefficient: UInt64 = 0
        for i in (start + 1)..<end { coefficient = coefficient << 8 | UInt64(buf[i]) }
        // A sign bit set in the first coefficient byte is a negative coefficient (or −0).
        if end - start > 1 && buf[start + 1] & 0x80 != 0 { return nil }
        var bound: UInt64 = 1
        for _ in 0..<places { bound &*= 10 }
        guard coefficient < bound else { return nil }
        return .small(coefficient: UInt32(coefficient), places: UInt8(places))
    }

    @usableFromInline
    static func decodeTimestamp(_ buf: UnsafeRawBufferPointer, _ c: Current) throws -> IonTimestamp {
        var p = c.bodyStart
        let end = c.bodyEnd
        let (offsetMagnitude, offsetNegative) = try BinaryPrimitives.readVarInt(
            buf, &p, end: end, what: "a timestamp offset")
        let offset: Int? =
            offsetNegative && offsetMagnitude == 0 ? nil : Int(offsetNegative ? -offsetMagnitude : offsetMagnitude)
        func field(_ name: String) throws -> Int {
            try BinaryPrimitives.readVarUInt(buf, &p, end: end, what: "a timestamp \(name)")
        }
        let year = try field("year")
        var month = 1
        var day = 1
        var hour = 0
        var minute = 0
        var second = 0
        var fraction: IonDecimal? = nil
        var shortFraction: IonTimestamp.Fraction? = nil
        var precision = IonTimestamp.Precision.year
        if p < end {
            month = try field("month")
            precision = .month
        }
        if p < end {
            day = try field("day")
            precision = .day
        }
        if p < end {
            hour = try field("hour")
            guard p < end else {
                throw IonError(.invalidTimestamp, "timestamp has an hour but no minute", offset: c.headerOffset)
            }
            minute = try field("minute")
            precision = .minute
        }
        if p < end {
            second = try field("second")
            precision = .second
        }
        if p < end {
            shortFraction = Self.shortFraction(buf, from: p, to: end)
            if shortFraction == nil { fraction = try decodeDecimal(buf, from: p, to: end) }
            precision = .fractionalSecond
            if let f = fraction, f.isNegative, !f.coefficient.isZero {
                throw IonError(.invalidTimestamp, "timestamp fraction \(f) is negative", offset: c.headerOffset)
            }
        }
        do {
            if let shortFraction {
                return try IonTimestamp(
                    utcYear: year, month: month, day: day, hour: hour, minute: minute, second: second,
                    checkedFraction: shortFraction, offsetMinutes: offset, precision: precision)
            }
            return try IonTimestamp(
                utcYear: year, month: month, day: day, hour: hour, minute: minute, second: second, fraction: fraction,
                offsetMinutes: offset, precision: precision)
        } catch {
            throw IonError(.invalidTimestamp, error.reason, offset: c.headerOffset)
        }
    }

    @usableFromInline
    func decodeSymbol(_ buf: UnsafeRawBufferPointer, _ c: Current) throws -> IonSymbol {
        guard let sid = BinaryPrimitives.readUInt64(buf, from: c.bodyStart, to: c.bodyEnd), sid <= UInt64(Int.max)
        else {
            throw IonError(.unknownSymbol, "symbol ID does not fit in 63 bits", offset: c.headerOffset)
        }
        return try resolve(Int(sid), at: c.headerOffset, role: "symbol value")
    }

    @usableFromInline
    static func decodeString(_ buf: UnsafeRawBufferPointer, _ c: Current) throws -> String {
        let raw = UnsafeRawBufferPointer(rebasing: buf[c.bodyStart..<c.bodyEnd])
        guard let s = UTF8Text.string(raw) else {
            throw IonError(.invalidUTF8, "string is not valid UTF-8", offset: c.headerOffset)
        }
        return s
    }
}
