import Ion

/// What a statement's evaluation may read besides its data: the statement's parameters, the time
/// it started (every `UTCNOW()` of the statement returns it) and its transaction's id (`TXID()`).
package struct EvaluationContext: Sendable {
    package var parameters: [IonValue]
    package var now: IonTimestamp
    package var transactionID: String

    package init(parameters: [IonValue], now: IonTimestamp, transactionID: String) {
        self.parameters = parameters
        self.now = now
        self.transactionID = transactionID
    }
}

/// The work one statement may do: nodes evaluated and rows produced (FROM bindings and results).
/// The ledger sets it; exceeding it fails the statement with a limit error instead of letting a
/// cross join or a huge scan hold the ledger.
package struct EvaluationBudget: Sendable, Hashable {
    package var maxSteps: Int
    package var maxRows: Int

    package init(maxSteps: Int = 50_000_000, maxRows: Int = 1_000_000) {
        self.maxSteps = maxSteps
        self.maxRows = maxRows
    }
}
