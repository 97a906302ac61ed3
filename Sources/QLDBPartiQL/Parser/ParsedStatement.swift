/// A statement the parser accepted: its syntax tree, how many `?` it has, and what it touches.
package struct ParsedStatement: Sendable {
    package var statement: Statement
    package var parameterCount: Int
    package var summary: StatementSummary
}

/// What kind of statement this is and the tables it names: what a permissions check needs
/// before anything runs.
package struct StatementSummary: Sendable, Hashable {
    /// The statement's kind, named as QLDB's STANDARD permissions name their actions
    /// (`PartiQLSelect`, `PartiQLInsert`, …).
    package enum Kind: String, Sendable, Hashable {
        case select = "PartiQLSelect"
        case insert = "PartiQLInsert"
        case update = "PartiQLUpdate"
        case delete = "PartiQLDelete"
        case createTable = "PartiQLCreateTable"
        case createIndex = "PartiQLCreateIndex"
        case dropTable = "PartiQLDropTable"
        case dropIndex = "PartiQLDropIndex"
        case undropTable = "PartiQLUndropTable"
        case redact = "PartiQLRedact"
    }

    /// How a statement uses a table.
    package enum Access: String, Sendable, Hashable {
        /// Reads the table's current documents (SELECT, the WHERE of DML).
        case read
        /// Reads the table's revisions through `history()` (`PartiQLHistoryFunction`).
        case history
        /// Changes documents (INSERT, UPDATE, DELETE, FROM … SET/REMOVE/INSERT).
        case write
        /// Changes the table itself (CREATE, DROP, UNDROP, indexes).
        case definition
    }

    /// A table the statement names and how it uses it.
    package struct TableUse: Sendable, Hashable {
        /// The name (or for UNDROP and history, possibly the id) as written.
        package var table: String
        package var access: Access
    }

    package var kind: Kind
    /// Every table named, in order of first appearance, without repeats.
    package var tables: [TableUse]
    /// Whether the statement reads `information_schema.user_tables`.
    package var readsCatalog: Bool
    /// The tags CREATE TABLE gives its table (`WITH (aws_tags = …)`), which need
    /// `qldb:TagResource` as well; empty for every other statement.
    package var tagsOnCreation: [String: String]
}
