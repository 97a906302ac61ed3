import Ion
import QLDBPrimitives

/// The byte-level parts of the Ion Hash serialisation, shared by the value, reader and writer paths.
enum IonHashMarkers {
    static let beginMarker: UInt8 = 0x0B
    static let endMarker: UInt8 = 0x0E
    static let escapeByte: UInt8 = 0x0C

    @inline(__always)
    static func update<H: IonHashFunctionHasher>(_ hasher: inout H, byte: UInt8) {
        withUnsafeBytes(of: byte) { hasher.update($0) }
    }

    @inline(__always)
    static func begin<H: IonHashFunctionHasher>(_ hasher: inout H, typeQualifier: UInt8) {
        update(&hasher, byte: beginMarker)
        update(&hasher, byte: typeQualifier)
    }

    @inline(__always)
    static func end<H: IonHashFunctionHasher>(_ hasher: inout H) {
        update(&hasher, byte: endMarker)
    }

    /// Feeds `bytes` with every marker byte escaped, as one update.
    static func updateEscaped<H: IonHashFunctionHasher>(_ hasher: inout H, _ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        guard holdsMarker(bytes) else {
            hasher.update(bytes)
            return
        }
        // A third of all field digests (32 bytes) hold a marker byte: escape them on the stack.
        // The escaped bytes still go to the hash as one update.
        let stackLimit = 128
        guard bytes.count <= stackLimit else {
            var escaped: [UInt8] = []
            escaped.reserveCapacity(bytes.count + 8)
            for b in bytes {
                if isMarker(b) { escaped.append(escapeByte) }
                escaped.append(b)
            }
            escaped.withUnsafeBytes { hasher.update($0) }
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * stackLimit) { escaped in
            var n = 0
            for b in bytes {
                if isMarker(b) {
                    escaped[n] = escapeByte
                    n += 1
                }
                escaped[n] = b
                n += 1
            }
            hasher.update(UnsafeRawBufferPointer(start: escaped.baseAddress, count: n))
        }
    }

    @inline(__always)
    static func isMarker(_ b: UInt8) -> Bool { b == beginMarker || b == endMarker || b == escapeByte }

    /// Whether `bytes` holds a marker byte, checked eight bytes at a time (text rarely does, and
    /// two thirds of 32-byte field digests do not).
    @inline(__always)
    static func holdsMarker(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let count = bytes.count
        while i + 8 <= count {
            let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if ByteWord.hasByte(word, equalTo: beginMarker) || ByteWord.hasByte(word, equalTo: endMarker)
                || ByteWord.hasByte(word, equalTo: escapeByte)
            {
                return true
            }
            i += 8
        }
        while i < count {
            if isMarker(bytes[i]) { return true }
            i += 1
        }
        return false
    }

    static func updateEscaped<H: IonHashFunctionHasher>(_ hasher: inout H, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { updateEscaped(&hasher, $0) }
    }

    /// `B ‖ TQ ‖ escape(representation) ‖ E` for a scalar or a null.
    static func scalar<H: IonHashFunctionHasher>(_ content: IonValue.Content, into hasher: inout H) {
        var scratch: [UInt8] = []
        scalar(content, into: &hasher, scratch: &scratch)
    }

    /// As ``scalar(_:into:)``, building number representations in `scratch` (reused by the caller).
    static func scalar<H: IonHashFunctionHasher>(
        _ content: IonValue.Content, into hasher: inout H, scratch: inout [UInt8]
    ) {
        switch content {
        case .string(var text):
            // Text and lobs are their own representation: hash them in place, without a copy.
            begin(&hasher, typeQualifier: 0x80)
            text.withUTF8 { updateEscaped(&hasher, UnsafeRawBufferPointer($0)) }
            end(&hasher)
        case .symbol(let s):
            symbol(s, into: &hasher)
        case .clob(let bytes):
            begin(&hasher, typeQualifier: 0x90)
            bytes.withUnsafeBytes { updateEscaped(&hasher, $0) }
            end(&hasher)
        case .blob(let bytes):
            begin(&hasher, typeQualifier: 0xA0)
            bytes.withUnsafeBytes { updateEscaped(&hasher, $0) }
            end(&hasher)
        default:
            scratch.removeAll(keepingCapacity: true)
            let tq = typeQualifierAndRepresentation(content, &scratch)
            begin(&hasher, typeQualifier: tq)
            updateEscaped(&hasher, scratch)
            end(&hasher)
        }
    }

