import Ion

extension Evaluator {
    /// The rows of a SELECT: FROM, WHERE, then the projection (aggregates over all rows when the
    /// SELECT list has any).
    ///
    /// A nested query (`nested`) reads only its enclosing rows: as QLDB documents, only the
    /// outermost query can read tables.
    package func select(_ query: Query, outer: Environment = Environment(), nested: Bool = false)
        throws(PartiQLError) -> [IonValue]
    {
        let rows = try bind(query.from, whereClause: query.whereClause, outer: outer, nested: nested)
        if query.aggregateCount > 0 {
            var environment = outer
            environment.aggregates = try aggregates(of: query, over: rows)
            return [try project(query.projection, environment)].compactMap { $0 }
        }
        var results: [IonValue] = []
        results.reserveCapacity(rows.count)
        for row in rows {
            if let value = try project(query.projection, row) { results.append(value) }
        }
        return results
    }

    /// One output value of the projection; `nil` when a `SELECT VALUE` expression is MISSING.
    private func project(_ projection: Projection, _ row: Environment) throws(PartiQLError) -> IonValue? {
        switch projection {
        case .value(let expression):
            return try evaluate(expression, in: row)
        case .star:
            let sources = row.bindings.filter(\.isSource)
            if sources.count == 1 { return sources[0].value }
            var merged = IonStruct()
            for source in sources {
                if let fields = source.value?.structValue {
                    for field in fields { merged.append(name: field.name, value: field.value) }
                }
            }
            return .struct(merged)
        case .items(let items):
            var out = IonStruct()
            for item in items {
                switch item {
                case .expression(let expression, let name):
                    if let value = try evaluate(expression, in: row) { out.append(name: IonSymbol(name), value: value) }
                case .allFields(let expression):
                    guard let value = try evaluate(expression, in: row) else { continue }
                    if let fields = value.structValue {
                        for field in fields { out.append(name: field.name, value: field.value) }
                    } else {
                        out.append(name: IonSymbol("_\(out.count + 1)"), value: value)
                    }
                }
            }
            return .struct(out)
        }
    }

    /// The environments of every combination of FROM rows that passes the ON and WHERE conditions.
    package func bind(_ items: [FromItem], whereClause: Expression?, outer: Environment, nested: Bool = false)
        throws(PartiQLError) -> [Environment]
    {
        var rows = [outer]
        for (index, var item) in items.enumerated() {
            var next: [Environment] = []
            let stored: [SourceRow]?
            if nested, case .table(let name) = item.kind {
                // In a nested query a bare name can only be a variable of the enclosing query.
                guard outer.binding(name, quoted: false) != nil else {
                    throw .semantic(
                        "a nested query cannot read the table \(name): only the outermost query reads tables",
                        at: item.position)
                }
                item.kind = .expression(Expression(.variable(name, quoted: false, scopeOnly: true), at: item.position))
            }
            if case .expression = item.kind {
                stored = nil
            } else if nested {
                throw .semantic("a nested query cannot read tables: only the outermost query does", at: item.position)
            } else {
                guard let source else {
                    throw .semantic("this context has no tables to read", at: item.position)
                }
                stored = try source.rows(
                    of: item, whereClause: whereClause, isOnlySource: items.count == 1, evaluator: self)
            }
            for row in rows {
                let members: [(value: IonValue, position: Int?, origin: Origin?)]
                if let stored {
                    members = stored.map { stored in
                        (stored.value, nil, stored.documentID.map { Origin(item: index, documentID: $0, path: []) })
                    }
                } else if case .expression(let expression) = item.kind {
                    members = try unnest(expression, row)
                } else {
                    members = []
                }
                try countRows(members.count, at: item.position)
                for member in members {
                    var environment = row
                    environment.bind(item.alias, member.value, origin: member.origin, isSource: true)
                    if let by = item.byVariable {
                        let id = member.origin.flatMap { $0.path.isEmpty ? $0.documentID : nil }
                        environment.bind(by, id.map { .string($0) } ?? .null)
                    }
                    if let at = item.atVariable { environment.bind(at, member.position.map { .int($0) }) }
                    if let condition = item.condition, try !holds(condition, in: environment) { continue }
                    next.append(environment)
                }
            }
            rows = next
        }
        guard let whereClause else { return rows }
        var kept: [Environment] = []
        for row in rows where try holds(whereClause, in: row) { kept.append(row) }
        return kept
    }

