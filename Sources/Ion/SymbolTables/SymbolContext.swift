/// The symbols in scope at one point of an Ion stream: the system table, imports, then local symbols.
///
/// Symbol IDs are resolved without materialising imported ranges, so an import that declares a huge
/// `max_id` costs nothing until one of its IDs is used.
package struct SymbolContext: Sendable {
    /// One imported shared table as the stream declared it.
    package struct Import: Sendable, Hashable {
        /// The table name.
        package var name: String
        /// The version the stream asked for.
        package var version: Int
        /// How many SIDs the import occupies.
        package var maxID: Int
        /// The symbols found in the catalog (possibly fewer than ``maxID``; the rest have unknown text).
        package var symbols: [String?]
        /// The first SID of this import.
        package var firstSID: Int
    }

    /// The imports after the system table, in SID order.
    package private(set) var imports: [Import] = []
    /// The local symbols, in SID order; `nil` is a slot with unknown text.
    package private(set) var localSymbols: [String?] = []
    /// The SID of the first local symbol.
    package private(set) var localStart: Int = 10

    /// The system symbol context: only `$ion`'s nine symbols.
    package init() {}

    /// The highest SID in scope.
    package var maxID: Int { localStart + localSymbols.count - 1 }

    /// The symbol for a SID, or `nil` when the SID is out of range.
    @inlinable
    package func symbol(forID sid: Int) -> IonSymbol? {
        if sid >= localStart {
            let i = sid - localStart
            guard i < localSymbols.count else { return nil }
            if let text = localSymbols[i] { return IonSymbol(text) }
            return .zero
        }
        if sid == 0 { return .zero }
        if sid < 10 { return IonSymbol(SharedSymbolTable.system.symbols[sid - 1]!) }
        return importedSymbol(forID: sid)
    }

    /// Whether the text of a SID is `name` (false when the SID is out of range or its text is
    /// unknown): a field name compared with a known name where the text is kept, without making a
    /// symbol or copying the text.
    @inlinable
    package func hasText(_ name: String, forID sid: Int) -> Bool {
        if sid >= localStart {
            let i = sid - localStart
            return i < localSymbols.count && localSymbols[i] == name
        }
        return symbol(forID: sid)?.text == name
    }

    /// The symbol for a SID read at `offset` as a `role` ("field name", "annotation", …).
    ///
    /// - Throws: ``IonError/Code/unknownSymbol`` naming the SID and the highest in scope.
    package func resolve(_ sid: Int, at offset: Int, role: String) throws(IonError) -> IonSymbol {
        guard let symbol = symbol(forID: sid) else { throw undefined(sid, at: offset, role: role) }
        return symbol
    }

    /// The error for a SID beyond the highest in scope.
    package func undefined(_ sid: Int, at offset: Int, role: String) -> IonError {
        IonError(
            .unknownSymbol, "\(role) symbol ID \(sid) is not defined (the highest in scope is \(maxID))", offset: offset
        )
    }

    @usableFromInline
    func importedSymbol(forID sid: Int) -> IonSymbol? {
        for table in imports where sid >= table.firstSID && sid < table.firstSID + table.maxID {
            let position = sid - table.firstSID
            if position < table.symbols.count, let text = table.symbols[position] { return IonSymbol(text) }
            return IonSymbol(importLocation: .init(tableName: table.name, position: position + 1))
        }
        return nil
    }

    /// Import declarations for a writer: consecutive SID ranges from 10 on; returns them and the
    /// first SID after them (where local symbols start).
    static func declarations(for imports: [SharedSymbolTableImport]) -> (imports: [Import], firstLocalSID: Int) {
        var next = 10
        var declared: [Import] = []
        for i in imports {
            declared.append(Import(name: i.name, version: i.version, maxID: i.maxID, symbols: [], firstSID: next))
            next += i.maxID
        }
        return (declared, next)
    }

    /// A context that imports `tables` (each described by name, version and max_id) then defines `symbols`.
    mutating func reset(imports declared: [Import], symbols: [String?]) {
        var next = 10
        imports = declared.map { table in
            var t = table
            t.firstSID = next
            next += t.maxID
            return t
        }
        localStart = next
        localSymbols = symbols
    }

    /// Appends local symbols to the current context (an LST with `imports: $ion_symbol_table`).
    mutating func append(symbols: [String?]) {
        localSymbols.append(contentsOf: symbols)
    }
}
