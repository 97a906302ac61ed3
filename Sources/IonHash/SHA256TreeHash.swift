import Ion
import QLDBCrypto
import QLDBPrimitives

/// Ion Hash with SHA-256 over an `IonValue` tree, each SHA-256's whole input gathered first.
///
/// The generic ``IonHasher`` hands the hash function a marker, a type qualifier or a
/// representation at a time. Here the input of each SHA-256 (a top-level value, or one struct
/// field's name and value) is written to one buffer and hashed in a single call to libcrypto.
/// The buffer is a stack: a struct's field inputs are written above the input that holds the
/// struct, hashed, and popped; their digests are kept in a region reserved inside that input,
/// sorted there and escaped over it. The bytes hashed are the generic path's, so the digests
/// are equal (tested on every value of the Ion Hash test vectors).
///
/// Invariant: bytes in `[0, top)` are the inputs being built, outermost first; a struct's digest
/// region lies in it. `grow` copies the whole old buffer, so a reservation above `top` made
/// before a call that grows the buffer keeps its bytes.
struct SHA256TreeHash: ~Copyable {
    private var base: UnsafeMutableRawPointer
    private var capacity: Int
    /// Whether `base` was allocated here (the first buffer is the caller's, on its stack).
    private var ownsBase = false
    private var top = 0
    /// Representations of nulls, bools, floats and numbers beyond 64 bits, reused.
    private var scratch: [UInt8] = []

    private static let begin = IonHashMarkers.beginMarker
    private static let end = IonHashMarkers.endMarker

    /// Runs `body` with a hasher whose first buffer, 1 KB, is on the stack: a document that fits
    /// (a licence document takes about 800 bytes at its deepest) hashes without allocating.
    /// A larger temporary allocation is put on the stack only where the runtime can tell the
    /// stack has room, which it cannot on a concurrency thread: it then allocates on the heap.
    static func with<R>(_ body: (inout SHA256TreeHash) -> R) -> R {
        withUnsafeTemporaryAllocation(byteCount: 1024, alignment: 8) { stack in
            var hash = SHA256TreeHash(base: stack.baseAddress!, capacity: stack.count)
            return body(&hash)
        }
    }

    private init(base: UnsafeMutableRawPointer, capacity: Int) {
        self.base = base
        self.capacity = capacity
    }

    deinit {
        if ownsBase { base.deallocate() }
    }

    /// The SHA-256 Ion hash of `value`, written to the 32 bytes at `out` (not inside this
    /// hasher's buffer).
    mutating func digest(of value: IonValue, into out: UnsafeMutableRawPointer) {
        append(value)
        reserve(SHA256Hasher.paddingRoom)
        SHA256Hasher.hash(paddingInPlace: base, count: top, into: out)
        top = 0
    }

    // MARK: Serialisation

    private mutating func append(_ value: IonValue) {
        if value.annotations.isEmpty {
            appendContent(value.content)
        } else {
            appendAnnotated(value)
        }
    }

    /// `B ‖ 0xE0 ‖ annotations ‖ content ‖ E`.
    private mutating func appendAnnotated(_ value: IonValue) {
        put(Self.begin, 0xE0)
        for annotation in value.annotations { appendSymbol(annotation) }
        appendContent(value.content)
        put(Self.end)
    }

    private mutating func appendContent(_ content: IonValue.Content) {
        switch content {
        case .struct(let fields):
            appendStruct(fields)
        case .list(let elements):
            appendSequence(elements, typeQualifier: 0xB0)
        case .sexp(let elements):
            appendSequence(elements, typeQualifier: 0xC0)
        case .string(let text):
            put(Self.begin, 0x80)
            putEscaped(utf8Of: text)
            put(Self.end)
        case .symbol(let symbol):
            appendSymbol(symbol)
        case .int(let i):
            if let count = BinaryEncoding.writeIntBody(i, to: scalarBody()) {
                appendScalar(typeQualifier: i.signum < 0 ? 0x30 : 0x20, bodyCount: count)
            } else {
                appendRepresentation(of: content)
            }
        case .blob(let bytes):
            put(Self.begin, 0xA0)
            bytes.withUnsafeBytes { putEscaped($0) }
            put(Self.end)
        case .clob(let bytes):
            put(Self.begin, 0x90)
            bytes.withUnsafeBytes { putEscaped($0) }
            put(Self.end)
        case .decimal(let d):
            if let count = BinaryEncoding.writeDecimalBody(d, to: scalarBody()) {
                appendScalar(typeQualifier: 0x50, bodyCount: count)
            } else {
                appendRepresentation(of: content)
            }
        case .timestamp(let t):
            if let count = BinaryEncoding.writeTimestampBody(t, to: scalarBody()) {
                appendScalar(typeQualifier: 0x60, bodyCount: count)
            } else {
                appendRepresentation(of: content)
            }
        default:
            appendRepresentation(of: content)
        }
    }