    /// `B ‖ 0x70 ‖ escape(text) ‖ E`; symbols with unknown text hash as `$0` (`B ‖ 0x71 ‖ E`).
    static func symbol<H: IonHashFunctionHasher>(_ symbol: IonSymbol, into hasher: inout H) {
        guard var text = symbol.text else {
            begin(&hasher, typeQualifier: 0x71)
            end(&hasher)
            return
        }
        begin(&hasher, typeQualifier: 0x70)
        text.withUTF8 { updateEscaped(&hasher, UnsafeRawBufferPointer($0)) }
        end(&hasher)
    }

    /// Field digests of one struct, kept end to end in one buffer rather than an array each.
    struct FieldDigests {
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []

        init(capacity: Int) {
            bytes.reserveCapacity(capacity * 32)
            ranges.reserveCapacity(capacity)
        }

        mutating func add<H: IonHashFunctionHasher>(_ hasher: inout H) {
            let start = bytes.count
            hasher.finalize(appendingTo: &bytes)
            ranges.append(start..<bytes.count)
        }
    }

    /// The end of a struct from a ``FieldDigests`` buffer: the digests in unsigned order, each escaped, then `E`.
    static func structDigests<H: IonHashFunctionHasher>(_ digests: inout FieldDigests, into hasher: inout H) {
        digests.bytes.withUnsafeBytes { all in
            digests.ranges.sort { all[$0].lexicographicallyPrecedes(all[$1]) }
            for range in digests.ranges { updateEscaped(&hasher, UnsafeRawBufferPointer(rebasing: all[range])) }
        }
        end(&hasher)
    }

    /// The type qualifier of a scalar (or null) and its minimal binary representation.
    static func typeQualifierAndRepresentation(_ content: IonValue.Content, _ out: inout [UInt8]) -> UInt8 {
        switch content {
        case .null(let type):
            return type == .null ? 0x0F : (type == .int ? 0x2F : type.rawValue << 4 | 0x0F)
        case .bool(let b):
            return b ? 0x11 : 0x10
        case .int(let i):
            BinaryEncoding.appendIntBody(i, to: &out)
            return i.signum < 0 ? 0x30 : 0x20
        case .float(let d):
            // Always eight bytes (32-bit floats widened), every NaN alike; positive zero is empty.
            if d.bitPattern != 0 {
                let bits = d.isNaN ? 0x7FF8_0000_0000_0000 : d.bitPattern
                for shift in stride(from: 56, through: 0, by: -8) {
                    out.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift)))
                }
            }
            return 0x40
        case .decimal(let d):
            BinaryEncoding.appendDecimalBody(d, to: &out)
            return 0x50
        case .timestamp(let t):
            BinaryEncoding.appendTimestampBody(t, to: &out)
            return 0x60
        case .symbol(let s):
            guard let text = s.text else { return 0x71 }
            out.append(contentsOf: text.utf8)
            return 0x70
        case .string(let s):
            out.append(contentsOf: s.utf8)
            return 0x80
        case .clob(let bytes):
            out.append(contentsOf: bytes)
            return 0x90
        case .blob(let bytes):
            out.append(contentsOf: bytes)
            return 0xA0
        case .list: return 0xB0
        case .sexp: return 0xC0
        case .struct: return 0xD0
        }
    }
}
