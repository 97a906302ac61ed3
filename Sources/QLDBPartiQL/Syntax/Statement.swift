import Ion

/// One edit of an UPDATE or FROM statement.
package enum Edit: Sendable {
    /// `SET path = value`; the path may be the alias itself (the whole document).
    case set(Expression, Expression)
    /// `REMOVE path`; removing the alias itself deletes the document.
    case remove(Expression)
    /// `INSERT INTO path VALUE v [AT position]`.
    case insert(Expression, Expression, at: Expression?)
}

/// A parsed statement.
package enum Statement: Sendable {
    /// `CREATE TABLE name [WITH (aws_tags = `{…}`)]`: the table and the tags to give it.
    case createTable(String, tags: [String: String])
    case createIndex(table: String, field: String)
    case dropTable(String)
    case undropTable(String)
    case dropIndex(indexID: String, table: String)
    case insert(table: String, value: Expression)
    case select(Query)
    /// UPDATE and FROM: the sources (the first is a table), the edits, the condition.
    case update(from: [FromItem], edits: [Edit], whereClause: Expression?)
    case delete(target: FromItem, whereClause: Expression?)
    /// `EXEC procedure arg, …`.
    case exec(procedure: String, arguments: [Expression])
}
