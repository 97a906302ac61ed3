import Foundation
import Logging

/// Ledgers as SQLite files in one directory (`<name>.sqlite`, the embedded default): a journal
/// file of earlier versions (`<name>.journal`) counts as a ledger and is converted when opened.
public struct DirectoryLedgerHost: LedgerHost {
    /// The directory.
    public let directory: URL
    let limits: LedgerLimits
    let journalAccess: JournalAccess
    let logger: Logger

    /// Ledgers in `directory` (created when the first ledger is), with `limits`; `journalAccess`
    /// says whether a torn tail of a journal file to convert may be repaired.
    public init(
        directory: URL, limits: LedgerLimits = LedgerLimits(),
        journalAccess: JournalAccess = .readWrite(repairTornTail: false),
        logger: Logger = Logger(label: "swift-qldb.ledger")
    ) {
        self.directory = directory
        self.limits = limits
        self.journalAccess = journalAccess
        self.logger = logger
    }

    public func ledgerNames() async throws -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let names = files.compactMap { file -> String? in
            for suffix in [".sqlite", ".journal"] where file.hasSuffix(suffix) {
                let name = String(file.dropLast(suffix.count))
                return LedgerName.problem(with: name) == nil ? name : nil
            }
            return nil
        }
        return Set(names).sorted()
    }

    public func openLedger(named name: String) async throws -> Ledger? {
        try LedgerName.validate(name)
        guard exists(name) else { return nil }
        return try await open(name)
    }

    public func createLedger(named name: String) async throws -> Ledger {
        try LedgerName.validate(name)
        guard !exists(name) else { throw LedgerError.ledgerExists(name) }
        return try await open(name)
    }

    public func deleteLedger(named name: String) async throws {
        try LedgerName.validate(name)
        let files = FileManager.default
        // The journal file too: left behind, it would be converted into the ledger again.
        for suffix in [".sqlite", ".sqlite-wal", ".sqlite-shm", ".journal"] {
            let path = directory.appendingPathComponent(name + suffix).path
            if files.fileExists(atPath: path) { try files.removeItem(atPath: path) }
        }
        logger.info("ledger deleted", metadata: ["ledger": "\(name)", "directory": "\(directory.path)"])
    }

    private func exists(_ name: String) -> Bool {
        [".sqlite", ".journal"].contains {
            FileManager.default.fileExists(atPath: directory.appendingPathComponent(name + $0).path)
        }
    }

    private func open(_ name: String) async throws -> Ledger {
        try await Ledger(
            name: name, directory: directory, limits: limits, journalAccess: journalAccess, logger: logger)
    }
}
