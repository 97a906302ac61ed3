import Foundation
import Ion
import QLDBPartiQL
import Testing

/// Parses and evaluates a statement that reads no tables (`FROM << … >>` sources).
func run(_ text: String, parameters: [IonValue] = [], budget: EvaluationBudget = EvaluationBudget())
    throws(PartiQLError) -> [IonValue]
{
    let parsed = try Parser.parse(text)
    guard case .select(let query) = parsed.statement else { fatalError("not a SELECT: \(text)") }
    let evaluator = Evaluator(
        context: EvaluationContext(parameters: parameters, now: fixedNow, transactionID: "TXID1234567890123456789"),
        budget: budget, source: nil)
    return try evaluator.select(query)
}

/// The one value of `SELECT VALUE expression FROM << 0 >>`.
func value(_ expression: String) throws(PartiQLError) -> IonValue? {
    try run("SELECT VALUE \(expression) FROM << 0 >>").first
}

/// The error a statement fails with, or `nil`.
func failure(_ text: String) -> PartiQLError? {
    do {
        _ = try run(text)
        return nil
    } catch {
        return error
    }
}

// swift-format-ignore: NeverUseForceTry
// A constant, valid timestamp.
let fixedNow = try! IonTimestamp(
    year: 2026, month: 11, day: 30, hour: 12, minute: 0, second: 0, fraction: IonDecimal(5, fractionDigits: 3),
    offsetMinutes: 0, precision: .fractionalSecond)

/// Runs `body` on a thread with a 512 KB stack (what the limits are sized for) and returns its result.
func onSmallStack<T: Sendable>(kb: Int = 512, _ body: @escaping @Sendable () -> T) -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        box.value = body()
        done.signal()
    }
    thread.stackSize = kb * 1024
    thread.start()
    done.wait()
    return box.value!
}

/// Carries a result from a thread to the waiting caller.
final class ResultBox<T>: @unchecked Sendable {
    // Written by the thread before it signals the semaphore and read after the wait, so the
    // semaphore orders every access: there is never a concurrent one.
    var value: T?
}
