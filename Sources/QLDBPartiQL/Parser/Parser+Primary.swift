import Ion

extension Parser {
    mutating func primary() throws(PartiQLError) -> Expression {
        switch current.kind {
        case .punct(let p):
            switch p {
            case "(": return try parenthesized()
            case "{": return try structLiteral()
            case "[", "<<": return try collectionLiteral()
            case "@": return try scopedVariable()
            default: throw unexpected("an expression")
            }
        case .identifier(let word): return try wordExpression(word, at: current.position)
        default: return try literal()
        }
    }

    /// A string, number, Ion literal, `?` or "quoted" name.
    mutating func literal() throws(PartiQLError) -> Expression {
        let token = current
        switch token.kind {
        case .string(let s):
            advance()
            return Expression(.literal(.string(s)), at: token.position)
        case .number(let v), .ion(let v):
            advance()
            return Expression(.literal(v), at: token.position)
        case .parameter:
            advance()
            parameterCount += 1
            return Expression(.parameter(parameterCount - 1), at: token.position)
        case .quotedIdentifier(let s):
            advance()
            return Expression(.variable(s, quoted: true, scopeOnly: false), at: token.position)
        default:
            throw unexpected("an expression")
        }
    }

    /// `@name`: a variable of the enclosing scope, never a table or a field.
    mutating func scopedVariable() throws(PartiQLError) -> Expression {
        let start = current.position
        advance()
        switch current.kind {
        case .identifier(let s):
            advance()
            return Expression(.variable(s, quoted: false, scopeOnly: true), at: start)
        case .quotedIdentifier(let s):
            advance()
            return Expression(.variable(s, quoted: true, scopeOnly: true), at: start)
        default: throw unexpected("a variable name after '@'")
        }
    }

    /// `( expression )` or a nested `( SELECT … )`, which counts as ``Parser/subqueryNestingCost`` levels.
    mutating func parenthesized() throws(PartiQLError) -> Expression {
        let start = current.position
        advance()
        guard peekKeyword("SELECT") else {
            let inner = try expression()
            try expectPunct(")")
            return inner
        }
        return try subquery(at: start)
    }

    mutating func subquery(at start: SourcePosition) throws(PartiQLError) -> Expression {
        for _ in 1..<Self.subqueryNestingCost { try enter(start) }
        defer { for _ in 1..<Self.subqueryNestingCost { leave() } }
        let query = try query()
        try expectPunct(")")
        return Expression(.subquery(query), at: start, height: 1)
    }

    /// `{ key: value, … }`; a bare name before `:` is a field name, as in Ion.
    mutating func structLiteral() throws(PartiQLError) -> Expression {
        let start = current.position
        advance()
        var fields: [(key: Expression, value: Expression)] = []
        var children: [Expression] = []
        if !peekPunct("}") {
            repeat {
                let key = try structKey()
                try expectPunct(":")
                let value = try expression()
                fields.append((key, value))
                children.append(key)
                children.append(value)
            } while acceptPunct(",")
        }
        try expectPunct("}")
        return try node(.structure(fields), at: start, children: children)
    }

    mutating func structKey() throws(PartiQLError) -> Expression {
        if case .identifier(let s) = current.kind, case .punct(":") = peek(1).kind {
            let key = Expression(.literal(.string(s)), at: current.position)
            advance()
            return key
        }
        return try expression()
    }

    /// `[ … ]` or `<< … >>`.
    mutating func collectionLiteral() throws(PartiQLError) -> Expression {
        let start = current.position
        let isBag = peekPunct("<<")
        advance()
        let items = try expressionList(until: isBag ? ">>" : "]")
        return try node(isBag ? .bag(items) : .list(items), at: start, children: items)
    }

    /// Comma-separated expressions up to the closing punctuation (consumed).
    mutating func expressionList(until close: String) throws(PartiQLError) -> [Expression] {
        var items: [Expression] = []
        if !peekPunct(close) {
            repeat { items.append(try expression()) } while acceptPunct(",")
        }
        try expectPunct(close)
        return items
    }

