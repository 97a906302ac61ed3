import Ion

extension Parser {
    mutating func statement() throws(PartiQLError) -> Statement {
        switch current.keyword {
        case "CREATE":
            advance()
            if acceptKeyword("TABLE") {
                let table = try name("a table name")
                let tags = try tagsClause()
                noteTable(table, .definition)
                return .createTable(table, tags: tags)
            }
            if acceptKeyword("INDEX") {
                try expectKeyword("ON")
                let table = try name("a table name")
                try expectPunct("(")
                let field = try name("a field name")
                if peekPunct(".") || peekPunct("[") || peekPunct(",") {
                    throw .semantic("an index covers exactly one top-level field", at: current.position)
                }
                try expectPunct(")")
                noteTable(table, .definition)
                return .createIndex(table: table, field: field)
            }
            throw unexpected("TABLE or INDEX")
        case "DROP":
            advance()
            if acceptKeyword("TABLE") {
                let table = try name("a table name")
                noteTable(table, .definition)
                return .dropTable(table)
            }
            if acceptKeyword("INDEX") {
                let id = try nameOrString("an index id")
                try expectKeyword("ON")
                let table = try name("a table name")
                try skipWithClause()
                noteTable(table, .definition)
                return .dropIndex(indexID: id, table: table)
            }
            throw unexpected("TABLE or INDEX")
        case "UNDROP":
            advance()
            try expectKeyword("TABLE")
            let table = try nameOrString("a table id")
            noteTable(table, .definition)
            return .undropTable(table)
        case "INSERT":
            advance()
            try expectKeyword("INTO")
            let table = try name("a table name")
            noteTable(table, .write)
            if acceptKeyword("VALUE") { return .insert(table: table, value: try expression()) }
            return .insert(table: table, value: try expression())
        case "SELECT":
            return .select(try query())
        case "UPDATE":
            advance()
            let from = try dmlSources()
            let edits = try editList()
            let condition = acceptKeyword("WHERE") ? try expression() : nil
            return .update(from: from, edits: edits, whereClause: condition)
        case "FROM":
            advance()
            let from = try dmlSources()
            let condition = acceptKeyword("WHERE") ? try expression() : nil
            let edits = try editList()
            return .update(from: from, edits: edits, whereClause: condition)
        case "DELETE":
            advance()
            try expectKeyword("FROM")
            let from = try dmlSources()
            guard from.count == 1 else {
                throw .semantic(
                    "DELETE takes one table; use FROM … REMOVE to remove nested values", at: from[1].position)
            }
            let condition = acceptKeyword("WHERE") ? try expression() : nil
            return .delete(target: from[0], whereClause: condition)
        case "EXEC":
            advance()
            let procedure = try name("a stored procedure name")
            var arguments: [Expression] = []
            if !peekPunct(";") && current.kind != .end {
                repeat { arguments.append(try expression()) } while acceptPunct(",")
            }
            return .exec(procedure: procedure, arguments: arguments)
        default:
            throw unexpected("a statement (SELECT, INSERT, UPDATE, DELETE, FROM, CREATE, DROP, UNDROP, EXEC)")
        }
    }

    /// `WITH (aws_tags = `{'key': 'value', …}`)` after CREATE TABLE: the tags to give the new
    /// table, keys and values as Ion text (strings or symbols); empty without the clause.
    mutating func tagsClause() throws(PartiQLError) -> [String: String] {
        guard acceptKeyword("WITH") else { return [:] }
        try expectPunct("(")
        let option = current.position
        guard case .identifier(let word) = current.kind, word.lowercased() == "aws_tags" else {
            throw unexpected("aws_tags (the one option of CREATE TABLE … WITH)")
        }
        advance()
        try expectPunct("=")
        let at = current.position
        guard case .ion(let literal) = current.kind, case .struct(let fields) = literal.content else {
            throw .semantic(
                "aws_tags must be an Ion struct in backticks, such as `{'environment': 'production'}`", at: at)
        }
        advance()
        try expectPunct(")")
        var tags: [String: String] = [:]
        for field in fields {
            guard let key = field.name.text else {
                throw .semantic("A tag key in aws_tags has no text (symbol $0)", at: at)
            }
            guard let text = field.value.stringValue, field.value.annotations.isEmpty else {
                throw .semantic("The value of tag '\(key)' must be a string or a symbol", at: at)
            }
            guard tags.updateValue(text, forKey: key) == nil else {
                throw .semantic("Tag '\(key)' is given twice in aws_tags", at: option)
            }
        }
        return tags
    }

    /// `WITH (…)` after DROP INDEX: options QLDB accepted (`purge = true`) that change nothing here.
    mutating func skipWithClause() throws(PartiQLError) {
        guard acceptKeyword("WITH") else { return }
        try expectPunct("(")
        var depth = 1
        while depth > 0 {
            if case .end = current.kind { throw unexpected("')'") }
            if peekPunct("(") { depth += 1 }
            if peekPunct(")") { depth -= 1 }
            advance()
        }
    }

    /// The sources of UPDATE, FROM and DELETE: a table (`AS alias`, `BY id`), then optionally
    /// `@alias.path AS name` items that reach into its documents.
    mutating func dmlSources() throws(PartiQLError) -> [FromItem] {
        let start = current.position
        let table = try name("a table name")
        noteTable(table, .write)
        var first = FromItem(kind: .table(table), alias: table, position: start)
        try aliases(&first)
        var items = [first]
        while acceptPunct(",") {
            let itemStart = current.position
            let source = try expression()
            var item = FromItem(kind: .expression(source), alias: "_\(items.count + 1)", position: itemStart)
            if let derived = Self.derivedName(source) { item.alias = derived }
            try aliases(&item)
            items.append(item)
        }
        return items
    }

    /// `[AS] alias [AT position] [BY id]`.
    mutating func aliases(_ item: inout FromItem) throws(PartiQLError) {
        if let alias = try alias() { item.alias = alias }
        if acceptKeyword("AT") { item.atVariable = try name("a position variable") }
        if acceptKeyword("BY") { item.byVariable = try name("a document id variable") }
    }

    mutating func editList() throws(PartiQLError) -> [Edit] {
        var edits: [Edit] = []
        while true {
            if acceptKeyword("SET") {
                repeat {
                    let path = try postfixExpression()
                    try expectPunct("=")
                    edits.append(.set(path, try expression()))
                } while acceptPunct(",")
            } else if acceptKeyword("REMOVE") {
                repeat { edits.append(.remove(try postfixExpression())) } while acceptPunct(",")
            } else if peekKeyword("INSERT") {
                advance()
                try expectKeyword("INTO")
                let path = try postfixExpression()
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
}
