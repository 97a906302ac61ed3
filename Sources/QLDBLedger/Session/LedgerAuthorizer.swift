import QLDBPartiQL

/// A permission a statement needs in QLDB's `STANDARD` permissions mode: a PartiQL action on a
/// resource of the ledger.
public struct RequiredPermission: Sendable, Hashable, CustomStringConvertible {
    /// `qldb:PartiQLSelect`, `qldb:PartiQLInsert`, ….
    public var action: String
    /// The resource below the ledger's ARN: `table/TABLE-ID` (the table's id, as QLDB names
    /// tables in permissions), `table/*` (CREATE TABLE, and `qldb:TagResource` for its tags),
    /// `information_schema/user_tables`.
    public var resource: String
    /// The tags the statement gives the resource (CREATE TABLE's `aws_tags`), for
    /// `aws:RequestTag/KEY` conditions; empty for every other statement.
    public var requestTags: [String: String]

    /// A permission.
    public init(action: String, resource: String, requestTags: [String: String] = [:]) {
        self.action = action
        self.resource = resource
        self.requestTags = requestTags
    }

    public var description: String { "\(action) on \(resource)" }
}

/// Decides whether a caller may use a ledger and run a statement on it: `qldb serve --iam`
/// (IAM policies, permissions modes). A ``LedgerService`` without one lets every caller do
/// everything.
public protocol LedgerAuthorizer: Sendable {
    /// Whether `principal` (the access key that signed the request) may open a session on
    /// `ledger`; `nil` when it may, else the error to answer.
    func authorizeSession(principal: String?, ledger: String) async -> LedgerError?

    /// Whether `principal` may run `statement`, which needs `permissions`, on `ledger`; `nil` when
    /// it may, else the error to answer.
    func authorizeStatement(principal: String?, ledger: String, statement: String, permissions: [RequiredPermission])
        async -> LedgerError?
}

extension Ledger {
    /// What a statement needs in `STANDARD` mode, its table names resolved to ids in the
    /// transaction's catalog (a table created earlier in the transaction included).
    static func requiredPermissions(_ summary: StatementSummary, txn: LedgerTransaction) -> [RequiredPermission] {
        requiredPermissions(summary) { name in
            if let table = txn.createdTables.values.first(where: { $0.name == name }) { return table.id }
            if let table = txn.catalog.activeTable(named: name) { return table.id }
            // UNDROP and history() may name a table by its id; a dropped one by its name.
            if txn.catalog.tables[name] != nil { return name }
            return txn.catalog.tables.values.first { $0.name == name }?.id ?? "*"
        }
    }

    /// What `statement` needs in `STANDARD` mode, table names turned into ids by `tableIDs`
    /// (`*` for a name it lacks): what `qldb policy simulate` asks about.
    ///
    /// - Throws: ``LedgerError`` `BadRequestException` when the statement does not parse.
    public static func requiredPermissions(forStatement statement: String, tableIDs: [String: String])
        throws(LedgerError)
        -> [RequiredPermission]
    {
        let parsed: ParsedStatement
        do { parsed = try Parser.parse(statement) } catch { throw LedgerError.badRequest(error.description) }
        return requiredPermissions(parsed.summary) { tableIDs[$0] ?? "*" }
    }

    static func requiredPermissions(_ summary: StatementSummary, id: (String) -> String) -> [RequiredPermission] {
        var needs: [RequiredPermission] = []
        func need(_ action: String, _ resource: String) {
            let permission = RequiredPermission(action: "qldb:\(action)", resource: resource)
            if !needs.contains(permission) { needs.append(permission) }
        }
        // The tags CREATE TABLE gives are the whole request's (`aws:RequestTag`), seen by both
        // of its actions.
        if summary.kind == .createTable {
            let tags = summary.tagsOnCreation
            needs.append(
                RequiredPermission(action: "qldb:\(summary.kind.rawValue)", resource: "table/*", requestTags: tags))
            if !tags.isEmpty {
                needs.append(RequiredPermission(action: "qldb:TagResource", resource: "table/*", requestTags: tags))
            }
        }
        for use in summary.tables {
            let resource = "table/\(id(use.table))"
            switch use.access {
            case .read: need(StatementSummary.Kind.select.rawValue, resource)
            case .history: need("PartiQLHistoryFunction", resource)
            case .write, .definition:
                if summary.kind != .createTable { need(summary.kind.rawValue, resource) }
            }
        }
        if summary.readsCatalog { need(StatementSummary.Kind.select.rawValue, "information_schema/user_tables") }
        // EXEC redact_revision names its table by id in an argument.
        if summary.kind == .redact && summary.tables.isEmpty { need(summary.kind.rawValue, "table/*") }
        return needs
    }
}
