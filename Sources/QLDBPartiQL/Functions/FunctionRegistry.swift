import Ion

/// A scalar function: its name, how many arguments it takes, how its arguments are written, and
/// its body. Bodies receive evaluated arguments (`nil` for MISSING).
package struct ScalarFunction: Sendable {
    /// How a call's arguments are written.
    enum Syntax: Sendable {
        /// `F(a, b, …)`.
        case plain
        /// `F(datepart, a, …)`: DATE_ADD and DATE_DIFF.
        case datePartFirst
        /// `EXTRACT(datepart FROM timestamp)`.
        case extract
        /// `TRIM([LEADING|TRAILING|BOTH] [characters] FROM string)` or `TRIM(string)`.
        case trim
        /// `SUBSTRING(string FROM start [FOR length])` or `SUBSTRING(string, start [, length])`.
        case substring
    }

    package let name: String
    let arity: ClosedRange<Int>
    let syntax: Syntax
    let body: @Sendable (FunctionCall) throws(PartiQLError) -> IonValue?

    init(
        _ name: String, arity: ClosedRange<Int>, syntax: Syntax = .plain,
        _ body: @escaping @Sendable (FunctionCall) throws(PartiQLError) -> IonValue?
    ) {
        self.name = name
        self.arity = arity
        self.syntax = syntax
        self.body = body
    }
}

/// One call of a scalar function: its evaluated arguments and what a body may need to know.
struct FunctionCall {
    let name: String
    let position: SourcePosition
    let arguments: [IonValue?]
    let context: EvaluationContext

    /// A type error naming the function, the argument and what it needed.
    func typeError(argument index: Int, expected: String) -> PartiQLError {
        let got = arguments[index].map { "\($0.type)" } ?? "MISSING"
        return .type("\(name) argument \(index + 1) must be \(expected), got \(got)", at: position)
    }

    func string(_ index: Int) throws(PartiQLError) -> String {
        guard let v = arguments[index], !v.isNull, v.type.isText, let s = v.stringValue else {
            throw typeError(argument: index, expected: "a string")
        }
        return s
    }

    func integer(_ index: Int) throws(PartiQLError) -> Int {
        guard let v = arguments[index], let i = v.intValue else {
            throw typeError(argument: index, expected: "an integer")
        }
        return i
    }

    func timestamp(_ index: Int) throws(PartiQLError) -> IonTimestamp {
        guard let v = arguments[index], let t = v.timestampValue else {
            throw typeError(argument: index, expected: "a timestamp")
        }
        return t
    }

    /// Whether any argument is NULL or MISSING: most functions then return NULL.
    var hasAbsentArgument: Bool { arguments.contains { $0 == nil || $0!.isNull } }
}

/// Every scalar function of QLDB's PartiQL reference, by upper-cased name. One file per family
/// defines its functions.
package enum FunctionRegistry {
    static let scalar: [String: ScalarFunction] = {
        var all: [String: ScalarFunction] = [:]
        for function in conditionalFunctions + dateTimeFunctions + stringFunctions + formattingFunctions
            + scalarFunctions
        {
            precondition(all[function.name] == nil, "\(function.name) is defined twice")
            all[function.name] = function
        }
        return all
    }()

    /// The names of every function, scalar and aggregate, for documentation and tests.
    package static var names: [String] {
        (Array(scalar.keys) + AggregateFunction.allCases.map(\.rawValue) + ["CAST"]).sorted()
    }
}
