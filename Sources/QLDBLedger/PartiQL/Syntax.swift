import Ion

/// A PartiQL expression.
indirect enum Expression: Sendable {
    case literal(IonValue)
    case missing
    case parameter(Int)
    case variable(String, quoted: Bool)
    case field(Expression, String)
    case index(Expression, Expression)
    case structure([(Expression, Expression)])
    case list([Expression])
    case bag([Expression])
    case unary(String, Expression)
    case binary(String, Expression, Expression)
    case isNull(Expression, negated: Bool)
    case isMissing(Expression, negated: Bool)
    case inList(Expression, Expression, negated: Bool)
    case between(Expression, Expression, Expression, negated: Bool)
    case like(Expression, Expression, negated: Bool)
    case call(String, [Expression])
    case countStar
}

/// What a FROM item reads.
enum SourceKind: Sendable {
    /// The user view of a table: its current documents' data.
    case table(String)
    /// `_ql_committed_<table>`: current documents in revision shape.
    case committed(String)
    /// `history(table [, start [, end]])`: every revision.
    case history(String, Expression?, Expression?)
    /// `information_schema.user_tables`.
    case userTables
    /// Any other expression (a path into an earlier item, for unnesting).
    case expression(Expression)
}

/// One item of a FROM clause.
struct FromItem: Sendable {
    var kind: SourceKind
    var alias: String
    var atVariable: String?
    var byVariable: String?
    /// The ON condition of an explicit join.
    var condition: Expression?
}

/// The SELECT list.
enum Projection: Sendable {
    case star
    case value(Expression)
    case items([(Expression, String?)])
}

/// A query.
struct Query: Sendable {
    var projection: Projection
    var from: [FromItem]
    var whereClause: Expression?
}

/// One edit of an UPDATE or FROM statement.
enum Edit: Sendable {
    case set(Expression, Expression)
    case remove(Expression)
    case insert(Expression, Expression, at: Expression?)
}

/// A parsed statement.
enum Statement: Sendable {
    case createTable(String)
    case createIndex(table: String, field: String)
    case dropTable(String)
    case undropTable(String)
    case dropIndex(indexID: String, table: String)
    case insert(table: String, value: Expression)
    case select(Query)
    case update(target: FromItem, edits: [Edit], whereClause: Expression?)
    case delete(target: FromItem, whereClause: Expression?)
}
