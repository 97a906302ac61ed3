import Ion

/// A recursive-descent parser for the PartiQL subset QLDB runs (see `docs/ledger.md`).
/// Every error names the line and column where the statement stopped making sense.
struct Parser {
    private var tokens: [Token]
    private var position = 0
    private var parameterCount = 0

    static let reserved: Set<String> = [
        "WHERE", "AS", "AT", "BY", "ON", "JOIN", "INNER", "CROSS", "LEFT", "RIGHT", "OUTER", "FULL", "SET", "REMOVE",
        "INSERT", "ORDER", "GROUP", "LIMIT", "UNION", "SELECT", "FROM", "VALUE", "AND", "OR", "NOT", "IN", "IS", "LIKE",
        "BETWEEN", "HAVING", "OFFSET", "DELETE", "UPDATE",
    ]

    /// Words that end an expression; unlike the other keywords they cannot name a field.
    static let clauseWords: Set<String> = [
        "WHERE", "AS", "AT", "BY", "ON", "JOIN", "INNER", "CROSS", "SET", "REMOVE", "ORDER", "GROUP", "LIMIT", "UNION",
        "SELECT", "FROM", "AND", "OR", "IN", "IS", "LIKE", "BETWEEN", "HAVING", "OFFSET",
    ]

    /// Parses one statement and counts its `?` parameters.
    static func parse(_ text: String) throws(LedgerError) -> (Statement, parameters: Int) {
        var parser = Parser(tokens: try Lexer.tokenize(text))
        let statement = try parser.statement()
        if parser.peekPunct(";") { parser.position += 1 }
        guard case .end = parser.current.kind else { throw parser.unexpected("the end of the statement") }
        return (statement, parser.parameterCount)
    }

    private init(tokens: [Token]) { self.tokens = tokens }

    private var current: Token { tokens[position] }

    private func unexpected(_ expected: String) -> LedgerError {
        let found: String
        switch current.kind {
        case .identifier(let s): found = "'\(s)'"
        case .quotedIdentifier(let s): found = "\"\(s)\""
        case .string(let s): found = "'\(s)'"
        case .number(let v), .ion(let v): found = (try? IonValue.encode(text: [v])) ?? "a literal"
        case .parameter: found = "?"
        case .punct(let p): found = "'\(p)'"
        case .end: found = "the end of the statement"
        }
        return .syntax("expected \(expected), found \(found)", line: current.line, column: current.column)
    }

    private func unsupported(_ what: String) -> LedgerError {
        .syntax("\(what) is not supported by this ledger", line: current.line, column: current.column)
    }

    private func peekKeyword(_ word: String) -> Bool { current.keyword == word }

    private func peekPunct(_ p: String) -> Bool {
        if case .punct(p) = current.kind { return true }
        return false
    }

    private mutating func acceptKeyword(_ word: String) -> Bool {
        if peekKeyword(word) {
            position += 1
            return true
        }
        return false
    }

    private mutating func acceptPunct(_ p: String) -> Bool {
        if peekPunct(p) {
            position += 1
            return true
        }
        return false
    }

    private mutating func expectKeyword(_ word: String) throws(LedgerError) {
        guard acceptKeyword(word) else { throw unexpected(word) }
    }

    private mutating func expectPunct(_ p: String) throws(LedgerError) {
        guard acceptPunct(p) else { throw unexpected("'\(p)'") }
    }

    /// A table, field or variable name: an identifier or a "quoted" one.
    private mutating func name(_ what: String) throws(LedgerError) -> String {
        switch current.kind {
        case .identifier(let s):
            position += 1
            return s
        case .quotedIdentifier(let s):
            position += 1
            return s
        default: throw unexpected(what)
        }
    }

    /// A name, or a string literal where QLDB accepts either (table ids in UNDROP, index ids).
    private mutating func nameOrString(_ what: String) throws(LedgerError) -> String {
        if case .string(let s) = current.kind {
            position += 1
            return s
        }
        return try name(what)
    }

    private mutating func optionalAlias() throws(LedgerError) -> String? {
        if acceptKeyword("AS") { return try name("an alias") }
        switch current.kind {
        case .identifier(let s) where !Self.reserved.contains(s.uppercased()):
            position += 1
            return s
        case .quotedIdentifier(let s):
            position += 1
            return s
        default: return nil
        }
    }

    private mutating func skipWithClause() throws(LedgerError) {
        guard acceptKeyword("WITH") else { return }
        try expectPunct("(")
        var depth = 1
        while depth > 0 {
            if case .end = current.kind { throw unexpected("')'") }
            if peekPunct("(") { depth += 1 }
            if peekPunct(")") { depth -= 1 }
            position += 1
        }
    }

