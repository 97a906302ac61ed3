import Ion

/// Operator precedence, loosest first.
enum Precedence: Int, Comparable {
    case lowest = 0
    case or = 1
    case and = 2
    case not = 3
    case comparison = 4
    case concatenation = 5
    case additive = 6
    case multiplicative = 7
    case unary = 8

    static func < (a: Precedence, b: Precedence) -> Bool { a.rawValue < b.rawValue }
}

extension Parser {
    // The functions on the recursion path (expression, infix, prefixExpression, postfixExpression,
    // primary and the container helpers) keep few locals: a debug build gives every local its own
    // stack slot, and their frames together are what one level of nesting costs.

    /// An expression whose infix operators all bind tighter than `minimum` (precedence climbing:
    /// one recursion per nesting level, whatever the number of operator levels).
    mutating func expression(above minimum: Precedence = .lowest) throws(PartiQLError) -> Expression {
        try enter(current.position)
        defer { leave() }
        var left = try prefixExpression()
        while let precedence = infixPrecedence(), precedence > minimum {
            left = try infix(left, precedence)
        }
        return left
    }

    /// The precedence of the infix operator at the current token, if it is one.
    func infixPrecedence() -> Precedence? {
        switch current.kind {
        case .identifier(let word):
            switch word.uppercased() {
            case "OR": return .or
            case "AND": return .and
            case "IS", "IN", "BETWEEN", "LIKE": return .comparison
            case "NOT":
                switch peek(1).keyword {
                case "IN", "BETWEEN", "LIKE": return .comparison
                default: return nil
                }
            default: return nil
            }
        case .punct(let p):
            return Self.binaryOperators[p]?.precedence
        default: return nil
        }
    }

    static let binaryOperators: [String: (op: BinaryOperator, precedence: Precedence)] = [
        "=": (.equal, .comparison), "<>": (.notEqual, .comparison), "!=": (.notEqual, .comparison),
        "<": (.less, .comparison), "<=": (.lessOrEqual, .comparison), ">": (.greater, .comparison),
        ">=": (.greaterOrEqual, .comparison), "||": (.concatenate, .concatenation), "+": (.add, .additive),
        "-": (.subtract, .additive), "*": (.multiply, .multiplicative), "/": (.divide, .multiplicative),
        "%": (.modulo, .multiplicative),
    ]

    /// The operator at the current token applied to `left` and the operand after it.
    mutating func infix(_ left: Expression, _ precedence: Precedence) throws(PartiQLError) -> Expression {
        let start = current.position
        let op: BinaryOperator
        if case .punct(let p) = current.kind, let binary = Self.binaryOperators[p] {
            op = binary.op
        } else if peekKeyword("AND") {
            op = .and
        } else if peekKeyword("OR") {
            op = .or
        } else {
            return try predicate(left, start)
        }
        advance()
        let right = try expression(above: precedence)
        return try binaryNode(op, left, right, at: start)
    }

    func binaryNode(_ op: BinaryOperator, _ left: Expression, _ right: Expression, at start: SourcePosition)
        throws(PartiQLError) -> Expression
    {
        try node(.binary(op, left, right), at: start, children: [left, right])
    }

    /// `IS [NOT] NULL|MISSING`, `[NOT] IN`, `[NOT] BETWEEN … AND …`, `[NOT] LIKE … [ESCAPE …]`.
    mutating func predicate(_ left: Expression, _ start: SourcePosition) throws(PartiQLError) -> Expression {
        if acceptKeyword("IS") {
            let negated = acceptKeyword("NOT")
            let missingOnly: Bool
            if acceptKeyword("NULL") {
                missingOnly = false
            } else if acceptKeyword("MISSING") {
                missingOnly = true
            } else {
                throw unexpected("NULL or MISSING after IS")
            }
            return try node(.isAbsent(left, missingOnly: missingOnly, negated: negated), at: start, children: [left])
        }
        let negated = acceptKeyword("NOT")
        if acceptKeyword("IN") {
            let right: Expression
            if peekPunct("("), peek(1).keyword != "SELECT" {
                // `x IN (a, b, c)`: a parenthesised list of values.
                let listStart = current.position
                advance()
                var items: [Expression] = []
                repeat { items.append(try expression()) } while acceptPunct(",")
                try expectPunct(")")
                right = try node(.list(items), at: listStart, children: items)
            } else {
                right = try expression(above: .comparison)
            }
            return try node(.inCollection(left, right, negated: negated), at: start, children: [left, right])
        }
        if acceptKeyword("BETWEEN") {
            let low = try expression(above: .comparison)
            try expectKeyword("AND")
            let high = try expression(above: .comparison)
            return try node(.between(left, low, high, negated: negated), at: start, children: [left, low, high])
        }
        if acceptKeyword("LIKE") {
            let pattern = try expression(above: .comparison)
            let escape = acceptKeyword("ESCAPE") ? try expression(above: .comparison) : nil
            return try node(
                .like(left, pattern: pattern, escape: escape, negated: negated), at: start,
                children: [left, pattern] + (escape.map { [$0] } ?? []))
        }
        throw unexpected("IN, BETWEEN or LIKE after NOT")
    }