    /// Any scalar or null through the generic representation: nulls, bools, floats, and numbers
    /// with coefficients beyond 64 bits.
    private mutating func appendRepresentation(of content: IonValue.Content) {
        scratch.removeAll(keepingCapacity: true)
        let typeQualifier = IonHashMarkers.typeQualifierAndRepresentation(content, &scratch)
        put(Self.begin, typeQualifier)
        scratch.withUnsafeBytes { putEscaped($0) }
        put(Self.end)
    }

    private mutating func appendSequence(_ elements: [IonValue], typeQualifier: UInt8) {
        put(Self.begin, typeQualifier)
        elements.withUnsafeBufferPointer { elements in
            // The value's parts read in place: a copy of the whole value would retain and
            // release its annotations too.
            for i in 0..<elements.count {
                if elements[i].annotations.isEmpty {
                    appendContent(elements[i].content)
                } else {
                    appendAnnotated(elements[i])
                }
            }
        }
        put(Self.end)
    }

    /// Where a scalar's body is written, straight into the buffer after the `B ‖ TQ` that
    /// ``appendScalar(typeQualifier:bodyCount:)`` puts before it, with room reserved for the
    /// body (``BinaryBodyWriter/capacity`` bytes), its escaped form and the end marker.
    @inline(__always)
    private mutating func scalarBody() -> UnsafeMutableRawPointer {
        reserve(3 + 2 * BinaryBodyWriter.capacity + 8)
        return base + top + 2
    }

    /// `B ‖ TQ ‖ escape(body) ‖ E` for the body of `count` bytes written at ``scalarBody()``. A
    /// body holding a marker (rare) is copied out and escaped back.
    @inline(__always)
    private mutating func appendScalar(typeQualifier: UInt8, bodyCount count: Int) {
        put(Self.begin, typeQualifier)
        let body = UnsafeRawBufferPointer(start: base + top, count: count)
        if IonHashMarkers.holdsMarker(body) {
            var copy: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            withUnsafeMutableBytes(of: &copy) { copy in
                copy.copyMemory(from: body)
                putEscaped(UnsafeRawBufferPointer(rebasing: copy[..<count]))
            }
        } else {
            top += count
        }
        put(Self.end)
    }

    /// `B ‖ 0x70 ‖ escape(text) ‖ E`, or `B ‖ 0x71 ‖ E` for a symbol with unknown text.
    private mutating func appendSymbol(_ symbol: IonSymbol) {
        guard let text = symbol.text else {
            put(Self.begin, 0x71)
            put(Self.end)
            return
        }
        put(Self.begin, 0x70)
        putEscaped(utf8Of: text)
        put(Self.end)
    }