    /// An unquoted word in expression position: a literal keyword, CAST, CASE, a function call or a name.
    mutating func wordExpression(_ word: String, at start: SourcePosition) throws(PartiQLError) -> Expression {
        let upper = word.uppercased()
        switch upper {
        case "TRUE", "FALSE":
            advance()
            return Expression(.literal(.bool(upper == "TRUE")), at: start)
        case "NULL":
            advance()
            return Expression(.literal(.null), at: start)
        case "MISSING":
            advance()
            return Expression(.missing, at: start)
        case "SELECT":
            throw .syntax("a nested SELECT must be in parentheses", at: start)
        case "CASE":
            return try caseExpression(at: start)
        default: break
        }
        // `value` stays usable as a name (applications written for QLDB use it as a field); the
        // other reserved words cannot start an expression.
        if upper != "VALUE" && Self.reserved.contains(upper) { throw unexpected("an expression") }
        advance()
        guard peekPunct("(") else { return Expression(.variable(word, quoted: false, scopeOnly: false), at: start) }
        advance()
        return try call(upper, at: start)
    }

    /// A call whose `(` is consumed: CAST, an aggregate or a function of the registry.
    mutating func call(_ upper: String, at start: SourcePosition) throws(PartiQLError) -> Expression {
        if upper == "CAST" { return try cast(at: start) }
        if let aggregate = AggregateFunction(rawValue: upper) { return try aggregateCall(aggregate, at: start) }
        guard let function = FunctionRegistry.scalar[upper] else {
            throw .semantic("\(upper) is not a function of QLDB's PartiQL", at: start)
        }
        let arguments =
            function.syntax == .plain ? try expressionList(until: ")") : try functionArguments(function, at: start)
        return try callNode(function, arguments, at: start)
    }

    /// A call node, once its argument count is checked against the function's arity.
    func callNode(_ function: ScalarFunction, _ arguments: [Expression], at start: SourcePosition)
        throws(PartiQLError) -> Expression
    {
        let upper = function.name
        guard function.arity.contains(arguments.count) else {
            let expected =
                function.arity.lowerBound == function.arity.upperBound
                ? "\(function.arity.lowerBound)" : "\(function.arity.lowerBound) to \(function.arity.upperBound)"
            throw .semantic(
                "\(upper) takes \(expected) argument\(function.arity.upperBound == 1 ? "" : "s"), got \(arguments.count)",
                at: start)
        }
        return try node(.call(function, arguments), at: start, children: arguments)
    }

    /// The arguments of a call whose `(` is consumed, with the SQL keyword forms of EXTRACT, TRIM,
    /// SUBSTRING and the date-part first argument of DATE_ADD and DATE_DIFF.
    mutating func functionArguments(_ function: ScalarFunction, at start: SourcePosition) throws(PartiQLError)
        -> [Expression]
    {
        switch function.syntax {
        case .plain:
            return try expressionList(until: ")")
        case .datePartFirst:
            let part = try datePart(allowed: DatePart.arithmeticParts, function: function.name)
            guard acceptPunct(",") else { throw unexpected("',' after the date part") }
            return [part] + (try expressionList(until: ")"))
        case .extract:
            let part = try datePart(allowed: DatePart.allCases, function: function.name)
            try expectKeyword("FROM")
            let source = try expression()
            try expectPunct(")")
            return [part, source]
        case .trim:
            // TRIM([[LEADING|TRAILING|BOTH] [characters] FROM] string)
            var side = "BOTH"
            var characters: Expression?
            let sideStart = current.position
            if let keyword = current.keyword, ["LEADING", "TRAILING", "BOTH"].contains(keyword) {
                side = keyword
                advance()
                if !acceptKeyword("FROM") {
                    characters = try expression()
                    try expectKeyword("FROM")
                }
            } else {
                let first = try expression()
                guard acceptKeyword("FROM") else {
                    try expectPunct(")")
                    return [Expression(.literal(.string(side)), at: sideStart), first]
                }
                characters = first
            }
            let source = try expression()
            try expectPunct(")")
            var arguments = [Expression(.literal(.string(side)), at: sideStart), source]
            if let characters { arguments.append(characters) }
            return arguments
        case .substring:
            let source = try expression()
            if acceptKeyword("FROM") {
                let from = try expression()
                var arguments = [source, from]
                if acceptKeyword("FOR") { arguments.append(try expression()) }
                try expectPunct(")")
                return arguments
            }
            if acceptPunct(")") { return [source] }
            guard acceptPunct(",") else { throw unexpected("',' or FROM in SUBSTRING") }
            return [source] + (try expressionList(until: ")"))
        }
    }

