extension IonBinaryReader {
    /// Reads the local symbol table under the cursor and makes it the current symbol context.
    ///
    /// The grammar follows the Ion 1.0 symbols specification: `imports` is either the symbol
    /// `$ion_symbol_table` (append to the current table) or a list of import structs; `symbols` is
    /// a list in which anything but a non-null string declares a slot with unknown text; other
    /// fields are ignored; `imports` or `symbols` appearing twice is an error.
    mutating func loadLocalSymbolTable() throws {
        let tableOffset = current?.offset
        try stepIn()
        var sawImports = false
        var sawSymbols = false
        var appends = false
        var declared: [SymbolContext.Import] = []
        var newSymbols: [String?] = []
        while let type = try next() {
            let name = try fieldName()?.text
            switch name {
            case "imports":
                guard !sawImports else {
                    throw IonError(.invalidSymbolTable, "local symbol table has more than one 'imports' field", offset: current?.offset)
                }
                sawImports = true
                if type == .symbol, !isNull {
                    appends = try symbolValue().text == "$ion_symbol_table"
                } else if type == .list, !isNull {
                    try stepIn()
                    while let element = try next() {
                        if element == .struct, !isNull, let table = try readImport() {
                            declared.append(table)
                        }
                    }
                    try stepOut()
                }
            case "symbols":
                guard !sawSymbols else {
                    throw IonError(.invalidSymbolTable, "local symbol table has more than one 'symbols' field", offset: current?.offset)
                }
                sawSymbols = true
                if type == .list, !isNull {
                    try stepIn()
                    while let element = try next() {
                        newSymbols.append(element == .string && !isNull ? try stringValue() : nil)
                    }
                    try stepOut()
                }
            default:
                continue
            }
        }
        try stepOut()
        if appends {
            symbols.append(symbols: newSymbols)
        } else {
            var total = 10
            for table in declared {
                let (sum, overflow) = total.addingReportingOverflow(table.maxID)
                guard !overflow, sum < Int.max / 2 else {
                    throw IonError(.invalidSymbolTable, "imports declare more symbols than fit in 62 bits", offset: tableOffset)
                }
                total = sum
            }
            symbols.reset(imports: declared, symbols: newSymbols)
        }
    }

    /// Reads one import struct; `nil` for imports that the specification says to ignore.
    private mutating func readImport() throws -> SymbolContext.Import? {
        let importOffset = current?.offset
        try stepIn()
        var name: String? = nil
        var version = 1
        var maxID: Int? = nil
        while let type = try next() {
            switch try fieldName()?.text {
            case "name" where type == .string && !isNull:
                name = try stringValue()
            case "version" where type == .int && !isNull:
                if let v = try intValue().int64Value, v >= 1, let v = Int(exactly: v) { version = v }
            case "max_id" where type == .int && !isNull:
                let v = try intValue()
                guard let small = v.int64Value, small >= 0, let m = Int(exactly: small) else {
                    throw IonError(.invalidSymbolTable, "import max_id \(v) is out of range", offset: current?.offset)
                }
                maxID = m
            default:
                continue
            }
        }
        try stepOut()
        guard let name, !name.isEmpty, name != "$ion" else { return nil }
        let found = options.catalog.table(named: name, version: version)
        if let found, found.isExact, maxID == nil {
            maxID = found.table.symbols.count
        }
        guard let maxID else {
            throw IonError(
                .invalidSymbolTable,
                "import of '\(name)' version \(version) has no max_id and the catalog has no exact match", offset: importOffset)
        }
        let symbols = found.map { Array($0.table.symbols.prefix(maxID)) } ?? []
        return SymbolContext.Import(name: name, version: version, maxID: maxID, symbols: symbols, firstSID: 0)
    }
}
