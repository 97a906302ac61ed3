import Ion

extension FunctionRegistry {
    /// TO_STRING and TO_TIMESTAMP (CAST is an expression form of its own, see ``Cast``).
    static let formattingFunctions: [ScalarFunction] = [
        ScalarFunction("TO_STRING", arity: 2...2) { call throws(PartiQLError) in
            if call.hasAbsentArgument { return .null }
            let timestamp = try call.timestamp(0)
            let patternText = try call.string(1)
            let pattern: TimestampPattern
            do throws(TimestampPattern.PatternError) { pattern = try TimestampPattern(patternText) } catch {
                throw .evaluation("TO_STRING format pattern has \(error.reason)", at: call.position)
            }
            return .string(pattern.format(timestamp))
        },
        ScalarFunction("TO_TIMESTAMP", arity: 1...2) { call throws(PartiQLError) in
            if call.hasAbsentArgument { return .null }
            let text = try call.string(0)
            guard call.arguments.count == 2 else {
                guard let value = try? IonValue.decode(text: text), value.count == 1, let t = value[0].timestampValue
                else {
                    throw .evaluation("TO_TIMESTAMP: '\(text)' is not an Ion timestamp", at: call.position)
                }
                return .timestamp(t)
            }
            let patternText = try call.string(1)
            do throws(TimestampPattern.PatternError) {
                return .timestamp(try TimestampPattern(patternText).parse(text))
            } catch {
                throw .evaluation("TO_TIMESTAMP cannot read '\(text)': \(error.reason)", at: call.position)
            }
        },
    ]
}
