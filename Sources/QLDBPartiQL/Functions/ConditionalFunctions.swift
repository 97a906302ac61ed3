import Ion

extension FunctionRegistry {
    /// COALESCE, NULLIF, EXISTS.
    static let conditionalFunctions: [ScalarFunction] = [
        // The first argument that is neither NULL nor MISSING; NULL when there is none.
        ScalarFunction("COALESCE", arity: 1...Int.max) { call throws(PartiQLError) in
            call.arguments.first { $0 != nil && !$0!.isNull }.flatMap { $0 } ?? .null
        },
        // NULL when the two arguments are equal, else the first; NULL when the first is NULL or MISSING.
        ScalarFunction("NULLIF", arity: 2...2) { call throws(PartiQLError) in
            guard let a = call.arguments[0] else { return .null }
            guard let b = call.arguments[1] else { return a }
            if a.isNull || b.isNull { return a }
            return ValueComparison.equal(a, b) ? .null : a
        },
        // Whether the value is a collection (list, S-expression, bag or struct) with at least one
        // member: false for any other value and for NULL. MISSING is an error, as QLDB documents.
        ScalarFunction("EXISTS", arity: 1...1) { call throws(PartiQLError) in
            guard let value = call.arguments[0] else {
                throw call.typeError(argument: 0, expected: "a value (EXISTS does not accept MISSING)")
            }
            switch value.content {
            case .list(let items), .sexp(let items): return .bool(!items.isEmpty)
            case .struct(let fields): return .bool(fields.count > 0)
            default: return .bool(false)
            }
        },
    ]
}
