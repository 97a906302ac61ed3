import Ion

/// A recursive-descent parser for QLDB's PartiQL (see `docs/partiql.md`): tokens in, a typed
/// ``Statement`` out. Function names and arities are checked against ``FunctionRegistry`` here, so
/// an unknown function or a wrong argument count fails before anything runs, naming its position.
///
/// Nesting is counted on the way down (every nested expression, container, call and subquery
/// passes through ``expression(above:)``, which calls ``enter(_:)``) and every node's height on
/// the way up (``node(_:at:children:)``); both stop at ``ParserLimits/maxNestingDepth``.
package struct Parser {
    var tokens: [Token]
    var position = 0
    var parameterCount = 0
    var depth = 0
    let limits: ParserLimits
    /// Aggregate slots of the query whose SELECT list is being parsed; `nil` where aggregates are not allowed.
    var aggregateSlots: Int?
    /// Whether a SELECT list (not SELECT VALUE) is being parsed: there `alias.*` is a projection.
    var inSelectList = false
    var tableUses: [StatementSummary.TableUse] = []
    var readsCatalog = false

    /// How many levels of nesting a nested SELECT counts for: running one takes about eight
    /// times the stack of an operator, so at most four fit in the default limit of 40.
    static let subqueryNestingCost = 8

    /// Words that end an expression or start a clause; they cannot be used as bare names.
    static let reserved: Set<String> = [
        "WHERE", "AS", "AT", "BY", "ON", "JOIN", "INNER", "CROSS", "LEFT", "RIGHT", "OUTER", "FULL", "SET", "REMOVE",
        "INSERT", "ORDER", "GROUP", "LIMIT", "UNION", "INTERSECT", "EXCEPT", "SELECT", "FROM", "VALUE", "AND", "OR",
        "NOT", "IN", "IS", "LIKE", "BETWEEN", "HAVING", "OFFSET", "DELETE", "UPDATE", "ESCAPE", "WHEN", "THEN", "ELSE",
        "END", "FOR", "CASE",
    ]

    /// Parses one statement (an optional trailing `;` is allowed).
    package static func parse(_ text: String, limits: ParserLimits = ParserLimits()) throws(PartiQLError)
        -> ParsedStatement
    {
        var parser = Parser(tokens: try Lexer.tokenize(text, maxIonDepth: limits.maxIonLiteralDepth), limits: limits)
        let statement = try parser.statement()
        _ = parser.acceptPunct(";")
        guard case .end = parser.current.kind else { throw parser.unexpected("the end of the statement") }
        var tags: [String: String] = [:]
        if case .createTable(_, let given) = statement { tags = given }
        return ParsedStatement(
            statement: statement, parameterCount: parser.parameterCount,
            summary: StatementSummary(
                kind: statement.summaryKind, tables: parser.tableUses, readsCatalog: parser.readsCatalog,
                tagsOnCreation: tags))
    }

    init(tokens: [Token], limits: ParserLimits) {
        self.tokens = tokens
        self.limits = limits
    }

    var current: Token { tokens[position] }

    func peek(_ offset: Int) -> Token { tokens[min(position + offset, tokens.count - 1)] }

    func unexpected(_ expected: String) -> PartiQLError {
        .syntax("expected \(expected), found \(current.display)", at: current.position)
    }

    func unsupported(_ what: String) -> PartiQLError {
        .semantic("\(what) is not part of QLDB's PartiQL", at: current.position)
    }

    // MARK: Tokens

    func peekKeyword(_ word: String) -> Bool { current.keyword == word }

    func peekPunct(_ p: String) -> Bool {
        if case .punct(p) = current.kind { return true }
        return false
    }

    mutating func advance() { if position < tokens.count - 1 { position += 1 } }

    mutating func acceptKeyword(_ word: String) -> Bool {
        guard peekKeyword(word) else { return false }
        advance()
        return true
    }

    mutating func acceptPunct(_ p: String) -> Bool {
        guard peekPunct(p) else { return false }
        advance()
        return true
    }

    mutating func expectKeyword(_ word: String) throws(PartiQLError) {
        guard acceptKeyword(word) else { throw unexpected(word) }
    }

    mutating func expectPunct(_ p: String) throws(PartiQLError) {
        guard acceptPunct(p) else { throw unexpected("'\(p)'") }
    }

    /// A table, field or variable name: an identifier or a "quoted" one.
    mutating func name(_ what: String) throws(PartiQLError) -> String {
        switch current.kind {
        case .identifier(let s), .quotedIdentifier(let s):
            advance()
            return s
        default: throw unexpected(what)
        }
    }

    /// A name, or a string literal where QLDB accepts either (table ids in UNDROP, index ids).
    mutating func nameOrString(_ what: String) throws(PartiQLError) -> String {
        if case .string(let s) = current.kind {
            advance()
            return s
        }
        return try name(what)
    }

    // MARK: Limits

    /// Counts one level of nesting; call `leave()` when the level is parsed.
    mutating func enter(_ at: SourcePosition) throws(PartiQLError) {
        depth += 1
        guard depth <= limits.maxNestingDepth else {
            throw PartiQLError(
                .limit, "the statement nests deeper than the limit of \(limits.maxNestingDepth) levels", at: at)
        }
    }

    mutating func leave() { depth -= 1 }

    /// A node over `children`, refused when the tree would grow taller than the nesting limit.
    func node(_ kind: Expression.Kind, at position: SourcePosition, children: [Expression]) throws(PartiQLError)
        -> Expression
    {
        var height = 0
        for child in children where child.height > height { height = child.height }
        height += 1
        guard height <= limits.maxNestingDepth else {
            throw PartiQLError(
                .limit, "the expression nests deeper than the limit of \(limits.maxNestingDepth) levels",
                at: position)
        }
        return Expression(kind, at: position, height: height)
    }

    mutating func noteTable(_ table: String, _ access: StatementSummary.Access) {
        let use = StatementSummary.TableUse(table: table, access: access)
        if !tableUses.contains(use) { tableUses.append(use) }
    }
}

extension Statement {
    var summaryKind: StatementSummary.Kind {
        switch self {
        case .createTable: .createTable
        case .createIndex: .createIndex
        case .dropTable: .dropTable
        case .undropTable: .undropTable
        case .dropIndex: .dropIndex
        case .insert: .insert
        case .select: .select
        case .update(let from, let edits, _):
            edits.count == 1 && edits[0].removesWholeDocument(alias: from[0].alias) ? .delete : .update
        case .delete: .delete
        case .exec: .redact
        }
    }
}

extension Edit {
    /// `REMOVE alias` (no path): QLDB's documented form of a delete.
    func removesWholeDocument(alias: String) -> Bool {
        if case .remove(let e) = self, case .variable(let name, _, _) = e.kind, name == alias { return true }
        return false
    }
}
