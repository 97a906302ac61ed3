import Foundation
import Ion
import Logging

/// Creates a ledger from a journal export to S3 as Amazon QLDB (or this package) wrote it: the
/// data objects a completed manifest lists, in order, each a stream of journal blocks in Ion
/// text or binary. Every block is verified and linked to the one before it; the ledger keeps the
/// strand id, block addresses, document ids, versions and every stored hash, and its next commit
/// continues the chain from the last imported block. Nothing is created unless every block
/// imports: the store is written to a temporary file renamed into place at the end.
public enum JournalImport {
    /// What was imported.
    public struct Summary: Sendable, Hashable {
        /// The journal's strand.
        public var strandID: String
        /// The number of blocks imported.
        public var blocks: Int
        /// The digest of the imported journal.
        public var digest: Ledger.Digest?
    }

    /// The metadata key holding the last block imported: verification holds blocks up to it to
    /// what QLDB's exports carry (``BlockVerifier``), later ones to this ledger's own rules.
    static let importedThroughKey = "journal-import.through"

    /// Imports the data objects `keys` (in the order of the completed manifest), read with
    /// `read`, into a new SQLite ledger `name` in `directory`.
    ///
    /// - Throws: ``JournalImportError`` naming the object and block of the first problem (a block
    ///   that does not verify, a broken link, a gap); ``StorageError``; ``LedgerError`` for a bad
    ///   ledger name. Nothing is created then.
    public static func importExport(
        keys: [String], read: (String) async throws -> [UInt8], into directory: URL, ledger name: String,
        logger: Logger
    ) async throws -> Summary {
        try LedgerName.validate(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("\(name).sqlite").path
        guard !FileManager.default.fileExists(atPath: path),
            !FileManager.default.fileExists(atPath: directory.appendingPathComponent("\(name).journal").path)
        else {
            throw JournalImportError(key: nil, block: nil, reason: "ledger \(name) already exists in \(directory.path)")
        }
        let file = SQLiteFileInProgress(path: path, suffix: ".importing")
        var store: SQLiteLedgerStore?
        do {
            var verifier: BlockVerifier?
            for key in keys {
                let blocks: [IonValue]
                do { blocks = try IonDocument.decode(try await read(key)) } catch let error as JournalImportError {
                    throw error
                } catch {
                    throw JournalImportError(key: key, block: nil, reason: "the object is not Ion: \(error)")
                }
                for block in blocks {
                    let address = BlockAddress(block["blockAddress"])
                    func failure(_ reason: String) -> JournalImportError {
                        JournalImportError(key: key, block: address, reason: reason)
                    }
                    guard let address else { throw failure("a value has no blockAddress") }
                    if verifier == nil {
                        guard address.sequenceNo == 1 else {
                            throw failure(
                                "the export starts at block \(address.sequenceNo): an import needs the journal from its first block (export with an InclusiveStartTime before the ledger's creation)"
                            )
                        }
                        verifier = BlockVerifier(strandID: address.strandID)
                        store = try await file.open(strandID: address.strandID, logger: logger)
                    }
                    let record: BlockRecord
                    do {
                        record = try verifier!.verify(try IonValue.encode(binary: [block]), foreign: true)
                    } catch let error as LedgerError {
                        throw failure(error.message)
                    }
                    store!.enqueue(record)
                    // Bounded batches: memory stays small however long the journal is.
                    if record.sequence % 512 == 0 { try await store!.waitDurable(through: record.sequence) }
                }
            }
            guard let verifier, let store else {
                throw JournalImportError(key: nil, block: nil, reason: "the export holds no block")
            }
            try await store.waitDurable(through: verifier.lastSequence)
            try await store.setMetadata(importedThroughKey, Array(String(verifier.lastSequence).utf8))
            try await file.publish(store)
            logger.notice(
                "imported a journal export",
                metadata: ["ledger": "\(name)", "blocks": "\(verifier.lastSequence)", "store": "\(path)"])
            return Summary(strandID: verifier.strandID, blocks: verifier.lastSequence, digest: verifier.digest)
        } catch {
            await file.discard(store)
            throw error
        }
    }
}

/// Why a journal export cannot be imported: the object and block where the first problem is.
public struct JournalImportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The data object's key.
    public var key: String?
    /// The block.
    public var block: BlockAddress?
    /// What is wrong.
    public var reason: String

    public var description: String {
        var place: [String] = []
        if let block { place.append("block \(block)") }
        if let key { place.append("in \(key)") }
        return (place.isEmpty ? "" : place.joined(separator: " ") + ": ") + reason + "; nothing was imported"
    }
}
