/// A `SELECT` query.
package struct Query: Sendable {
    package var projection: Projection
    package var from: [FromItem]
    package var whereClause: Expression?
    /// How many aggregate slots the projection uses (aggregates are numbered as parsed).
    package var aggregateCount: Int
}

/// The SELECT list.
package enum Projection: Sendable {
    /// `SELECT *`.
    case star
    /// `SELECT VALUE expression`.
    case value(Expression)
    /// `SELECT a, b AS c, p.*`.
    case items([ProjectionItem])
}

/// One item of a SELECT list.
package enum ProjectionItem: Sendable {
    /// An expression and its output field name (`AS` or derived from the path; `_n` by position).
    case expression(Expression, name: String)
    /// `alias.*`: every field of a struct.
    case allFields(Expression)
}

/// What a FROM item reads.
package enum SourceKind: Sendable {
    /// The user view of a table: its current documents' data.
    case table(String)
    /// `_ql_committed_<table>`: current documents in revision shape.
    case committed(String)
    /// `history(table [, start [, end]])`: every revision.
    case history(String, start: Expression?, end: Expression?)
    /// `information_schema.user_tables`.
    case userTables
    /// Any other expression: a bag literal, a path into an earlier item (`@r.Owners`), a subquery.
    case expression(Expression)
}

/// One item of a FROM clause: its source and the variables it binds.
package struct FromItem: Sendable {
    package var kind: SourceKind
    package var alias: String
    package var atVariable: String?
    package var byVariable: String?
    /// The ON condition of an explicit join.
    package var condition: Expression?
    package var position: SourcePosition
}
