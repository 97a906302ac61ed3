import Ion

extension FunctionRegistry {
    /// TXID and the collection sizes.
    static let scalarFunctions: [ScalarFunction] = [
        // The id of the transaction running the statement.
        ScalarFunction("TXID", arity: 0...0) { call in .string(call.context.transactionID) },
        ScalarFunction("SIZE", arity: 1...1, collectionSize),
        ScalarFunction("CARDINALITY", arity: 1...1, collectionSize),
    ]

    /// The number of members of a list, S-expression, bag or struct; NULL for NULL or MISSING;
    /// an error for any other value.
    @Sendable static func collectionSize(_ call: FunctionCall) throws(PartiQLError) -> IonValue? {
        guard let value = call.arguments[0], !value.isNull else { return .null }
        switch value.content {
        case .list(let items), .sexp(let items): return .int(items.count)
        case .struct(let fields): return .int(fields.count)
        default: throw call.typeError(argument: 0, expected: "a collection")
        }
    }
}