    // MARK: Statements

    private mutating func statement() throws(LedgerError) -> Statement {
        switch current.keyword {
        case "CREATE":
            position += 1
            if acceptKeyword("TABLE") {
                let table = try name("a table name")
                try skipWithClause()
                return .createTable(table)
            }
            if acceptKeyword("INDEX") {
                try expectKeyword("ON")
                let table = try name("a table name")
                try expectPunct("(")
                let field = try name("a field name")
                if peekPunct(".") || peekPunct("[") || peekPunct(",") {
                    throw .syntax(
                        "an index covers exactly one top-level field", line: current.line, column: current.column)
                }
                try expectPunct(")")
                return .createIndex(table: table, field: field)
            }
            throw unexpected("TABLE or INDEX")
        case "DROP":
            position += 1
            if acceptKeyword("TABLE") { return .dropTable(try name("a table name")) }
            if acceptKeyword("INDEX") {
                let id = try nameOrString("an index id")
                try expectKeyword("ON")
                let table = try name("a table name")
                try skipWithClause()
                return .dropIndex(indexID: id, table: table)
            }
            throw unexpected("TABLE or INDEX")
        case "UNDROP":
            position += 1
            try expectKeyword("TABLE")
            return .undropTable(try nameOrString("a table id"))
        case "INSERT":
            position += 1
            try expectKeyword("INTO")
            let table = try name("a table name")
            if acceptKeyword("VALUE") { return .insert(table: table, value: try expression()) }
            return .insert(table: table, value: try expression())
        case "SELECT":
            return .select(try query())
        case "UPDATE":
            position += 1
            let target = try dmlTarget()
            let edits = try editList()
            let condition = acceptKeyword("WHERE") ? try expression() : nil
            return .update(target: target, edits: edits, whereClause: condition)
        case "FROM":
            position += 1
            let target = try dmlTarget()
            let condition = acceptKeyword("WHERE") ? try expression() : nil
            let edits = try editList()
            return .update(target: target, edits: edits, whereClause: condition)
        case "DELETE":
            position += 1
            try expectKeyword("FROM")
            let target = try dmlTarget()
            let condition = acceptKeyword("WHERE") ? try expression() : nil
            return .delete(target: target, whereClause: condition)
        case "EXEC":
            throw unsupported("EXEC (redaction)")
        default:
            throw unexpected("a statement (SELECT, INSERT, UPDATE, DELETE, FROM, CREATE, DROP, UNDROP)")
        }
    }

    private mutating func dmlTarget() throws(LedgerError) -> FromItem {
        let table = try name("a table name")
        let alias = try optionalAlias() ?? table
        var by: String?
        if acceptKeyword("BY") { by = try name("a document id variable") }
        return FromItem(kind: .table(table), alias: alias, byVariable: by)
    }

    private mutating func editList() throws(LedgerError) -> [Edit] {
        var edits: [Edit] = []
        while true {
            if acceptKeyword("SET") {
                repeat {
                    let path = try postfix()
                    try expectPunct("=")
                    edits.append(.set(path, try expression()))
                } while acceptPunct(",")
            } else if acceptKeyword("REMOVE") {
                edits.append(.remove(try postfix()))
            } else if peekKeyword("INSERT") {
                position += 1
                try expectKeyword("INTO")
                let path = try postfix()
                try expectKeyword("VALUE")
                let value = try expression()
                let at = acceptKeyword("AT") ? try expression() : nil
                edits.append(.insert(path, value, at: at))
            } else {
                break
            }
        }
        guard !edits.isEmpty else { throw unexpected("SET, REMOVE or INSERT INTO") }
        return edits
    }

    private mutating func query() throws(LedgerError) -> Query {
        try expectKeyword("SELECT")
        if acceptKeyword("DISTINCT") { throw unsupported("SELECT DISTINCT") }
        let projection: Projection
        if acceptKeyword("VALUE") {
            projection = .value(try expression())
        } else if acceptPunct("*") {
            projection = .star
        } else {
            var items: [(Expression, String?)] = []
            repeat {
                let expr = try expression()
                items.append((expr, try optionalAlias()))
            } while acceptPunct(",")
            projection = .items(items)
        }
        try expectKeyword("FROM")
        var from = [try fromItem(condition: nil)]
        while true {
            if acceptPunct(",") {
                from.append(try fromItem(condition: nil))
            } else if peekKeyword("JOIN") || peekKeyword("INNER") || peekKeyword("CROSS") {
                let cross = acceptKeyword("CROSS")
                _ = acceptKeyword("INNER")
                try expectKeyword("JOIN")
                var item = try fromItem(condition: nil)
                if !cross, acceptKeyword("ON") { item.condition = try expression() }
                from.append(item)
            } else if peekKeyword("LEFT") || peekKeyword("RIGHT") || peekKeyword("FULL") {
                throw unsupported("outer joins")
            } else {
                break
            }
        }
        let condition = acceptKeyword("WHERE") ? try expression() : nil
        if peekKeyword("ORDER") { throw unsupported("ORDER BY") }
        if peekKeyword("GROUP") { throw unsupported("GROUP BY") }
        if peekKeyword("LIMIT") { throw unsupported("LIMIT") }
        return Query(projection: projection, from: from, whereClause: condition)
    }

