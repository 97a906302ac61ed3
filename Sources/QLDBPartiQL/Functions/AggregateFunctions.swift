import Ion

/// The aggregate functions: COUNT, SUM, AVG, MIN, MAX over all rows of a query (QLDB has no GROUP BY).
package enum AggregateFunction: String, Sendable, CaseIterable {
    case count = "COUNT"
    case sum = "SUM"
    case avg = "AVG"
    case min = "MIN"
    case max = "MAX"
}

/// Folds one aggregate's argument values. NULL and MISSING are skipped; with no values left,
/// COUNT is 0 and the others are NULL. As QLDB documents them, SUM of ints is an int and of
/// decimals or floats a decimal; AVG is always a decimal (exact when the quotient terminates,
/// 34 significant digits otherwise). MIN and MAX order numbers, strings, timestamps and booleans;
/// values that do not compare with the others are a type error.
struct AggregateAccumulator {
    let function: AggregateFunction
    let position: SourcePosition
    var count = 0
    var sum: Number?
    var extreme: IonValue?

    init(_ function: AggregateFunction, at position: SourcePosition) {
        self.function = function
        self.position = position
    }

    mutating func add(_ value: IonValue?) throws(PartiQLError) {
        guard let value, !value.isNull else { return }
        switch function {
        case .count:
            count += 1
        case .sum, .avg:
            guard let n = Number(value) else {
                throw .type("\(function.rawValue) needs numbers, got \(value.type)", at: position)
            }
            count += 1
            // Floats are summed as exact decimals: QLDB's SUM and AVG of floats are decimals.
            var term = n
            if case .float(let f) = n {
                guard let exact = ExactDecimal(exactly: f) else {
                    throw .evaluation("\(function.rawValue) cannot add the float \(f)", at: position)
                }
                term = .decimal(exact)
            }
            sum = sum.map { $0.combine(.add, term)! } ?? term
        case .min, .max:
            count += 1
            guard let current = extreme else {
                extreme = value
                return
            }
            guard let order = ValueComparison.compare(value, current) else {
                throw .type("\(function.rawValue) cannot compare \(value.type) with \(current.type)", at: position)
            }
            if function == .min ? order < 0 : order > 0 { extreme = value }
        }
    }

    func result() throws(PartiQLError) -> IonValue {
        switch function {
        case .count: return .int(count)
        case .sum: return sum?.ionValue ?? .null
        case .min, .max: return extreme ?? .null
        case .avg:
            guard let sum else { return .null }
            switch sum {
            case .float(let f): return .float(f / Double(count))  // Never: `add` turns floats into decimals.
            case .int(let i):
                return .decimal(
                    ExactDecimal(coefficient: i, exponent: 0).divided(
                        by: ExactDecimal(coefficient: .init(count), exponent: 0))!
                        .ionDecimal)
            case .decimal(let d):
                return .decimal(d.divided(by: ExactDecimal(coefficient: .init(count), exponent: 0))!.ionDecimal)
            }
        }
    }
}
