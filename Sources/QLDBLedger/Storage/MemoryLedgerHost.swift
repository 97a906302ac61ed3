import Logging
import Synchronization

/// Ledgers in the process's memory (`qldb serve --in-memory`): nothing survives the process.
public final class MemoryLedgerHost: LedgerHost {
    private let ledgers = Mutex<[String: Ledger]>([:])
    private let limits: LedgerLimits
    private let logger: Logger

    /// A host with no ledgers, whose ledgers get `limits`.
    public init(limits: LedgerLimits = LedgerLimits(), logger: Logger = Logger(label: "swift-qldb.ledger")) {
        self.limits = limits
        self.logger = logger
    }

    public func ledgerNames() async throws -> [String] { ledgers.withLock { $0.keys.sorted() } }

    public func openLedger(named name: String) async throws -> Ledger? { ledgers.withLock { $0[name] } }

    public func createLedger(named name: String) async throws -> Ledger {
        try LedgerName.validate(name)
        let ledger = Ledger(name: name, limits: limits, logger: logger)
        let created = ledgers.withLock { ledgers -> Bool in
            guard ledgers[name] == nil else { return false }
            ledgers[name] = ledger
            return true
        }
        guard created else { throw LedgerError.ledgerExists(name) }
        return ledger
    }

    public func deleteLedger(named name: String) async throws { _ = ledgers.withLock { $0.removeValue(forKey: name) } }
}