    private mutating func fromItem(condition: Expression?) throws(LedgerError) -> FromItem {
        let kind: SourceKind
        var defaultAlias: String
        if peekKeyword("HISTORY"), case .punct("(") = tokens[position + 1].kind {
            position += 2
            let table = try nameOrString("a table name or id")
            var start: Expression?
            var end: Expression?
            if acceptPunct(",") {
                start = try expression()
                if acceptPunct(",") { end = try expression() }
            }
            try expectPunct(")")
            kind = .history(table, start, end)
            defaultAlias = "_history"
        } else if case .punct("(") = current.kind {
            throw unsupported("a nested SELECT in FROM")
        } else {
            let first = try name("a table name")
            if peekPunct(".") || peekPunct("[") {
                if first.lowercased() == "information_schema" {
                    position += 1
                    let table = try name("user_tables")
                    guard table.lowercased() == "user_tables" else {
                        throw LedgerError.semantic(
                            "information_schema.\(table) does not exist; use information_schema.user_tables")
                    }
                    kind = .userTables
                    defaultAlias = "user_tables"
                } else {
                    var expr = Expression.variable(first, quoted: false)
                    try pathSteps(&expr)
                    kind = .expression(expr)
                    defaultAlias = "_unnest"
                }
            } else if first.hasPrefix("_ql_committed_") {
                kind = .committed(String(first.dropFirst("_ql_committed_".count)))
                defaultAlias = first
            } else {
                kind = .table(first)
                defaultAlias = first
            }
        }
        var item = FromItem(kind: kind, alias: try optionalAlias() ?? defaultAlias)
        if acceptKeyword("AT") { item.atVariable = try name("a position variable") }
        if acceptKeyword("BY") { item.byVariable = try name("a document id variable") }
        item.condition = condition
        return item
    }

    // MARK: Expressions

    private mutating func expression() throws(LedgerError) -> Expression { try orExpression() }

    private mutating func orExpression() throws(LedgerError) -> Expression {
        var left = try andExpression()
        while acceptKeyword("OR") { left = .binary("OR", left, try andExpression()) }
        return left
    }

    private mutating func andExpression() throws(LedgerError) -> Expression {
        var left = try notExpression()
        while acceptKeyword("AND") { left = .binary("AND", left, try notExpression()) }
        return left
    }

    private mutating func notExpression() throws(LedgerError) -> Expression {
        if acceptKeyword("NOT") { return .unary("NOT", try notExpression()) }
        return try comparison()
    }

    private mutating func comparison() throws(LedgerError) -> Expression {
        let left = try concatenation()
        for op in ["=", "<>", "!=", "<=", ">=", "<", ">"] where acceptPunct(op) {
            return .binary(op == "!=" ? "<>" : op, left, try concatenation())
        }
        if acceptKeyword("IS") {
            let negated = acceptKeyword("NOT")
            if acceptKeyword("NULL") { return .isNull(left, negated: negated) }
            if acceptKeyword("MISSING") { return .isMissing(left, negated: negated) }
            throw unexpected("NULL or MISSING")
        }
        let negated = acceptKeyword("NOT")
        if acceptKeyword("IN") {
            if acceptPunct("(") {
                var items: [Expression] = []
                if peekKeyword("SELECT") { throw unsupported("IN with a subquery") }
                repeat { items.append(try expression()) } while acceptPunct(",")
                try expectPunct(")")
                return .inList(left, .list(items), negated: negated)
            }
            return .inList(left, try concatenation(), negated: negated)
        }
        if acceptKeyword("BETWEEN") {
            let low = try concatenation()
            try expectKeyword("AND")
            return .between(left, low, try concatenation(), negated: negated)
        }
        if acceptKeyword("LIKE") { return .like(left, try concatenation(), negated: negated) }
        if negated { throw unexpected("IN, BETWEEN or LIKE after NOT") }
        return left
    }

