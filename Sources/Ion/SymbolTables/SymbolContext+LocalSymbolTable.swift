extension SymbolContext {
    /// Applies a local symbol table (the struct annotated `$ion_symbol_table`) to this context.
    ///
    /// The grammar follows the Ion 1.0 symbols specification: `imports` is either the symbol
    /// `$ion_symbol_table` (append to the current table) or a list of import structs; `symbols` is
    /// a list in which anything but a non-null string declares a slot with unknown text; other
    /// fields are ignored; `imports` or `symbols` appearing twice is an error. Both the binary and
    /// the text reader hand their materialised table to this one function.
    ///
    /// - Throws: ``IonError/Code/invalidSymbolTable`` (the caller adds the position).
    mutating func apply(localSymbolTable table: IonStruct, catalog: IonCatalog) throws(IonError) {
        var importsField: IonValue? = nil
        var symbolsField: IonValue? = nil
        for field in table.fields {
            switch field.name.text {
            case "imports":
                guard importsField == nil else {
                    throw IonError(.invalidSymbolTable, "local symbol table has more than one 'imports' field")
                }
                importsField = field.value
            case "symbols":
                guard symbolsField == nil else {
                    throw IonError(.invalidSymbolTable, "local symbol table has more than one 'symbols' field")
                }
                symbolsField = field.value
            default:
                continue
            }
        }
        var newSymbols: [String?] = []
        if let symbolsField, case .list(let elements) = symbolsField.content {
            newSymbols = elements.map { element in
                if case .string(let s) = element.content { return s }
                return nil
            }
        }
        if let importsField, case .symbol(let s) = importsField.content, s.text == "$ion_symbol_table" {
            append(symbols: newSymbols)
            return
        }
        var declared: [Import] = []
        if let importsField, case .list(let entries) = importsField.content {
            for entry in entries {
                guard case .struct(let fields) = entry.content,
                    let table = try Self.resolveImport(fields, catalog: catalog)
                else {
                    continue
                }
                declared.append(table)
            }
        }
        var total = 10
        for table in declared {
            let (sum, overflow) = total.addingReportingOverflow(table.maxID)
            guard !overflow, sum < Int.max / 2 else {
                throw IonError(.invalidSymbolTable, "imports declare more symbols than fit in 62 bits")
            }
            total = sum
        }
        reset(imports: declared, symbols: newSymbols)
    }

    /// Resolves one import struct against the catalog; `nil` for imports the specification says to ignore.
    private static func resolveImport(_ fields: IonStruct, catalog: IonCatalog) throws(IonError) -> Import? {
        guard case .string(let name)? = fields["name"]?.content, !name.isEmpty, name != "$ion" else { return nil }
        var version = 1
        if case .int(let v)? = fields["version"]?.content, let small = v.int64Value, small >= 1,
            let v = Int(exactly: small)
        {
            version = v
        }
        var maxID: Int? = nil
        if let declared = fields["max_id"] {
            guard case .int(let v) = declared.content, let small = v.int64Value, small >= 0, let m = Int(exactly: small)
            else {
                throw IonError(
                    .invalidSymbolTable, "import of '\(name)' has max_id \(declared), which is not a non-negative int")
            }
            maxID = m
        }
        let found = catalog.table(named: name, version: version)
        if let found, found.isExact, maxID == nil {
            maxID = found.table.symbols.count
        }
        guard let maxID else {
            throw IonError(
                .invalidSymbolTable,
                "import of '\(name)' version \(version) has no max_id and the catalog has no exact match")
        }
        let symbols = found.map { Array($0.table.symbols.prefix(maxID)) } ?? []
        return Import(name: name, version: version, maxID: maxID, symbols: symbols, firstSID: 0)
    }
}
