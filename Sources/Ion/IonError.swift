/// An error raised while reading, writing or interpreting Ion data.
///
/// Every error carries a ``code`` that callers match on, a human-readable ``reason`` that says what
/// was wrong, and, when the error comes from input bytes, the ``offset`` of the byte (counted from
/// the start of the input) where the problem was found.
///
/// Two errors compare equal when their codes are equal, so tests and callers can write
/// `#expect(throws: IonError.truncated)`-style checks without depending on the wording of the reason.
public struct IonError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem occurred. New codes may be added in future releases.
    public let code: Code
    /// A description of the problem, meant for people.
    public let reason: String
    /// The offset, in bytes from the start of the input, at which the problem was detected.
    public let offset: Int?
    /// For text input, the 1-based line and column (in bytes) of ``offset``.
    public let location: (line: Int, column: Int)?

    /// Creates an error.
    public init(_ code: Code, _ reason: String, offset: Int? = nil, location: (line: Int, column: Int)? = nil) {
        self.code = code
        self.reason = reason
        self.offset = offset
        self.location = location
    }

    /// Where the problem is, for people: `line:column` for text, the byte offset for binary.
    public var position: String? {
        if let location { return "\(location.line):\(location.column)" }
        return offset.map { String($0) }
    }

    public var description: String {
        if let location {
            return "IonError.\(code) at line \(location.line), column \(location.column): \(reason)"
        }
        if let offset {
            return "IonError.\(code) at byte \(offset): \(reason)"
        }
        return "IonError.\(code): \(reason)"
    }

    public static func == (lhs: IonError, rhs: IonError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// The kind of an ``IonError``.
    ///
    /// Codes are opaque values: new ones can be added without breaking `switch`es in client code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case truncated
            case invalidTypeDescriptor
            case invalidLength
            case invalidVersionMarker
            case invalidAnnotation
            case invalidUTF8
            case invalidInt
            case invalidFloat
            case invalidTimestamp
            case invalidDecimal
            case invalidSymbolTable
            case unknownSymbol
            case numericOverflow
            case invalidState
            case typeMismatch
            case nestingTooDeep
            case unsupported
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        public var description: String { base.rawValue }

        /// The input ended before a value, length or field it declared.
        public static let truncated = Code(.truncated)
        /// A type descriptor byte that Ion 1.0 does not define.
        public static let invalidTypeDescriptor = Code(.invalidTypeDescriptor)
        /// A length that disagrees with the type or with the bytes that follow.
        public static let invalidLength = Code(.invalidLength)
        /// A version marker for a version other than Ion 1.0, or one in a place it may not appear.
        public static let invalidVersionMarker = Code(.invalidVersionMarker)
        /// An annotation wrapper that is empty, nested, or does not match its value.
        public static let invalidAnnotation = Code(.invalidAnnotation)
        /// Text that is not well-formed UTF-8.
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// An integer that is malformed (for example a negative zero in binary).
        public static let invalidInt = Code(.invalidInt)
        /// A float with a length other than 0, 4 or 8 bytes.
        public static let invalidFloat = Code(.invalidFloat)
        /// A timestamp whose fields are missing, out of range or inconsistent.
        public static let invalidTimestamp = Code(.invalidTimestamp)
        /// A decimal that is malformed.
        public static let invalidDecimal = Code(.invalidDecimal)
        /// A local symbol table that breaks the rules of the Ion symbol table grammar.
        public static let invalidSymbolTable = Code(.invalidSymbolTable)
        /// A symbol ID that no symbol table in scope defines.
        public static let unknownSymbol = Code(.unknownSymbol)
        /// A number that does not fit the representation this library uses for it.
        public static let numericOverflow = Code(.numericOverflow)
        /// An API call made in a state where it is not allowed (for example `stepOut()` at top level).
        public static let invalidState = Code(.invalidState)
        /// A typed accessor called on a value of another type.
        public static let typeMismatch = Code(.typeMismatch)
        /// Containers nested deeper than the configured limit.
        public static let nestingTooDeep = Code(.nestingTooDeep)
        /// Valid input that this library does not support.
        public static let unsupported = Code(.unsupported)
    }
}

extension IonError {
    @usableFromInline
    @inline(never)
    static func truncated(_ what: String, at offset: Int) -> IonError {
        IonError(.truncated, "input ends inside \(what)", offset: offset)
    }
}
