extension IonBinaryReader {
    /// Applies the local symbol table under the cursor.
    mutating func loadLocalSymbolTable() throws {
        if try bytes.withUnsafeBytes({ try loadSymbolsOnlyTable($0) }) { return }
        let tableOffset = current?.offset
        guard case .struct(let table) = try value().content else { return }
        do {
            try symbols.apply(localSymbolTable: table, catalog: options.catalog)
        } catch {
            throw IonError(error.code, error.reason, offset: tableOffset)
        }
    }

    /// Reads the table most documents carry straight from the bytes: `{symbols: [...]}`, one field,
    /// a list of non-null, unannotated strings, no imports (what this package's writer and QLDB
    /// write, once per result value). Returns `false`, having changed nothing, for any other shape
    /// (imports, more fields, nulls or other values among the symbols, invalid UTF-8), which the
    /// general path reads and reports. This skips building the table as an `IonStruct` of
    /// `IonValue`s only to read its strings back out.
    private mutating func loadSymbolsOnlyTable(_ buf: UnsafeRawBufferPointer) throws -> Bool {
        guard let c = current, c.typeCode == 13, !c.isNull, c.bodyStart < c.bodyEnd else { return false }
        // Field name `symbols` is system symbol 7: the one-byte VarUInt 0x87.
        guard buf[c.bodyStart] == 0x87, c.bodyStart + 1 < c.bodyEnd else { return false }
        let list = try Self.parseHeader(buf, at: c.bodyStart + 1, end: c.bodyEnd)
        guard list.typeCode == 11, !list.isNull, list.bodyEnd == c.bodyEnd else { return false }
        var texts: [String?] = []
        var p = list.bodyStart
        while p < list.bodyEnd {
            let header = try Self.parseHeader(buf, at: p, end: list.bodyEnd)
            guard header.typeCode == 8, !header.isNull,
                let text = UTF8Text.string(UnsafeRawBufferPointer(rebasing: buf[header.bodyStart..<header.bodyEnd]))
            else { return false }
            if texts.isEmpty { texts.reserveCapacity(8) }
            texts.append(text)
            p = header.bodyEnd
        }
        symbols.reset(imports: [], symbols: texts)
        return true
    }
}
