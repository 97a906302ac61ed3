/// A shared symbol table: a named, versioned list of symbols that local symbol tables can import.
public struct SharedSymbolTable: Sendable, Hashable {
    /// The table's name.
    public var name: String
    /// The table's version, 1 or more.
    public var version: Int
    /// The symbols, in SID order. A `nil` entry is a slot with unknown text.
    public var symbols: [String?]

    /// Creates a shared symbol table.
    public init(name: String, version: Int = 1, symbols: [String?]) {
        self.name = name
        self.version = version
        self.symbols = symbols
    }

    /// The system symbol table of Ion 1.0 (`$ion`, version 1), which every symbol table imports implicitly.
    public static let system = SharedSymbolTable(
        name: "$ion", version: 1,
        symbols: [
            "$ion", "$ion_1_0", "$ion_symbol_table", "name", "version", "imports", "symbols", "max_id",
            "$ion_shared_symbol_table",
        ])
}

/// A collection of shared symbol tables that readers resolve imports against.
///
/// When a local symbol table imports a table the catalog does not hold, the imported symbols keep
/// unknown text (with their import location), as the Ion specification requires.
public struct IonCatalog: Sendable {
    private var tables: [String: [Int: SharedSymbolTable]] = [:]

    /// Creates a catalog holding `tables`.
    public init(_ tables: [SharedSymbolTable] = []) {
        for table in tables { add(table) }
    }

    /// Adds a table, replacing any table with the same name and version.
    public mutating func add(_ table: SharedSymbolTable) {
        tables[table.name, default: [:]][table.version] = table
    }

    /// The table with this name and version, or else the one with the highest version.
    ///
    /// Returns whether the match is exact along with the table.
    public func table(named name: String, version: Int) -> (table: SharedSymbolTable, isExact: Bool)? {
        guard let versions = tables[name] else { return nil }
        if let exact = versions[version] { return (exact, true) }
        guard let best = versions.max(by: { $0.key < $1.key }) else { return nil }
        return (best.value, false)
    }
}
