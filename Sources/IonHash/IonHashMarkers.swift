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
            var escaped = [UInt8](repeating: 0, count: 2 * bytes.count + 8)
            let n = escaped.withUnsafeMutableBytes { escape(bytes, into: $0.baseAddress!) }
            escaped.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
            return
        }
        withUnsafeTemporaryAllocation(byteCount: 2 * stackLimit + 8, alignment: 8) { escaped in
            let n = escape(bytes, into: escaped.baseAddress!)
            hasher.update(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(escaped)[..<n]))
        }
    }

    @inline(__always)
    static func isMarker(_ b: UInt8) -> Bool { b == beginMarker || b == endMarker || b == escapeByte }

    /// Whether `bytes` holds a marker byte, checked eight bytes at a time (text rarely holds one,
    /// and 69 % of 32-byte field digests do not).
    @inline(__always)
    static func holdsMarker(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let count = bytes.count
        while i + 8 <= count {
            if holdsMarker(bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) { return true }
            i += 8
        }
        while i < count {
            if isMarker(bytes[i]) { return true }
            i += 1
        }
        return false
    }

    /// Whether some byte of `word` is a marker: 0x0B, 0x0C or 0x0E. Exact, so a word whose only
    /// byte in that range is 0x0D is copied whole (a fifth of the digests that would otherwise
    /// take the byte-wise path).
    @inline(__always)
    static func holdsMarker(_ word: UInt64) -> Bool {
        ByteWord.bytes(of: word, in: 0x0B...0x0E) & ~ByteWord.bytes(of: word, equalTo: 0x0D) != 0
    }

    /// Writes `bytes` to `out` with `0x0C` before every `0x0B`, `0x0E` and `0x0C` and returns the
    /// number of bytes written. `out` must have room for `2 * bytes.count + 8` bytes and not
    /// overlap `bytes`. Words with no marker are copied whole; the last 1 to 7 bytes are gathered
    /// with loads that stay inside them (`loadShort`) and, with no marker, stored as one word:
    /// nothing is read past `bytes`.
    ///
    /// No load spans the last word and the one before it: a small string or a scalar body is
    /// read from a copy just stored on the stack a word at a time, and a load that overlaps two
    /// such stores cannot be forwarded from them: it waits until both have reached the cache.
    @inline(__always)
    static func escape(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutableRawPointer) -> Int {
        let count = bytes.count
        guard count > 0 else { return 0 }
        let source = bytes.baseAddress!
        var written = 0
        var i = 0
        while i + 8 <= count {
            let word = source.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if holdsMarker(word) {
                for j in i..<(i + 8) {
                    written = escapeByte(source.load(fromByteOffset: j, as: UInt8.self), into: out, at: written)
                }
            } else {
                out.storeBytes(of: word, toByteOffset: written, as: UInt64.self)
                written += 8
            }
            i += 8
        }
        guard i < count else { return written }
        let last = loadShort(source + i, count: count - i)
        if !holdsMarker(last) {
            out.storeBytes(of: last.littleEndian, toByteOffset: written, as: UInt64.self)
            return written + count - i
        }
        while i < count {
            written = escapeByte(source.load(fromByteOffset: i, as: UInt8.self), into: out, at: written)
            i += 1
        }
        return written
    }

    /// The `count` (1 to 7) bytes at `source` as the low bytes of a word, in memory order when
    /// stored little-endian; the other bytes zero (not a marker).
    @inline(__always)
    static func loadShort(_ source: UnsafeRawPointer, count: Int) -> UInt64 {
        if count >= 4 {
            let low = UInt64(UInt32(littleEndian: source.loadUnaligned(as: UInt32.self)))
            let high = UInt64(UInt32(littleEndian: source.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)))
            return low | high << UInt64(8 * (count - 4))
        }
        let first = UInt64(source.load(as: UInt8.self))
        let middle = UInt64(source.load(fromByteOffset: count / 2, as: UInt8.self))
        let last = UInt64(source.load(fromByteOffset: count - 1, as: UInt8.self))
        return first | middle << UInt64(8 * (count / 2)) | last << UInt64(8 * (count - 1))
    }

    /// Writes `byte` at `offset` of `out`, escaped if it is a marker, and returns the offset after
    /// it. Without branches: the escape byte is always written and kept only before a marker (a
    /// marker in a digest is a coin toss that a branch would mispredict).
    @inline(__always)
    static func escapeByte(_ byte: UInt8, into out: UnsafeMutableRawPointer, at offset: Int) -> Int {
        out.storeBytes(of: escapeByte, toByteOffset: offset, as: UInt8.self)
        let at = offset &+ (isMarker(byte) ? 1 : 0)
        out.storeBytes(of: byte, toByteOffset: at, as: UInt8.self)
        return at &+ 1
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
