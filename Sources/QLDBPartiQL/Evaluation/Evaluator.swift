import Ion

/// The rows of the FROM items that read stored data (tables, committed views, history,
/// `information_schema.user_tables`). The ledger implements it and records what it reads for
/// optimistic concurrency control; it may use `whereClause` to read through an index.
package protocol RowSource: AnyObject {
    func rows(of item: FromItem, whereClause: Expression?, isOnlySource: Bool, evaluator: Evaluator)
        throws(PartiQLError) -> [SourceRow]
}

/// A value read from storage and the id of the document it belongs to, if any.
package struct SourceRow: Sendable {
    package var value: IonValue
    package var documentID: String?

    package init(value: IonValue, documentID: String?) {
        self.value = value
        self.documentID = documentID
    }
}

/// Evaluates one statement's expressions and queries with PartiQL's semantics (MISSING and NULL,
/// three-valued logic), counting its work against an ``EvaluationBudget``.
///
/// Not `Sendable`: one evaluator belongs to one statement on one task.
package final class Evaluator {
    package let context: EvaluationContext
    package let budget: EvaluationBudget
    let source: (any RowSource)?
    /// Asked every few thousand steps and rows: a reason to stop (the transaction expired), or `nil`.
    let interruption: (@Sendable () -> String?)?
    private var steps = 0
    private(set) var rowCount = 0
    private var nextInterruptionCheck = Evaluator.interruptionInterval

    /// How many steps and rows pass between two calls of the interruption check.
    static let interruptionInterval = 4096

    package init(
        context: EvaluationContext, budget: EvaluationBudget = EvaluationBudget(), source: (any RowSource)?,
        interruption: (@Sendable () -> String?)? = nil
    ) {
        self.context = context
        self.budget = budget
        self.source = source
        self.interruption = interruption
    }

    /// Counts `n` rows against the budget.
    func countRows(_ n: Int, at position: SourcePosition) throws(PartiQLError) {
        rowCount += n
        guard rowCount <= budget.maxRows else {
            throw PartiQLError(
                .limit, "the statement produced more than the limit of \(budget.maxRows) rows", at: position)
        }
        try checkInterruption(after: n, at: position)
    }

    /// Calls the interruption check once `work` more steps or rows have passed since the last call.
    private func checkInterruption(after work: Int, at position: SourcePosition) throws(PartiQLError) {
        guard let interruption else { return }
        nextInterruptionCheck -= work
        guard nextInterruptionCheck <= 0 else { return }
        nextInterruptionCheck = Self.interruptionInterval
        if let reason = interruption() { throw PartiQLError(.cancelled, reason, at: position) }
    }

    /// The value of `expression` in `environment`; `nil` is MISSING.
    ///
    /// A dispatcher that binds no payloads: it is on the recursion path once per level of the
    /// tree, so its stack frame (large in debug builds for every bound value) stays small. Each
    /// kind's helper takes the whole expression and reads its own payload.
    package func evaluate(_ expression: Expression, in environment: Environment) throws(PartiQLError) -> IonValue? {
        try step(expression.position)
        switch expression.kind {
        case .literal(let value): return value
        case .missing: return nil
        case .parameter, .variable, .aggregate: return try leaf(expression, environment)
        case .path: return try path(expression, environment)
        case .structure: return try structure(expression, environment)
        case .list, .bag: return try collection(expression, environment)
        case .unary: return try unary(expression, environment)
        case .binary: return try binary(expression, environment)
        case .isAbsent: return try isAbsent(expression, environment)
        case .inCollection: return try inCollection(expression, environment)
        case .between: return try between(expression, environment)
        case .like: return try like(expression, environment)
        case .call: return try call(expression, environment)
        case .cast: return try cast(expression, environment)
        case .caseWhen: return try caseWhen(expression, environment)
        case .subquery: return try subquery(expression, environment)
        }
    }

    /// Counts one evaluation step against the budget.
    private func step(_ position: SourcePosition) throws(PartiQLError) {
        steps += 1
        guard steps <= budget.maxSteps else {
            throw PartiQLError(
                .limit, "the statement needed more than the limit of \(budget.maxSteps) evaluation steps", at: position)
        }
        if interruption != nil { try checkInterruption(after: 1, at: position) }
    }

    private func leaf(_ expression: Expression, _ environment: Environment) throws(PartiQLError) -> IonValue? {
        switch expression.kind {
        case .parameter(let index):
            guard index < context.parameters.count else {
                throw .semantic(
                    "the statement has more ? placeholders than the \(context.parameters.count) parameters sent",
                    at: expression.position)
            }
            return context.parameters[index]
        case .variable(let name, let quoted, let scopeOnly):
            return environment.lookup(name, quoted: quoted, scopeOnly: scopeOnly)
        case .aggregate(let function, _, let slot):
            guard slot < environment.aggregates.count else {
                throw .semantic(
                    "\(function.rawValue) is an aggregate and may appear only in a SELECT list", at: expression.position
                )
            }
            return environment.aggregates[slot]
        default: return nil
        }
    }

    private func path(_ expression: Expression, _ environment: Environment) throws(PartiQLError) -> IonValue? {
        guard case .path(let base, let steps) = expression.kind else { return nil }
        return try navigate(try evaluate(base, in: environment), steps[...], environment)
    }

    private func collection(_ expression: Expression, _ environment: Environment) throws(PartiQLError) -> IonValue? {
        guard case .list(let items) = expression.kind else {
            guard case .bag(let items) = expression.kind else { return nil }
            return .list(try values(items, environment))
        }
        return .list(try values(items, environment))
    }

    /// The values of `items`, MISSING ones left out (as in a list or bag constructor).
    private func values(_ items: [Expression], _ environment: Environment) throws(PartiQLError) -> [IonValue] {
        var values: [IonValue] = []
        values.reserveCapacity(items.count)
        for item in items { if let v = try evaluate(item, in: environment) { values.append(v) } }
        return values
    }

    private func isAbsent(_ expression: Expression, _ environment: Environment) throws(PartiQLError) -> IonValue? {
        guard case .isAbsent(let operand, let missingOnly, let negated) = expression.kind else { return nil }
        let value = try evaluate(operand, in: environment)
        let absent = missingOnly ? value == nil : (value == nil || value!.isNull)
        return .bool(absent != negated)
    }

    private func call(_ expression: Expression, _ environment: Environment) throws(PartiQLError) -> IonValue? {
        guard case .call(let function, let arguments) = expression.kind else { return nil }
        var values: [IonValue?] = []
        values.reserveCapacity(arguments.count)
        for argument in arguments { values.append(try evaluate(argument, in: environment)) }
        return try function.body(
            FunctionCall(name: function.name, position: expression.position, arguments: values, context: context))
    }

    private func cast(_ expression: Expression, _ environment: Environment) throws(PartiQLError) -> IonValue? {
        guard case .cast(let operand, let target) = expression.kind else { return nil }
        return try Cast.convert(try evaluate(operand, in: environment), to: target, at: expression.position)
    }

    private func subquery(_ expression: Expression, _ environment: Environment) throws(PartiQLError) -> IonValue? {
        guard case .subquery(let query) = expression.kind else { return nil }
        return .list(try select(query, outer: environment, nested: true))
    }

    /// Whether a condition holds: only `true` does (NULL, MISSING and non-booleans do not).
    package func holds(_ condition: Expression, in environment: Environment) throws(PartiQLError) -> Bool {
        try evaluate(condition, in: environment)?.boolValue == true
    }

    private func structure(_ expression: Expression, _ environment: Environment) throws(PartiQLError) -> IonValue? {
        guard case .structure(let fields) = expression.kind else { return nil }
        var result = IonStruct()
        for (keyExpression, valueExpression) in fields {
            guard let key = try evaluate(keyExpression, in: environment), key.type.isText, let name = key.stringValue
            else {
                throw .type("a struct field name must be a string or symbol", at: keyExpression.position)
            }
            // A MISSING value leaves its field out, as PartiQL defines for struct constructors.
            if let value = try evaluate(valueExpression, in: environment) {
                result.append(name: IonSymbol(name), value: value)
            }
        }
        return .struct(result)
    }

    private func caseWhen(_ expression: Expression, _ environment: Environment) throws(PartiQLError) -> IonValue? {
        guard case .caseWhen(let operand, let branches, let otherwise) = expression.kind else { return nil }
        let subject = try operand.map { e throws(PartiQLError) in try evaluate(e, in: environment) }
        for branch in branches {
            let matches: Bool
            if let subject {
                guard let s = subject, !s.isNull, let w = try evaluate(branch.when, in: environment), !w.isNull else {
                    continue
                }
                matches = ValueComparison.equal(s, w)
            } else {
                matches = try holds(branch.when, in: environment)
            }
            if matches { return try evaluate(branch.then, in: environment) }
        }
        return try otherwise.map { e throws(PartiQLError) in try evaluate(e, in: environment) } ?? .null
    }
}