    /// NOT, unary minus and plus, or a primary with its path steps.
    mutating func prefixExpression() throws(PartiQLError) -> Expression {
        if peekKeyword("NOT") || peekPunct("-") || peekPunct("+") { return try unaryExpression() }
        return try postfixExpression()
    }

    mutating func unaryExpression() throws(PartiQLError) -> Expression {
        let start = current.position
        if acceptKeyword("NOT") {
            let operand = try expression(above: .not)
            return try node(.unary(.not, operand), at: start, children: [operand])
        }
        let negate = acceptPunct("-")
        if !negate { advance() }
        let operand = try expression(above: .multiplicative)
        return try unaryNode(negate ? .negate : .plus, operand, at: start)
    }

    /// A unary node; a negated number literal stays a literal (its type and precision unchanged).
    func unaryNode(_ op: UnaryOperator, _ operand: Expression, at start: SourcePosition) throws(PartiQLError)
        -> Expression
    {
        if op == .negate, case .literal(let v) = operand.kind, let negated = Self.negatedLiteral(v) {
            return Expression(.literal(negated), at: start)
        }
        return try node(.unary(op, operand), at: start, children: [operand])
    }

    /// `-5`, `-1.5`: negative number literals stay literals (their type and precision unchanged).
    static func negatedLiteral(_ value: IonValue) -> IonValue? {
        guard value.annotations.isEmpty else { return nil }
        switch value.content {
        case .int(let i): return .int(IonInt(-i.bigIntValue))
        case .decimal(let d):
            return .decimal(
                d.coefficient.isZero
                    ? IonDecimal(zeroWithExponent: d.exponent, negative: !d.isNegative)
                    : IonDecimal(coefficient: IonInt(-d.coefficient.bigIntValue), exponent: d.exponent))
        case .float(let f): return .float(-f)
        default: return nil
        }
    }

    /// A primary followed by `.name`, `[index]`, `[*]` and `.*` steps (kept as one flat list).
    mutating func postfixExpression() throws(PartiQLError) -> Expression {
        let base = try primary()
        guard peekPunct(".") || peekPunct("[") else { return base }
        return try pathSteps(after: base)
    }

    mutating func pathSteps(after base: Expression) throws(PartiQLError) -> Expression {
        var steps: [PathStep] = []
        var height = base.height
        while true {
            if peekPunct("."), case .punct("*") = peek(1).kind {
                // `alias.*` in a SELECT list is a projection, handled by the caller.
                if inSelectList, isProjectionStar() { break }
                advance()
                advance()
                steps.append(.allFields)
            } else if acceptPunct(".") {
                switch current.kind {
                case .identifier(let s):
                    advance()
                    steps.append(.field(s, quoted: false))
                case .quotedIdentifier(let s):
                    advance()
                    steps.append(.field(s, quoted: true))
                default: throw unexpected("a field name after '.'")
                }
            } else if peekPunct("[") {
                advance()
                if acceptPunct("*") {
                    try expectPunct("]")
                    steps.append(.allElements)
                    continue
                }
                let index = try expression()
                try expectPunct("]")
                if case .literal(let value) = index.kind, value.type == .string, let text = value.stringValue {
                    steps.append(.field(text, quoted: true))
                } else {
                    height = max(height, index.height)
                    steps.append(.index(index))
                }
            } else {
                break
            }
        }
        guard !steps.isEmpty else { return base }
        return try node(
            .path(base, steps), at: base.position, children: [Expression(.missing, at: base.position, height: height)])
    }

    /// Whether `.*` here ends a SELECT item (`SELECT p.* FROM …`) rather than continuing a path.
    func isProjectionStar() -> Bool {
        let after = peek(2)
        if after.kind == .punct(",") { return true }
        return after.keyword == "FROM"
    }
}
