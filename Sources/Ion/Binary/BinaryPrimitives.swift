/// Readers for the primitive fields of Ion binary over a raw buffer.
///
/// Every function checks its bounds against `end` and reports problems with the offset of the
/// field that caused them. None of them allocates.
@usableFromInline
enum BinaryPrimitives {
    /// Reads a VarUInt at `pos`, advancing it. Leading zero groups are allowed.
    @inlinable
    static func readVarUInt(_ buf: UnsafeRawBufferPointer, _ pos: inout Int, end: Int, what: @autoclosure () -> String)
        throws(IonError) -> Int
    {
        let start = pos
        var result = 0
        while true {
            guard pos < end else { throw IonError.truncated(what(), at: start) }
            let b = buf[pos]
            pos += 1
            guard result <= (Int.max >> 7) else {
                throw IonError(.numericOverflow, "\(what()) does not fit in 63 bits", offset: start)
            }
            result = result << 7 | Int(b & 0x7F)
            if b & 0x80 != 0 { return result }
        }
    }

    /// Reads a VarInt at `pos`, advancing it. Returns the magnitude and the sign bit separately so
    /// that negative zero (the unknown timestamp offset) can be told apart.
    @inlinable
    static func readVarInt(_ buf: UnsafeRawBufferPointer, _ pos: inout Int, end: Int, what: @autoclosure () -> String)
        throws(IonError) -> (magnitude: Int64, negative: Bool)
    {
        let start = pos
        guard pos < end else { throw IonError.truncated(what(), at: start) }
        let first = buf[pos]
        pos += 1
        let negative = first & 0x40 != 0
        var magnitude = Int64(first & 0x3F)
        if first & 0x80 != 0 { return (magnitude, negative) }
        while true {
            guard pos < end else { throw IonError.truncated(what(), at: start) }
            let b = buf[pos]
            pos += 1
            guard magnitude <= (Int64.max >> 7) else {
                throw IonError(.numericOverflow, "\(what()) does not fit in 64 bits", offset: start)
            }
            magnitude = magnitude << 7 | Int64(b & 0x7F)
            if b & 0x80 != 0 { return (magnitude, negative) }
        }
    }

    /// Reads a UInt field spanning `start..<end`. Returns `nil` if the value needs more than 64 bits.
    @inlinable
    static func readUInt64(_ buf: UnsafeRawBufferPointer, from start: Int, to end: Int) -> UInt64? {
        var result: UInt64 = 0
        var i = start
        while i < end {
            let b = buf[i]
            guard result >> 56 == 0 else { return nil }
            result = result << 8 | UInt64(b)
            i += 1
        }
        return result
    }
}
