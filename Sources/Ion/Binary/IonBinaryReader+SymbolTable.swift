extension IonBinaryReader {
    /// Reads the local symbol table under the cursor and makes it the current symbol context.
    mutating func loadLocalSymbolTable() throws {
        let tableOffset = current?.offset
        guard case .struct(let table) = try value().content else { return }
        do {
            try symbols.apply(localSymbolTable: table, catalog: options.catalog)
        } catch {
            throw IonError(error.code, error.reason, offset: tableOffset)
        }
    }
}