    /// A date part keyword (`year`, `month`, …) as a string literal, checked against those allowed.
    mutating func datePart(allowed: [DatePart], function: String) throws(PartiQLError) -> Expression {
        let start = current.position
        guard case .identifier(let word) = current.kind, let part = DatePart(rawValue: word.lowercased()),
            allowed.contains(part)
        else {
            throw .semantic(
                "\(function) needs a date part (\(allowed.map(\.rawValue).joined(separator: ", "))), found \(current.display)",
                at: start)
        }
        advance()
        return Expression(.literal(.string(part.rawValue)), at: start)
    }

    /// `CAST(expression AS type)`, its `(` consumed.
    mutating func cast(at start: SourcePosition) throws(PartiQLError) -> Expression {
        let operand = try expression()
        try expectKeyword("AS")
        let typeStart = current.position
        guard case .identifier(let typeName) = current.kind, let target = CastTarget.named(typeName) else {
            throw .semantic("CAST to \(current.display) is not possible: not a PartiQL type", at: typeStart)
        }
        advance()
        if acceptPunct("(") {
            // Precision and length arguments (`DECIMAL(10, 2)`, `VARCHAR(20)`) are accepted and ignored.
            while !acceptPunct(")") {
                if current.kind == .end { throw unexpected("')'") }
                advance()
            }
        }
        try expectPunct(")")
        return try node(.cast(operand, target), at: start, children: [operand])
    }

    /// `COUNT(*)`, `COUNT(x)`, `SUM(x)`, …, their `(` consumed; only in a SELECT list.
    mutating func aggregateCall(_ function: AggregateFunction, at start: SourcePosition) throws(PartiQLError)
        -> Expression
    {
        guard let slot = aggregateSlots else {
            throw .semantic("\(function.rawValue) is an aggregate and may appear only in a SELECT list", at: start)
        }
        if peekKeyword("DISTINCT") { throw unsupported("\(function.rawValue)(DISTINCT …)") }
        _ = acceptKeyword("ALL")
        if function == .count, acceptPunct("*") {
            try expectPunct(")")
            aggregateSlots = slot + 1
            return Expression(.aggregate(function, argument: nil, slot: slot), at: start)
        }
        // The argument is evaluated per row: aggregates may not nest.
        aggregateSlots = nil
        let argument = try expression()
        aggregateSlots = slot + 1
        try expectPunct(")")
        return try node(.aggregate(function, argument: argument, slot: slot), at: start, children: [argument])
    }

    /// `CASE [operand] WHEN a THEN b … [ELSE c] END`.
    mutating func caseExpression(at start: SourcePosition) throws(PartiQLError) -> Expression {
        advance()
        let operand = peekKeyword("WHEN") ? nil : try expression()
        var branches: [(when: Expression, then: Expression)] = []
        var children: [Expression] = operand.map { [$0] } ?? []
        while acceptKeyword("WHEN") {
            let condition = try expression()
            try expectKeyword("THEN")
            let result = try expression()
            branches.append((condition, result))
            children += [condition, result]
        }
        guard !branches.isEmpty else { throw unexpected("WHEN") }
        let otherwise = acceptKeyword("ELSE") ? try expression() : nil
        if let otherwise { children.append(otherwise) }
        try expectKeyword("END")
        return try node(
            .caseWhen(operand: operand, branches: branches, otherwise: otherwise), at: start, children: children)
    }
}
