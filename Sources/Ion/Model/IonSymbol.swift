/// A symbol token: a symbol's text, or where its text would be defined when the text is unknown.
///
/// Ion symbols usually have text. Binary Ion refers to symbols by ID, and an ID can map to a slot
/// whose text is unknown: a slot of a shared symbol table that the reader's catalog does not hold
/// (the token then keeps its ``importLocation``), a `null` slot of a local symbol table, or symbol
/// zero (`$0`). Symbols with unknown text and no import location are all equivalent to `$0`.
public struct IonSymbol: Sendable, Hashable, CustomStringConvertible {
    @usableFromInline
    enum Storage: Sendable, Hashable {
        case text(String)
        indirect case imported(ImportLocation)
        case zero
    }

    @usableFromInline let storage: Storage

    /// The symbol's text, or `nil` when the text is unknown.
    @inlinable
    public var text: String? {
        if case .text(let t) = storage { return t }
        return nil
    }

    /// Where an unknown symbol is defined, when it comes from a shared table the catalog lacked.
    public var importLocation: ImportLocation? {
        if case .imported(let location) = storage { return location }
        return nil
    }

    /// Creates a symbol with known text.
    @inlinable
    public init(_ text: String) {
        self.storage = .text(text)
    }

    /// Creates a symbol with unknown text from a slot of a shared symbol table.
    public init(importLocation: ImportLocation) {
        self.storage = .imported(importLocation)
    }

    /// Symbol zero (`$0`): a symbol whose text is unknown in every context.
    public static let zero = IonSymbol(storage: .zero)

    @usableFromInline
    init(storage: Storage) { self.storage = storage }

    /// Whether this symbol's text is unknown.
    public var hasUnknownText: Bool { text == nil }

    public var description: String {
        switch storage {
        case .text(let text): text
        case .imported(let location): "$\(location.tableName)#\(location.position)"
        case .zero: "$0"
        }
    }

    /// Where a symbol with unknown text is defined: a shared table name and a 1-based position in it.
    public struct ImportLocation: Sendable, Hashable {
        /// The name of the shared symbol table.
        public var tableName: String
        /// The 1-based position of the symbol within that table.
        public var position: Int

        /// Creates an import location.
        public init(tableName: String, position: Int) {
            self.tableName = tableName
            self.position = position
        }
    }
}

extension IonSymbol: ExpressibleByStringLiteral {
    /// Creates a symbol from a string literal.
    public init(stringLiteral value: String) { self.init(value) }
}
