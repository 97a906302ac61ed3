import Ion

extension FunctionRegistry {
    /// UPPER, LOWER, CHAR_LENGTH, CHARACTER_LENGTH, SUBSTRING, TRIM. Lengths and positions count
    /// Unicode code points; NULL or MISSING arguments give NULL.
    static let stringFunctions: [ScalarFunction] = [
        ScalarFunction("UPPER", arity: 1...1) { call throws(PartiQLError) in
            if call.hasAbsentArgument { return .null }
            return .string(try call.string(0).uppercased())
        },
        ScalarFunction("LOWER", arity: 1...1) { call throws(PartiQLError) in
            if call.hasAbsentArgument { return .null }
            return .string(try call.string(0).lowercased())
        },
        ScalarFunction("CHAR_LENGTH", arity: 1...1, characterLength),
        ScalarFunction("CHARACTER_LENGTH", arity: 1...1, characterLength),
        ScalarFunction("SUBSTRING", arity: 2...3, syntax: .substring) { call throws(PartiQLError) in
            if call.hasAbsentArgument { return .null }
            let scalars = Array(try call.string(0).unicodeScalars)
            let start = try call.integer(1)
            // SQL: the characters from position `start` (1-based) for `length`, clipped to the string.
            var end = scalars.count + 1
            if call.arguments.count == 3 {
                let length = try call.integer(2)
                guard length >= 0 else {
                    throw .evaluation("SUBSTRING length must not be negative, got \(length)", at: call.position)
                }
                end = min(end, start + length)
            }
            let first = max(start, 1)
            guard first < end else { return .string("") }
            return .string(String(String.UnicodeScalarView(scalars[(first - 1)..<(end - 1)])))
        },
        // Arguments as parsed: side (LEADING, TRAILING or BOTH), string, optional characters (default a space).
        ScalarFunction("TRIM", arity: 2...3, syntax: .trim) { call throws(PartiQLError) in
            if call.hasAbsentArgument { return .null }
            let side = try call.string(0)
            let text = Array(try call.string(1).unicodeScalars)
            let remove = Set((call.arguments.count == 3 ? try call.string(2) : " ").unicodeScalars)
            var lower = 0
            var upper = text.count
            if side != "TRAILING" { while lower < upper && remove.contains(text[lower]) { lower += 1 } }
            if side != "LEADING" { while upper > lower && remove.contains(text[upper - 1]) { upper -= 1 } }
            return .string(String(String.UnicodeScalarView(text[lower..<upper])))
        },
    ]

    @Sendable static func characterLength(_ call: FunctionCall) throws(PartiQLError) -> IonValue? {
        if call.hasAbsentArgument { return .null }
        return .int(try call.string(0).unicodeScalars.count)
    }
}
