import Ion

extension Parser {
    mutating func query() throws(PartiQLError) -> Query {
        try expectKeyword("SELECT")
        let outerInSelectList = inSelectList
        inSelectList = false
        defer { inSelectList = outerInSelectList }
        if peekKeyword("DISTINCT") { throw unsupported("SELECT DISTINCT") }
        _ = acceptKeyword("ALL")
        let outerSlots = aggregateSlots
        aggregateSlots = 0
        let projection: Projection
        if acceptKeyword("VALUE") {
            projection = .value(try expression())
        } else if acceptPunct("*") {
            projection = .star
        } else {
            var items: [ProjectionItem] = []
            inSelectList = true
            repeat {
                let expr = try expression()
                if peekPunct("."), case .punct("*") = peek(1).kind {
                    advance()
                    advance()
                    items.append(.allFields(expr))
                    continue
                }
                let name = try alias() ?? Self.derivedName(expr) ?? "_\(items.count + 1)"
                items.append(.expression(expr, name: name))
            } while acceptPunct(",")
            projection = .items(items)
        }
        inSelectList = false
        let aggregateCount = aggregateSlots ?? 0
        aggregateSlots = nil
        defer { aggregateSlots = outerSlots }
        try expectKeyword("FROM")
        var from = [try fromItem(index: 0)]
        while true {
            if acceptPunct(",") {
                from.append(try fromItem(index: from.count))
            } else if peekKeyword("JOIN") || peekKeyword("INNER") || peekKeyword("CROSS") {
                let cross = acceptKeyword("CROSS")
                _ = acceptKeyword("INNER")
                try expectKeyword("JOIN")
                var item = try fromItem(index: from.count)
                if !cross, acceptKeyword("ON") { item.condition = try expression() }
                from.append(item)
            } else if peekKeyword("LEFT") || peekKeyword("RIGHT") || peekKeyword("FULL") || peekKeyword("OUTER") {
                throw unsupported("outer joins")
            } else {
                break
            }
        }
        let condition = acceptKeyword("WHERE") ? try expression() : nil
        for (word, what) in [
            ("ORDER", "ORDER BY"), ("GROUP", "GROUP BY"), ("HAVING", "HAVING"), ("LIMIT", "LIMIT"),
            ("OFFSET", "OFFSET"), ("UNION", "UNION"), ("INTERSECT", "INTERSECT"), ("EXCEPT", "EXCEPT"),
        ] where peekKeyword(word) {
            throw unsupported(what)
        }
        return Query(projection: projection, from: from, whereClause: condition, aggregateCount: aggregateCount)
    }

    /// `AS name`, or a bare name, after a SELECT item or a FROM source.
    mutating func alias() throws(PartiQLError) -> String? {
        if acceptKeyword("AS") { return try name("an alias") }
        return bareName()
    }

    /// An unreserved identifier or a "quoted" one, consumed; `nil` (nothing consumed) otherwise.
    mutating func bareName() -> String? {
        switch current.kind {
        case .identifier(let s) where !Self.reserved.contains(s.uppercased()):
            advance()
            return s
        case .quotedIdentifier(let s):
            advance()
            return s
        default: return nil
        }
    }

    /// The output name PartiQL derives for an unnamed item: a variable's name or a path's last field.
    static func derivedName(_ expression: Expression) -> String? {
        switch expression.kind {
        case .variable(let name, _, _): return name
        case .path(_, let steps):
            if case .field(let name, _) = steps.last { return name }
            return nil
        default: return nil
        }
    }

    mutating func fromItem(index: Int) throws(PartiQLError) -> FromItem {
        let start = current.position
        var item: FromItem
        if peekKeyword("HISTORY"), case .punct("(") = peek(1).kind {
            advance()
            advance()
            let table = try nameOrString("a table name or id")
            var startTime: Expression?
            var endTime: Expression?
            if acceptPunct(",") {
                startTime = try expression()
                if acceptPunct(",") { endTime = try expression() }
            }
            try expectPunct(")")
            noteTable(table, .history)
            item = FromItem(kind: .history(table, start: startTime, end: endTime), alias: "_history", position: start)
        } else if case .identifier(let word) = current.kind, word.lowercased() == "information_schema",
            case .punct(".") = peek(1).kind
        {
            advance()
            advance()
            let view = try name("user_tables")
            guard view.lowercased() == "user_tables" else {
                throw .semantic(
                    "information_schema.\(view) does not exist; use information_schema.user_tables", at: start)
            }
            readsCatalog = true
            item = FromItem(kind: .userTables, alias: "user_tables", position: start)
        } else if let table = tableName() {
            if table.hasPrefix("_ql_committed_") {
                let name = String(table.dropFirst("_ql_committed_".count))
                noteTable(name, .read)
                item = FromItem(kind: .committed(name), alias: table, position: start)
            } else {
                noteTable(table, .read)
                item = FromItem(kind: .table(table), alias: table, position: start)
            }
        } else {
            if current.kind == .end { throw unexpected("a table name") }
            let source = try expression()
            item = FromItem(
                kind: .expression(source), alias: Self.derivedName(source) ?? "_\(index + 1)", position: start)
        }
        try aliases(&item)
        return item
    }

    /// A bare table name: a name not followed by a path step or a call.
    mutating func tableName() -> String? {
        let next = peek(1).kind
        if next == .punct(".") || next == .punct("[") || next == .punct("(") { return nil }
        return bareName()
    }
}
