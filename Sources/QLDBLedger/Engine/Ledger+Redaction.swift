import Ion
import QLDBHashing
import QLDBPartiQL

/// `EXEC redact_revision ?, 'tableId', 'documentId'`, as QLDB runs it: only an earlier (not the
/// latest) revision with data, one per transaction; it returns
/// `{blockAddress, tableId, documentId, version}`.
extension Ledger {
    /// Runs a stored procedure statement; the only one is `redact_revision`.
    func executeProcedure(
        _ procedure: String, _ arguments: [QLDBPartiQL.Expression], context: EvaluationContext,
        txn: inout LedgerTransaction
    ) async throws(LedgerError) -> [IonValue] {
        guard procedure.lowercased() == "redact_revision" else {
            throw .badRequest("No stored procedure \(procedure): the only one is redact_revision")
        }
        guard arguments.count == 3 else {
            throw .badRequest(
                "redact_revision takes 3 arguments (block address, table id, document id); got \(arguments.count)")
        }
        let constants = Evaluator(context: context, budget: EvaluationBudget(maxSteps: 10_000, maxRows: 1), source: nil)
        var values: [IonValue] = []
        for argument in arguments {
            do {
                values.append(try constants.evaluate(argument, in: Environment()) ?? .null)
            } catch {
                throw .badRequest("redact_revision: \(error.description)")
            }
        }
        let (strand, tip) = head.withLock { ($0.strandID, $0.lastSequence) }
        guard let address = BlockAddress(values[0]) else {
            throw .badRequest("redact_revision: the block address must be {strandId: \"…\", sequenceNo: N}")
        }
        guard let tableID = values[1].stringValue, let documentID = values[2].stringValue else {
            throw .badRequest("redact_revision: the table id and the document id must be strings")
        }
        guard txn.redaction == nil else {
            throw .badRequest("A transaction may redact only one revision; commit this one first")
        }
        guard address.strandID == strand, (1...max(tip, 1)).contains(address.sequenceNo) else {
            throw .badRequest("redact_revision: no block at \(address) in this ledger's journal")
        }
        guard txn.catalog.tables[tableID] != nil else {
            throw .badRequest("redact_revision: no table with id \(tableID)")
        }
        let revisions: [Revision]
        do {
            if case .local(let local) = writer { try await local.waitDurable(through: txn.snapshot) }
            revisions = try await store.revisions(table: tableID, document: documentID, through: txn.snapshot)
        } catch {
            throw error.ledgerError
        }
        guard let index = revisions.firstIndex(where: { $0.blockAddress.sequenceNo == address.sequenceNo }) else {
            throw .badRequest(
                "redact_revision: document \(documentID) of table \(tableID) has no revision in the block at \(address)"
            )
        }
        let revision = revisions[index]
        guard index < revisions.count - 1 else {
            throw .badRequest(
                "redact_revision: version \(revision.version) is the document's latest revision, which cannot be redacted; update or delete the document first"
            )
        }
        guard let data = revision.data else {
            throw .badRequest(
                revision.dataHash == nil
                    ? "redact_revision: version \(revision.version) deletes the document and has no data to redact"
                    : "redact_revision: version \(revision.version) of document \(documentID) is already redacted")
        }
        let redaction = Redaction(
            blockAddress: address, tableID: tableID, documentID: documentID, version: revision.version,
            dataHash: CommitDigest.ionHash(data))
        txn.redaction = redaction
        return [redaction.ionValue]
    }

    /// Replaces the redacted revision's data by its hash, once the block recording the redaction
    /// is durable: in the revision's block and in the revisions reads come from.
    func apply(_ redaction: Redaction) async throws(LedgerError) {
        let sequence = redaction.blockAddress.sequenceNo
        do {
            guard let body = try await store.blockBodies(sequence...sequence).first?.body else {
                throw StorageError(
                    engine: "\(type(of: store))", operation: "redacting a revision",
                    reason: "block \(sequence) is missing")
            }
            try await store.redact(
                table: redaction.tableID, document: redaction.documentID, sequence: sequence,
                dataHash: redaction.dataHash, blockBody: try redaction.redacting(blockBody: body))
        } catch let error as StorageError {
            throw error.ledgerError
        } catch {
            throw LedgerError(type: "InternalFailure", status: 500, message: "redacting a revision: \(error)")
        }
        logger.info(
            "revision redacted",
            metadata: [
                "ledger": "\(name)", "document": "\(redaction.documentID)", "version": "\(redaction.version)",
            ])
    }
}
