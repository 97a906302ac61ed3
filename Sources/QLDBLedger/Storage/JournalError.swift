/// A journal that cannot be opened as it is: corrupted, or ending in a torn tail.
///
/// Nothing is changed when this is thrown: the file is byte-identical afterwards.
public struct JournalError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was found.
    public enum Kind: Sendable, Hashable {
        /// A record before the last, or a complete last record, fails its length, checksum or
        /// hash-chain check: the journal was altered or damaged. Never repaired automatically.
        case corrupted
        /// The last record is incomplete: its length runs past the end of the file, as a crash
        /// during a write leaves it. Repairing it (truncating that record) is an explicit act.
        case tornTail
    }

    /// What was found.
    public var kind: Kind
    /// The ledger whose journal this is.
    public var ledger: String
    /// The journal file.
    public var path: String
    /// The record: 0 is the journal's header, n the n-th block.
    public var block: Int
    /// The byte offset where the record starts.
    public var offset: Int
    /// What is wrong with it.
    public var reason: String

    /// Creates an error.
    public init(kind: Kind, ledger: String, path: String, block: Int, offset: Int, reason: String) {
        self.kind = kind
        self.ledger = ledger
        self.path = path
        self.block = block
        self.offset = offset
        self.reason = reason
    }

    public var description: String {
        switch kind {
        case .corrupted:
            return
                "journal of ledger \(ledger) is corrupted at block \(block) (byte offset \(offset) of \(path)): \(reason)"
        case .tornTail:
            return
                "journal of ledger \(ledger) ends with an incomplete record, block \(block) at byte offset \(offset) of \(path) (\(reason)), as a crash during a write leaves it; run `qldb verify --repair-torn-tail` (or start the server with --repair-torn-tail) to remove it"
        }
    }
}

/// How a ledger opens its journal.
public enum JournalAccess: Sendable, Hashable {
    /// Read and append; with `repairTornTail`, an incomplete last record is truncated (and logged).
    case readWrite(repairTornTail: Bool)
    /// Read only: nothing is ever written, truncated or created.
    case readOnly
}
