import Foundation
import Ion
import Logging

/// Carries a journal file of earlier versions (`<ledger>.journal`) over into the ledger's store,
/// once: every block is verified on the way, the store is written to a temporary file renamed
/// into place only when the whole journal converted, and the journal file is kept as it was.
enum LegacyJournalConversion {
    /// Verifies every block of the journal at `path` and returns the verifier, which holds the
    /// digest, after handing each verified block to `body`.
    ///
    /// - Throws: ``JournalError`` naming the block and byte offset of the first damage.
    static func verify(
        journal path: String, ledger: String, access: JournalAccess, logger: Logger,
        _ body: (BlockRecord) async throws -> Void = { _ in }
    ) async throws -> BlockVerifier {
        let records = try JournalFile.read(path: path, ledger: ledger, access: access, logger: logger)
        return try await verify(records, of: path, ledger: ledger, body)
    }

    /// ``verify(journal:ledger:access:logger:_:)`` on records already read.
    private static func verify(
        _ records: [JournalFile.Record], of path: String, ledger: String,
        _ body: (BlockRecord) async throws -> Void
    ) async throws -> BlockVerifier {
        func corrupted(_ block: Int, _ reason: String) -> JournalError {
            JournalError(
                kind: .corrupted, ledger: ledger, path: path, block: block, offset: records[block].offset,
                reason: reason)
        }
        guard let first = records.first else { return BlockVerifier(strandID: "") }
        let header: IonValue
        do {
            let values = try IonValue.decode(binary: first.payload)
            guard values.count == 1 else { throw corrupted(0, "the header holds \(values.count) values") }
            header = values[0]
        } catch let error as JournalError {
            throw error
        } catch {
            throw corrupted(0, "the header is not Ion: \(error)")
        }
        guard let strand = header["strandId"]?.stringValue, header["ledger"]?.stringValue == ledger else {
            throw corrupted(0, "the header is not this ledger's")
        }
        var verifier = BlockVerifier(strandID: strand)
        for (index, record) in records.enumerated().dropFirst() {
            let block: BlockRecord
            do { block = try verifier.verify(record.payload) } catch { throw corrupted(index, error.message) }
            try await body(block)
        }
        return verifier
    }

    /// Converts the journal at `journal` into a new SQLite file at `path`.
    static func convert(
        journal: String, into path: String, ledger: String, access: JournalAccess, logger: Logger
    ) async throws {
        let file = SQLiteFileInProgress(path: path, suffix: ".converting")
        let records = try JournalFile.read(path: journal, ledger: ledger, access: access, logger: logger)
        guard records.count > 1 else { return }
        let strand = try IonValue.decode(binary: records[0].payload).first?["strandId"]?.stringValue ?? ""
        let store = try await file.open(strandID: strand, logger: logger)
        do {
            let verifier = try await verify(records, of: journal, ledger: ledger) { block in
                store.enqueue(block)
                // Bounded batches: memory stays small however long the journal is.
                if block.sequence % 512 == 0 { try await store.waitDurable(through: block.sequence) }
            }
            try await store.waitDurable(through: verifier.lastSequence)
            try await file.publish(store)
            logger.notice(
                "converted the ledger's journal file into its SQLite store; the journal file is kept unchanged",
                metadata: [
                    "ledger": "\(ledger)", "journal": "\(journal)", "store": "\(path)",
                    "blocks": "\(verifier.lastSequence)",
                ])
        } catch {
            await file.discard(store)
            throw error
        }
    }
}
