import Ion

/// An ``IonWriter`` that computes the Ion hash of every top-level value written to it, from the
/// writer calls alone (nothing is encoded).
///
/// ```swift
/// var writer = IonHashingWriter(SHA256IonHash())
/// try writer.write(value)
/// let digest = writer.digests.last
/// ```
public struct IonHashingWriter<Function: IonHashFunction>: IonWriter {
    struct Frame {
        var type: IonType
        var annotated: Bool
        var fieldDigests: IonHashMarkers.FieldDigests
        /// Whether this container is itself a struct field (its hasher is the field's own).
        var isField: Bool
    }

    private let function: Function
    /// Hashers in use, innermost last: the top-level value's, then one per struct field open.
    private var hashers: [Function.Hasher] = []
    private var frames: [Frame] = []
    private var pendingField: IonSymbol? = nil
    private var pendingAnnotations: [IonSymbol] = []
    /// The digest of each top-level value written, in order.
    public private(set) var digests: [[UInt8]] = []

    /// Creates a hashing writer over a hash function.
    public init(_ function: Function) { self.function = function }

    public var depth: Int { frames.count }

    public mutating func setFieldName(_ name: String) { pendingField = IonSymbol(name) }
    public mutating func setFieldName(_ name: IonSymbol) throws { pendingField = name }
    public mutating func addAnnotation(_ text: String) { pendingAnnotations.append(IonSymbol(text)) }
    public mutating func addAnnotation(_ symbol: IonSymbol) throws { pendingAnnotations.append(symbol) }

    /// Starts a value: a hasher for a top-level value or a struct field, then the annotation wrapper.
    /// Returns whether the value opened a field hasher and whether it is annotated.
    private mutating func beginValue() throws -> (isField: Bool, annotated: Bool) {
        let inStruct = frames.last?.type == .struct
        if frames.isEmpty || inStruct {
            var hasher = function.makeHasher()
            if inStruct {
                guard let name = pendingField else {
                    throw IonError(
                        .invalidState, "a value inside a struct needs a field name; call setFieldName(_:) first")
                }
                IonHashMarkers.symbol(name, into: &hasher)
            }
            hashers.append(hasher)
        }
        pendingField = nil
        let annotated = !pendingAnnotations.isEmpty
        if annotated {
            IonHashMarkers.begin(&hashers[hashers.count - 1], typeQualifier: 0xE0)
            for annotation in pendingAnnotations {
                IonHashMarkers.symbol(annotation, into: &hashers[hashers.count - 1])
            }
            pendingAnnotations.removeAll()
        }
        return (inStruct, annotated)
    }

    /// Ends a value: closes the annotation wrapper and hands a finished hasher's digest on.
    private mutating func endValue(isField: Bool, annotated: Bool) {
        if annotated { IonHashMarkers.end(&hashers[hashers.count - 1]) }
        if isField {
            var hasher = hashers.removeLast()
            frames[frames.count - 1].fieldDigests.add(&hasher)
        } else if frames.isEmpty {
            var hasher = hashers.removeLast()
            digests.append(hasher.finalize())
        }
    }

    private mutating func scalar(_ content: IonValue.Content) throws {
        let (isField, annotated) = try beginValue()
        IonHashMarkers.scalar(content, into: &hashers[hashers.count - 1])
        endValue(isField: isField, annotated: annotated)
    }

    public mutating func writeNull(_ type: IonType) throws { try scalar(.null(type)) }
    public mutating func write(bool value: Bool) throws { try scalar(.bool(value)) }
    public mutating func write(int value: Int64) throws { try scalar(.int(.int64(value))) }
    public mutating func write(int value: IonInt) throws { try scalar(.int(value)) }
    public mutating func write(float value: Double) throws { try scalar(.float(value)) }
    public mutating func write(decimal value: IonDecimal) throws { try scalar(.decimal(value)) }
    public mutating func write(timestamp value: IonTimestamp) throws { try scalar(.timestamp(value)) }
    public mutating func write(symbol text: String) throws { try scalar(.symbol(IonSymbol(text))) }
    public mutating func write(symbol: IonSymbol) throws { try scalar(.symbol(symbol)) }
    public mutating func write(string value: String) throws { try scalar(.string(value)) }
    public mutating func write(clob bytes: some Collection<UInt8>) throws { try scalar(.clob(Array(bytes))) }
    public mutating func write(blob bytes: some Collection<UInt8>) throws { try scalar(.blob(Array(bytes))) }

    public mutating func stepIn(_ type: IonType) throws {
        guard type.isContainer else {
            throw IonError(.invalidState, "stepIn(_:) needs list, sexp or struct, not \(type)")
        }
        let (isField, annotated) = try beginValue()
        IonHashMarkers.begin(
            &hashers[hashers.count - 1], typeQualifier: type == .list ? 0xB0 : type == .sexp ? 0xC0 : 0xD0)
        frames.append(
            Frame(
                type: type, annotated: annotated, fieldDigests: IonHashMarkers.FieldDigests(capacity: 8),
                isField: isField))
    }

    public mutating func stepOut() throws {
        guard var frame = frames.popLast() else {
            throw IonError(.invalidState, "stepOut() called with no open container")
        }
        if frame.type == .struct {
            IonHashMarkers.structDigests(&frame.fieldDigests, into: &hashers[hashers.count - 1])
        } else {
            IonHashMarkers.end(&hashers[hashers.count - 1])
        }
        endValue(isField: frame.isField, annotated: frame.annotated)
    }
}
