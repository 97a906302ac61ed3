import Ion
import QLDBCrypto

/// Ion Hash 1.0: a hash of an Ion value that depends only on its data model.
///
/// The same value hashes alike whatever its encoding: binary or text, any symbol table, padded
/// or minimal fields. Version markers, symbol IDs, NOP padding and lengths never reach the hash.
///
/// ```swift
/// let digest = IonHasher.sha256.digest(of: value)        // 32 bytes
/// var reader = try IonBinaryReader(bytes)
/// _ = try reader.next()
/// let same = try IonHasher.sha256.digest(of: &reader)    // hashed while reading, no DOM
/// ```
///
/// The serialisation hashed is, with `B = 0x0B`, `E = 0x0E` and `escape` inserting `0x0C`
/// before every `0x0B`, `0x0E` or `0x0C`:
///
/// ```
/// s(scalar)    = B ‖ TQ ‖ escape(representation) ‖ E
/// s(list|sexp) = B ‖ TQ ‖ s(child₁) ‖ … ‖ E
/// s(struct)    = B ‖ 0xD0 ‖ escape(sorted(h(s(name₁) ‖ s(value₁)), …)) ‖ E
/// s(annotated) = B ‖ 0xE0 ‖ s(annotation₁) ‖ … ‖ s(value) ‖ E
/// ```
///
/// Each part goes to the hash function in its own `update` call, in the order the Ion Hash test
/// vectors record.
public struct IonHasher<Function: IonHashFunction>: Sendable {
    /// The hash function in use.
    public let function: Function

    /// Creates a hasher over `function`.
    public init(_ function: Function) { self.function = function }

    /// The Ion hash of a value.
    public func digest(of value: IonValue) -> [UInt8] {
        var hasher = hashing(value)
        return hasher.finalize()
    }

    /// The Ion hash of a value, written to the start of `buffer` (which must have room for the
    /// digest: 32 bytes for SHA-256) with no array allocated for it.
    public func digest(of value: IonValue, into buffer: UnsafeMutableRawBufferPointer) {
        var hasher = hashing(value)
        hasher.finalize(into: buffer)
    }

    /// A new hasher fed the serialisation of `value`, ready to finalise.
    @inline(__always)
    func hashing(_ value: IonValue) -> Function.Hasher {
        var hasher = function.makeHasher()
        serialize(value, into: &hasher)
        return hasher
    }

    /// Feeds the Ion Hash serialisation of a value to `hasher`.
    public func serialize(_ value: IonValue, into hasher: inout Function.Hasher) {
        var scratch: [UInt8] = []
        serialize(value, into: &hasher, scratch: &scratch)
    }

    private func serialize(_ value: IonValue, into hasher: inout Function.Hasher, scratch: inout [UInt8]) {
        if value.annotations.isEmpty {
            serializeContent(value, into: &hasher, scratch: &scratch)
            return
        }
        IonHashMarkers.begin(&hasher, typeQualifier: 0xE0)
        for annotation in value.annotations { IonHashMarkers.symbol(annotation, into: &hasher) }
        serializeContent(value, into: &hasher, scratch: &scratch)
        IonHashMarkers.end(&hasher)
    }

    private func serializeContent(_ value: IonValue, into hasher: inout Function.Hasher, scratch: inout [UInt8]) {
        switch value.content {
        case .list(let elements), .sexp(let elements):
            IonHashMarkers.begin(&hasher, typeQualifier: value.type == .list ? 0xB0 : 0xC0)
            for element in elements { serialize(element, into: &hasher, scratch: &scratch) }
            IonHashMarkers.end(&hasher)
        case .struct(let fields):
            IonHashMarkers.begin(&hasher, typeQualifier: 0xD0)
            var digests = IonHashMarkers.FieldDigests(capacity: fields.count)
            for field in fields {
                var fieldHasher = function.makeHasher()
                IonHashMarkers.symbol(field.name, into: &fieldHasher)
                serialize(field.value, into: &fieldHasher, scratch: &scratch)
                digests.add(&fieldHasher)
            }
            IonHashMarkers.structDigests(&digests, into: &hasher)
        default:
            IonHashMarkers.scalar(value.content, into: &hasher, scratch: &scratch)
        }
    }
}

extension IonHasher where Function == SHA256IonHash {
    /// Ion Hash with SHA-256, as QLDB computes it.
    public static var sha256: IonHasher<SHA256IonHash> { IonHasher(SHA256IonHash()) }

    // The SHA-256 entry points again, concrete: other modules (QLDB's hashing, the ledger) then
    // call code specialised for SHA-256 in this module, instead of the generic code, which
    // reaches every hash update through witness tables.

    // Each SHA-256's input is gathered whole and hashed in one call (`SHA256TreeHash`).

    /// The Ion hash of a value.
    public func digest(of value: IonValue) -> [UInt8] {
        // A literal: the compiler allocates its storage directly, where `init(repeating:count:)`
        // calls the standard library's unspecialised allocation, which looks up the storage's
        // type metadata on every call (twice as long for a 32-byte array, docs/performance.md).
        var digest: [UInt8] = [
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ]
        digest.withUnsafeMutableBytes { buffer in
            SHA256TreeHash.with { $0.digest(of: value, into: buffer.baseAddress!) }
        }
        return digest
    }

    /// The Ion hash of a value, written to the start of `buffer` (32 bytes or more).
    public func digest(of value: IonValue, into buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count >= SHA256Hasher.byteCount, "a SHA-256 digest does not fit in \(buffer.count) bytes")
        SHA256TreeHash.with { $0.digest(of: value, into: buffer.baseAddress!) }
    }
}

extension IonHasher where Function == MD5IonHash {
    /// Ion Hash with MD5, as the Ion Hash test vectors use it.
    public static var md5: IonHasher<MD5IonHash> { IonHasher(MD5IonHash()) }
}
