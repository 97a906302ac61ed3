import Ion

/// QLDB's rules for the tags of a ledger or a table: at most 50 per resource, keys of 1 to 128
/// characters not starting with `aws:`, values of at most 256 characters.
public enum ResourceTagRules {
    /// The most tags one resource has.
    public static let maxTags = 50

    /// Why `tags` cannot be a resource's tags, or `nil` when they can.
    public static func problem(with tags: [String: String]) -> String? {
        guard tags.count <= maxTags else { return "a resource has at most \(maxTags) tags; these are \(tags.count)" }
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) {
            guard (1...128).contains(key.count), !key.lowercased().hasPrefix("aws:"), value.count <= 256 else {
                return
                    "invalid tag '\(key)': keys have 1 to 128 characters and do not start with aws:, values at most 256"
            }
        }
        return nil
    }
}

/// Tags of tables. They are not part of the journal (QLDB keeps them beside it, as it keeps a
/// ledger's tags): each table's tags are one metadata value of its ledger, an Ion struct under
/// `table-tags/TABLE-ID`, so every process sharing the ledger sees them.
extension Ledger {
    static func tableTagsKey(_ tableID: String) -> String { "table-tags/\(tableID)" }

    /// The tags of the table with this id; `nil` when the ledger has no such table (active or
    /// dropped).
    public func tableTags(ofTable tableID: String) async throws -> [String: String]? {
        guard try await tableExists(tableID) else { return nil }
        return try await storedTableTags(tableID)
    }

    /// Replaces the tags of the table with this id.
    ///
    /// - Throws: ``LedgerError`` `ResourceNotFoundException` when there is no such table,
    ///   `BadRequestException` when the tags break ``ResourceTagRules``.
    public func setTableTags(_ tags: [String: String], ofTable tableID: String) async throws {
        guard try await tableExists(tableID) else {
            throw LedgerError(
                type: "ResourceNotFoundException", status: 404,
                message: "Table \(tableID) does not exist in ledger \(name)")
        }
        try await writeTableTags(tags, tableID)
    }

    /// Writes the tags CREATE TABLE gave the tables of `txn`, before the commit: a commit that
    /// then fails leaves tags under an id no table has, which nothing reads.
    func writeTableTags(of txn: LedgerTransaction) async throws(LedgerError) {
        for (tableID, tags) in txn.tableTags.sorted(by: { $0.key < $1.key }) {
            do {
                try await writeTableTags(tags, tableID)
            } catch {
                throw LedgerError(
                    type: "InternalFailure", status: 500,
                    message: "Could not store the tags of table \(tableID): \(error)")
            }
        }
    }

    private func tableExists(_ tableID: String) async throws -> Bool {
        let txn = try await begin()
        defer { abort(txn) }
        return txn.catalog.tables[tableID] != nil
    }

    private func storedTableTags(_ tableID: String) async throws -> [String: String] {
        guard let bytes = try await metadata(Self.tableTagsKey(tableID)) else { return [:] }
        guard let value = try IonValue.decode(binary: bytes).first, case .struct(let fields) = value.content else {
            throw LedgerError(
                type: "InternalFailure", status: 500,
                message: "The stored tags of table \(tableID) are not an Ion struct")
        }
        var tags: [String: String] = [:]
        for field in fields {
            if let key = field.name.text, let text = field.value.stringValue { tags[key] = text }
        }
        return tags
    }

    private func writeTableTags(_ tags: [String: String], _ tableID: String) async throws {
        if let problem = ResourceTagRules.problem(with: tags) { throw LedgerError.badRequest(problem) }
        guard !tags.isEmpty else { return try await setMetadata(Self.tableTagsKey(tableID), nil) }
        var fields = IonStruct()
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) {
            fields.append(name: IonSymbol(key), value: .string(value))
        }
        try await setMetadata(Self.tableTagsKey(tableID), try IonValue.encode(binary: [.struct(fields)]))
    }
}