    /// The members of a FROM expression: a list's or bag's elements with their positions, or the
    /// value itself; each with the place in a stored document it came from, when known.
    private func unnest(_ expression: Expression, _ row: Environment) throws(PartiQLError)
        -> [(value: IonValue, position: Int?, origin: Origin?)]
    {
        guard let value = try evaluate(expression, in: row), !value.isNull else { return [] }
        let origin = Self.origin(of: expression, in: row)
        guard let items = value.listValue else { return [(value, nil, origin)] }
        return items.enumerated().map { i, item in
            (item, i, origin.map { Origin(item: $0.item, documentID: $0.documentID, path: $0.path + [.index(i)]) })
        }
    }

    /// Where a path over a FROM variable points inside its document, when every step is a field
    /// name or a literal position.
    static func origin(of expression: Expression, in environment: Environment) -> Origin? {
        switch expression.kind {
        case .variable(let name, let quoted, _):
            return environment.binding(name, quoted: quoted)?.origin
        case .path(let base, let steps):
            guard var origin = origin(of: base, in: environment) else { return nil }
            for step in steps {
                switch step {
                case .field(let name, _): origin.path.append(.field(name))
                case .index(let e):
                    guard case .literal(let v) = e.kind, let i = v.intValue else { return nil }
                    origin.path.append(.index(i))
                default: return nil
                }
            }
            return origin
        default: return nil
        }
    }

    /// Each aggregate of the SELECT list computed over `rows`, by slot.
    private func aggregates(of query: Query, over rows: [Environment]) throws(PartiQLError) -> [IonValue?] {
        var calls: [(AggregateFunction, Expression?, Int, SourcePosition)] = []
        func collect(_ e: Expression) {
            if case .aggregate(let f, let argument, let slot) = e.kind {
                calls.append((f, argument, slot, e.position))
                return
            }
            e.forEachChild(collect)
        }
        switch query.projection {
        case .value(let e): collect(e)
        case .items(let items):
            for item in items {
                switch item {
                case .expression(let e, _), .allFields(let e): collect(e)
                }
            }
        case .star: break
        }
        var results = [IonValue?](repeating: nil, count: query.aggregateCount)
        for (function, argument, slot, position) in calls {
            var accumulator = AggregateAccumulator(function, at: position)
            for row in rows {
                if let argument {
                    try accumulator.add(try evaluate(argument, in: row))
                } else {
                    try accumulator.add(.bool(true))
                }
            }
            results[slot] = try accumulator.result()
        }
        return results
    }
}

extension Expression {
    /// Calls `body` with each direct child (not descending into subqueries).
    func forEachChild(_ body: (Expression) -> Void) {
        switch kind {
        case .literal, .missing, .parameter, .variable, .subquery, .aggregate: break
        case .path(let base, let steps):
            body(base)
            for case .index(let e) in steps { body(e) }
        case .structure(let fields):
            for field in fields {
                body(field.key)
                body(field.value)
            }
        case .list(let items), .bag(let items), .call(_, let items): items.forEach(body)
        case .unary(_, let e), .isAbsent(let e, _, _), .cast(let e, _): body(e)
        case .binary(_, let l, let r), .inCollection(let l, let r, _):
            body(l)
            body(r)
        case .between(let a, let b, let c, _):
            body(a)
            body(b)
            body(c)
        case .like(let a, let b, let c, _):
            body(a)
            body(b)
            if let c { body(c) }
        case .caseWhen(let operand, let branches, let otherwise):
            if let operand { body(operand) }
            for branch in branches {
                body(branch.when)
                body(branch.then)
            }
            if let otherwise { body(otherwise) }
        }
    }
}
