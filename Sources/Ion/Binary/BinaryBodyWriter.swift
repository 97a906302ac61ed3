/// Writes one scalar body into memory its caller reserved: Ion Hash writes decimal, timestamp and
/// int bodies straight into the buffer of the input it hashes.
package struct BinaryBodyWriter: BinaryByteSink {
    /// The most bytes a body written here takes: an int's 64-bit magnitude takes 8; a decimal or
    /// a timestamp whose coefficients fit in 64 bits at most 28 (a timestamp's offset and year
    /// take 2 each, its five other fields 1 each, a fraction's exponent 10 and its coefficient 9).
    package static let capacity = 32

    private let start: UnsafeMutableRawPointer
    /// The bytes written are the first `count` at `start`.
    private(set) var count = 0

    init(start: UnsafeMutableRawPointer) { self.start = start }

    package mutating func append(_ byte: UInt8) {
        precondition(count < Self.capacity, "a scalar body longer than \(Self.capacity) bytes")
        start.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    package mutating func append<Bytes: Sequence>(contentsOf bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes { append(byte) }
    }
}

// Concrete entry points, specialised here: another module's call to the generic `@inlinable
// package` functions of `BinaryEncoding` is neither inlined nor specialised (the compiler uses
// the bodies of public inlinable declarations only), so it would write each byte through a
// witness table.
extension BinaryEncoding {
    /// Writes the minimal body of an int's magnitude at `start` (room for
    /// ``BinaryBodyWriter/capacity`` bytes) and returns its length, or returns nil, writing
    /// nothing, when the int needs more than 64 bits.
    package static func writeIntBody(_ value: IonInt, to start: UnsafeMutableRawPointer) -> Int? {
        guard case .int64(let v) = value else { return nil }
        var body = BinaryBodyWriter(start: start)
        appendUInt(v.magnitude, to: &body)
        return body.count
    }

    /// Writes the minimal body of a decimal at `start` (room for ``BinaryBodyWriter/capacity``
    /// bytes) and returns its length, or returns nil, writing nothing, when its coefficient needs
    /// more than 64 bits.
    package static func writeDecimalBody(_ value: IonDecimal, to start: UnsafeMutableRawPointer) -> Int? {
        guard value.coefficient.int64Value != nil else { return nil }
        var body = BinaryBodyWriter(start: start)
        appendDecimalBody(value, to: &body)
        return body.count
    }

    /// Writes the body of a timestamp at `start` (room for ``BinaryBodyWriter/capacity`` bytes)
    /// and returns its length, or returns nil, writing nothing, when its fraction's coefficient
    /// needs more than 64 bits.
    package static func writeTimestampBody(_ value: IonTimestamp, to start: UnsafeMutableRawPointer) -> Int? {
        if case .large(let fraction) = value.packedFraction, fraction.coefficient.int64Value == nil { return nil }
        var body = BinaryBodyWriter(start: start)
        appendTimestampBody(value, to: &body)
        return body.count
    }
}
