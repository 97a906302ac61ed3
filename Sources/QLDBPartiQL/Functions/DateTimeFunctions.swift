import Ion

extension FunctionRegistry {
    /// UTCNOW, DATE_ADD, DATE_DIFF, EXTRACT. The date part arrives as a string argument, checked
    /// when the statement was parsed.
    static let dateTimeFunctions: [ScalarFunction] = [
        // The time the statement started, in UTC to the millisecond: the same for every call in a statement.
        ScalarFunction("UTCNOW", arity: 0...0) { call in .timestamp(call.context.now) },
        ScalarFunction("DATE_ADD", arity: 3...3, syntax: .datePartFirst) { call throws(PartiQLError) in
            if call.hasAbsentArgument { return .null }
            let part = DatePart(rawValue: try call.string(0))!
            let amount = try call.integer(1)
            let timestamp = try call.timestamp(2)
            do { return .timestamp(try TimestampMath.add(part, amount, to: timestamp)) } catch {
                throw .evaluation("DATE_ADD result is not a timestamp: \(error)", at: call.position)
            }
        },
        ScalarFunction("DATE_DIFF", arity: 3...3, syntax: .datePartFirst) { call throws(PartiQLError) in
            if call.hasAbsentArgument { return .null }
            let part = DatePart(rawValue: try call.string(0))!
            return .int(TimestampMath.difference(part, from: try call.timestamp(1), to: try call.timestamp(2)))
        },
        ScalarFunction("EXTRACT", arity: 2...2, syntax: .extract) { call throws(PartiQLError) in
            if call.hasAbsentArgument { return .null }
            return TimestampMath.extract(DatePart(rawValue: try call.string(0))!, from: try call.timestamp(1))
        },
    ]
}