    private mutating func concatenation() throws(LedgerError) -> Expression {
        var left = try additive()
        while acceptPunct("||") { left = .binary("||", left, try additive()) }
        return left
    }

    private mutating func additive() throws(LedgerError) -> Expression {
        var left = try multiplicative()
        while true {
            if acceptPunct("+") {
                left = .binary("+", left, try multiplicative())
            } else if acceptPunct("-") {
                left = .binary("-", left, try multiplicative())
            } else {
                return left
            }
        }
    }

    private mutating func multiplicative() throws(LedgerError) -> Expression {
        var left = try unary()
        while true {
            if acceptPunct("*") {
                left = .binary("*", left, try unary())
            } else if acceptPunct("/") {
                left = .binary("/", left, try unary())
            } else if acceptPunct("%") {
                left = .binary("%", left, try unary())
            } else {
                return left
            }
        }
    }

    private mutating func unary() throws(LedgerError) -> Expression {
        if acceptPunct("-") { return .unary("-", try unary()) }
        if acceptPunct("+") { return try unary() }
        return try postfix()
    }

    private mutating func postfix() throws(LedgerError) -> Expression {
        var expr = try primary()
        try pathSteps(&expr)
        return expr
    }

    private mutating func pathSteps(_ expr: inout Expression) throws(LedgerError) {
        while true {
            if acceptPunct(".") {
                if peekPunct("*") { throw unsupported("path wildcards") }
                expr = .field(expr, try name("a field name"))
            } else if acceptPunct("[") {
                if peekPunct("*") { throw unsupported("path wildcards") }
                let index = try expression()
                try expectPunct("]")
                if case .literal(let value) = index, let text = value.stringValue, value.type == .string {
                    expr = .field(expr, text)
                } else {
                    expr = .index(expr, index)
                }
            } else {
                return
            }
        }
    }

    private mutating func primary() throws(LedgerError) -> Expression {
        let token = current
        switch token.kind {
        case .string(let s):
            position += 1
            return .literal(.string(s))
        case .number(let v), .ion(let v):
            position += 1
            return .literal(v)
        case .parameter:
            position += 1
            parameterCount += 1
            return .parameter(parameterCount - 1)
        case .quotedIdentifier(let s):
            position += 1
            return .variable(s, quoted: true)
        case .identifier(let s):
            switch s.uppercased() {
            case "TRUE":
                position += 1
                return .literal(.bool(true))
            case "FALSE":
                position += 1
                return .literal(.bool(false))
            case "NULL":
                position += 1
                return .literal(.null)
            case "MISSING":
                position += 1
                return .missing
            case "SELECT":
                throw unsupported("a nested SELECT")
            default: break
            }
            if Self.clauseWords.contains(s.uppercased()) { throw unexpected("an expression") }
            position += 1
            if acceptPunct("(") {
                let function = s.uppercased()
                if function == "COUNT", acceptPunct("*") {
                    try expectPunct(")")
                    return .countStar
                }
                var args: [Expression] = []
                if !peekPunct(")") {
                    repeat { args.append(try expression()) } while acceptPunct(",")
                }
                try expectPunct(")")
                return .call(function, args)
            }
            return .variable(s, quoted: false)
        case .punct("("):
            position += 1
            if peekKeyword("SELECT") { throw unsupported("a nested SELECT") }
            let inner = try expression()
            try expectPunct(")")
            return inner
        case .punct("{"):
            position += 1
            var fields: [(Expression, Expression)] = []
            if !peekPunct("}") {
                repeat {
                    let key: Expression
                    if case .identifier(let s) = current.kind, case .punct(":") = tokens[position + 1].kind {
                        // QLDB accepts bare field names in struct literals as Ion does.
                        position += 1
                        key = .literal(.string(s))
                    } else {
                        key = try expression()
                    }
                    try expectPunct(":")
                    fields.append((key, try expression()))
                } while acceptPunct(",")
            }
            try expectPunct("}")
            return .structure(fields)
        case .punct("["):
            position += 1
            var items: [Expression] = []
            if !peekPunct("]") {
                repeat { items.append(try expression()) } while acceptPunct(",")
            }
            try expectPunct("]")
            return .list(items)
        case .punct("<<"):
            position += 1
            var items: [Expression] = []
            if !peekPunct(">>") {
                repeat { items.append(try expression()) } while acceptPunct(",")
            }
            try expectPunct(">>")
            return .bag(items)
        default:
            throw unexpected("an expression")
        }
    }
}