    /// Appends a string's UTF-8, escaped, read in place (no copy of the string).
    @inline(__always)
    private mutating func putEscaped(utf8Of text: String) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { putEscaped(UnsafeRawBufferPointer($0)) }
        if done == nil {
            var copy = text
            copy.withUTF8 { putEscaped(UnsafeRawBufferPointer($0)) }
        }
    }

    /// `B ‖ 0xD0 ‖ escape(d₁) ‖ … ‖ E` with the field digests `dᵢ` in unsigned byte order.
    ///
    /// The field digests go to the upper half of a region of twice their size reserved at
    /// `top`; once sorted they are escaped into the region from its start. Digest `k` escaped
    /// ends at most 64(k + 1) bytes into the region, which is where digest `k + 1` starts at the
    /// earliest (32n + 32(k + 1), k < n), so no digest is overwritten before it is read; each is
    /// read into registers before its own escaped form is written.
    private mutating func appendStruct(_ fields: IonStruct) {
        put(Self.begin, 0xD0)
        let fields = fields.fields
        let count = fields.count
        let region = top
        reserve(64 * count)
        let digests = region + 32 * count
        top = region + 64 * count
        for k in fields.indices {
            let input = top
            appendSymbol(fields[k].name)
            // The value's parts read in place, as in `appendSequence`.
            if fields[k].value.annotations.isEmpty {
                appendContent(fields[k].value.content)
            } else {
                appendAnnotated(fields[k].value)
            }
            reserve(SHA256Hasher.paddingRoom)
            SHA256Hasher.hash(paddingInPlace: base + input, count: top - input, into: base + digests + 32 * k)
            top = input
        }
        Self.sortDigests(base + digests, count: count)
        top = region
        for k in 0..<count { putEscapedDigest(at: digests + 32 * k) }
        put(Self.end)
    }

    /// Sorts `count` 32-byte digests at `start` in unsigned lexicographic order.
    private static func sortDigests(_ start: UnsafeMutableRawPointer, count: Int) {
        typealias Words = (UInt64, UInt64, UInt64, UInt64)
        /// The digest's bytes as four big-endian words: comparing words compares bytes.
        func key(_ i: Int) -> Words {
            let w = (start + 32 * i).loadUnaligned(as: Words.self)
            return (w.0.bigEndian, w.1.bigEndian, w.2.bigEndian, w.3.bigEndian)
        }
        guard count > 1 else { return }
        if count > 16 {
            var records = (0..<count).map { (key($0), (start + 32 * $0).loadUnaligned(as: Words.self)) }
            records.sort { $0.0 < $1.0 }
            for (i, record) in records.enumerated() { (start + 32 * i).storeBytes(of: record.1, as: Words.self) }
            return
        }
        // Insertion sort: a struct's few digests, almost always told apart by their first word.
        for i in 1..<count {
            let moving = (start + 32 * i).loadUnaligned(as: Words.self)
            let movingKey = key(i)
            var j = i
            while j > 0 {
                let previous = (start + 32 * (j - 1)).loadUnaligned(as: Words.self)
                let previousFirst = previous.0.bigEndian
                guard movingKey.0 < previousFirst || (movingKey.0 == previousFirst && movingKey < key(j - 1)) else {
                    break
                }
                (start + 32 * j).storeBytes(of: previous, as: Words.self)
                j -= 1
            }
            if j != i { (start + 32 * j).storeBytes(of: moving, as: Words.self) }
        }
    }

    /// Appends the 32-byte digest at `offset` in the buffer, escaped: four words stored as they
    /// are unless one holds a marker. The digest is read whole before anything is written.
    @inline(__always)
    private mutating func putEscapedDigest(at offset: Int) {
        let w = (base + offset).loadUnaligned(as: (UInt64, UInt64, UInt64, UInt64).self)
        if !(IonHashMarkers.holdsMarker(w.0) || IonHashMarkers.holdsMarker(w.1)
            || IonHashMarkers.holdsMarker(w.2) || IonHashMarkers.holdsMarker(w.3))
        {
            (base + top).storeBytes(of: w, as: (UInt64, UInt64, UInt64, UInt64).self)
            top += 32
            return
        }
        var digest = w
        withUnsafeBytes(of: &digest) { putEscaped($0) }
    }

    // MARK: The buffer

    @inline(__always)
    private mutating func reserve(_ count: Int) {
        if top + count > capacity { grow(top + count) }
    }

    private mutating func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 8)
        // The whole old buffer: a struct's digest region may lie above `top`.
        newBase.copyMemory(from: base, byteCount: capacity)
        if ownsBase { base.deallocate() }
        base = newBase
        capacity = newCapacity
        ownsBase = true
    }

    @inline(__always)
    private mutating func put(_ byte: UInt8) {
        reserve(1)
        base.storeBytes(of: byte, toByteOffset: top, as: UInt8.self)
        top += 1
    }

    @inline(__always)
    private mutating func put(_ first: UInt8, _ second: UInt8) {
        reserve(2)
        base.storeBytes(of: first, toByteOffset: top, as: UInt8.self)
        base.storeBytes(of: second, toByteOffset: top + 1, as: UInt8.self)
        top += 2
    }

    /// Appends `bytes`, escaped (`IonHashMarkers.escape(_:into:)`). `bytes` must not lie in
    /// this hasher's buffer.
    @inline(__always)
    private mutating func putEscaped(_ bytes: UnsafeRawBufferPointer) {
        reserve(2 * bytes.count + 8)
        top += IonHashMarkers.escape(bytes, into: base + top)
    }
}
