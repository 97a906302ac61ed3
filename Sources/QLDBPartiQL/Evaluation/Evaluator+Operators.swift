import Ion

extension Evaluator {
    func unary(_ expression: Expression, _ environment: Environment) throws(PartiQLError) -> IonValue? {
        guard case .unary(let op, let operand) = expression.kind else { return nil }
        let position = expression.position
        guard let value = try evaluate(operand, in: environment) else { return nil }
        if value.isNull { return .null }
        switch op {
        case .not:
            guard let b = value.boolValue else { throw .type("NOT needs a boolean, got \(value.type)", at: position) }
            return .bool(!b)
        case .plus:
            guard Number(value) != nil else { throw .type("unary + needs a number, got \(value.type)", at: position) }
            return value
        case .negate:
            guard let n = Number(value) else { throw .type("unary - needs a number, got \(value.type)", at: position) }
            switch n {
            case .int(let i): return .int(IonInt(-i))
            case .float(let f): return .float(-f)
            case .decimal(let d):
                var negated = ExactDecimal(coefficient: -d.coefficient, exponent: d.exponent)
                negated.isNegativeZero = d.coefficient.isZero && !d.isNegativeZero
                return Number.decimal(negated).ionValue
            }
        }
    }

    func binary(_ expression: Expression, _ environment: Environment) throws(PartiQLError) -> IonValue? {
        guard case .binary(let op, let leftExpression, let rightExpression) = expression.kind else { return nil }
        let position = expression.position
        switch op {
        case .and, .or:
            let left = try logical(leftExpression, op, environment)
            // Short circuit: false AND x, true OR x.
            if left == .some(.some(op == .or)) { return .bool(op == .or) }
            let right = try logical(rightExpression, op, environment)
            if right == .some(.some(op == .or)) { return .bool(op == .or) }
            if let l = left, let r = right, l != nil, r != nil { return .bool(op == .or ? l! || r! : l! && r!) }
            // Unknown: MISSING when either side is MISSING, NULL otherwise.
            return left == nil || right == nil ? nil : .null
        default: break
        }
        guard let left = try scalarOperand(leftExpression, environment),
            let right = try scalarOperand(rightExpression, environment)
        else { return nil }
        if left.isNull || right.isNull { return .null }
        switch op {
        case .equal: return .bool(ValueComparison.equal(left, right))
        case .notEqual: return .bool(!ValueComparison.equal(left, right))
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let order = ValueComparison.compare(left, right) else {
                throw .type("\(op.rawValue) cannot compare \(left.type) with \(right.type)", at: position)
            }
            switch op {
            case .less: return .bool(order < 0)
            case .lessOrEqual: return .bool(order <= 0)
            case .greater: return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case .concatenate:
            guard left.type.isText, right.type.isText, let a = left.stringValue, let b = right.stringValue else {
                throw .type("|| needs strings, got \(left.type) and \(right.type)", at: position)
            }
            return .string(a + b)
        default:
            guard let a = Number(left), let b = Number(right) else {
                throw .type("\(op.rawValue) needs numbers, got \(left.type) and \(right.type)", at: position)
            }
            guard let result = a.combine(op, b) else { throw .evaluation("division by zero", at: position) }
            return result.ionValue
        }
    }

    /// A boolean operand of AND/OR: `.some(bool)` or `.some(nil)` for NULL, `nil` for MISSING.
    private func logical(_ expression: Expression, _ op: BinaryOperator, _ environment: Environment)
        throws(PartiQLError) -> Bool??
    {
        guard let value = try evaluate(expression, in: environment) else { return nil }
        if value.isNull { return .some(nil) }
        guard let b = value.boolValue else {
            throw .type("\(op.rawValue) needs booleans, got \(value.type)", at: expression.position)
        }
        return .some(b)
    }

    /// An operand where one value is expected: a subquery with a single row stands for that row's
    /// single value (SQL's scalar subquery coercion).
    func scalarOperand(_ expression: Expression, _ environment: Environment) throws(PartiQLError) -> IonValue? {
        guard case .subquery = expression.kind else { return try evaluate(expression, in: environment) }
        guard let rows = try evaluate(expression, in: environment)?.listValue, rows.count == 1 else {
            return try evaluate(expression, in: environment)
        }
        return Self.scalar(rows[0])
    }

    /// A one-field struct's value; any other value unchanged.
    static func scalar(_ row: IonValue) -> IonValue {
        if let fields = row.structValue, fields.count == 1, let only = fields.first { return only.value }
        return row
    }

    func inCollection(_ expression: Expression, _ environment: Environment) throws(PartiQLError) -> IonValue? {
        guard case .inCollection(let operandExpression, let collectionExpression, let negated) = expression.kind else {
            return nil
        }
        guard let operand = try evaluate(operandExpression, in: environment),
            let collection = try evaluate(collectionExpression, in: environment)
        else { return nil }
        if operand.isNull || collection.isNull { return .null }
        var items = collection.listValue ?? [collection]
        if case .subquery = collectionExpression.kind { items = items.map(Self.scalar) }
        var sawNull = false
        for item in items {
            if item.isNull {
                sawNull = true
            } else if ValueComparison.equal(operand, item) {
                return .bool(!negated)
            }
        }
        return sawNull ? .null : .bool(negated)
    }

    func between(_ expression: Expression, _ environment: Environment) throws(PartiQLError) -> IonValue? {
        guard case .between(let operandExpression, let lowExpression, let highExpression, let negated) = expression.kind
        else { return nil }
        let position = expression.position
        guard let value = try evaluate(operandExpression, in: environment),
            let low = try evaluate(lowExpression, in: environment),
            let high = try evaluate(highExpression, in: environment)
        else { return nil }
        if value.isNull || low.isNull || high.isNull { return .null }
        guard let a = ValueComparison.compare(value, low), let b = ValueComparison.compare(value, high) else {
            throw .type("BETWEEN cannot compare \(value.type) with \(low.type) and \(high.type)", at: position)
        }
        return .bool((a >= 0 && b <= 0) != negated)
    }

    func like(_ expression: Expression, _ environment: Environment) throws(PartiQLError) -> IonValue? {
        guard
            case .like(let operandExpression, let patternExpression, let escapeExpression, let negated) = expression
                .kind
        else { return nil }
        let position = expression.position
        guard let value = try evaluate(operandExpression, in: environment),
            let pattern = try evaluate(patternExpression, in: environment)
        else { return nil }
        let escapeValue = try escapeExpression.map { e throws(PartiQLError) in try evaluate(e, in: environment) }
        if case .some(.none) = escapeValue { return nil }
        if value.isNull || pattern.isNull || (escapeValue??.isNull ?? false) { return .null }
        guard value.type.isText, let text = value.stringValue else {
            throw .type("LIKE needs a string to match, got \(value.type)", at: position)
        }
        guard pattern.type.isText, let p = pattern.stringValue else {
            throw .type("LIKE needs a string pattern, got \(pattern.type)", at: position)
        }
        var escape: Unicode.Scalar?
        if let e = escapeValue ?? nil {
            guard let s = e.stringValue, s.unicodeScalars.count == 1 else {
                throw .type("ESCAPE needs exactly one character", at: position)
            }
            escape = s.unicodeScalars.first
        }
        guard let compiled = LikePattern(p, escape: escape) else {
            throw .evaluation("the LIKE pattern ends with its escape character", at: position)
        }
        return .bool(compiled.matches(text) != negated)
    }

    /// Follows path steps. After a wildcard step (`[*]`, `.*`) every value reached so far is
    /// followed separately, MISSING results dropped, and the result is the list of them all.
    /// Iterative, so a path of any length needs constant stack.
    func navigate(_ start: IonValue?, _ steps: ArraySlice<PathStep>, _ environment: Environment)
        throws(PartiQLError) -> IonValue?
    {
        var frontier: [IonValue] = start.map { [$0] } ?? []
        var expanded = false
        for step in steps {
            var next: [IonValue] = []
            next.reserveCapacity(frontier.count)
            switch step {
            case .field(let name, _):
                for value in frontier { if let field = value.structValue?[name] { next.append(field) } }
            case .index(let indexExpression):
                guard let key = try evaluate(indexExpression, in: environment) else {
                    frontier = []
                    break
                }
                for value in frontier {
                    if let i = key.intValue {
                        if let items = value.listValue, i >= 0, i < items.count { next.append(items[i]) }
                    } else if key.type.isText, let name = key.stringValue, let field = value.structValue?[name] {
                        next.append(field)
                    }
                }
            case .allElements:
                expanded = true
                for value in frontier { next.append(contentsOf: value.listValue ?? []) }
            case .allFields:
                expanded = true
                for value in frontier {
                    if let fields = value.structValue { next.append(contentsOf: fields.map(\.value)) }
                }
            }
            frontier = next
            if !expanded && frontier.isEmpty { return nil }
        }
        if expanded { return .list(frontier) }
        return frontier.first
    }
}

extension IonValue {
    /// The elements of a list or S-expression.
    var listValue: [IonValue]? {
        switch content {
        case .list(let items), .sexp(let items): items
        default: nil
        }
    }
}
