import Foundation
import Ion
import QLDBHashing

/// Builds blocks: pure functions of a transaction and the tip of the chain it extends.
///
/// In two steps, so that the ledger's lock is held only for the second: ``prepare(_:time:)``
/// makes everything that does not depend on where in the chain the block goes (the revisions and
/// their hashes, the transaction info, the entries hashes and their Merkle root, what the commit
/// changed), and ``seal(_:on:)`` puts it on the tip (the address, the block hash, the body).
/// A revision's hash covers `{id, version, txTime, txId}` and its data, not its block address,
/// and a table keeps its id and name for life (a dropped table stays in the catalog, inactive),
/// so the transaction's own view of the catalog names the same tables the tip's would.
enum BlockBuilder {
    /// A transaction's block before it has a place in the chain.
    struct Prepared: Sendable {
        let transactionID: String
        let time: IonTimestamp
        /// `time` as a `Date` (milliseconds), for keeping block times in chain order under the lock.
        let date: Date
        /// The revisions, their block address still to be set.
        let revisions: [(table: String, revision: Revision)]
        let transactionInfo: IonValue
        let redactionInfo: IonValue?
        let entriesHashList: [QLDBHash]
        let entriesHash: QLDBHash
        let catalogChanges: [CatalogChange]
        /// What the commit changed, for the OCC checks of later commits (`CommitLogEntry`).
        let tables: Set<String>
        let documents: Set<DocumentKey>
        let values: Set<IndexedValueKey>
    }

    /// The block of a transaction that passed the OCC check, on `tip`, and what it changed (for
    /// the OCC checks of later commits).
    static func build(_ txn: LedgerTransaction, on tip: ChainTip, time: Date) throws(LedgerError) -> (
        block: BlockRecord, effects: CommitLogEntry
    ) {
        try seal(prepare(txn, time: time), on: tip)
    }

    /// Everything of `txn`'s block that does not depend on the tip, committed at `time`.
    static func prepare(_ txn: LedgerTransaction, time: Date) -> Prepared {
        let txTime = (try? IonTimestamp(time)) ?? Ledger.epoch
        let unplaced = BlockAddress(strandID: "", sequenceNo: 0)
        var catalog = txn.catalog
        for change in txn.catalogChanges { catalog.apply(change) }
        var revisions: [(table: String, revision: Revision)] = []
        var documents = IonStruct()
        var touchedTables = Set<String>()
        var touchedDocuments = Set<DocumentKey>()
        var touchedValues = Set<IndexedValueKey>()
        for key in txn.writeOrder {
            guard let pending = txn.writes[key], let table = catalog.tables[key.table] else { continue }
            if pending.isInsert && pending.data == nil { continue }
            let previous = pending.isInsert ? nil : txn.baseRevisions[key]
            let version = pending.isInsert ? 0 : (previous?.version ?? -1) + 1
            var revision = Revision(
                blockAddress: unplaced, hash: QLDBHash([]), data: pending.data, documentID: key.document,
                version: version, transactionTime: txTime, transactionID: txn.id)
            revision.hash = Revision.computeHash(metadata: revision.metadata, data: revision.data)
            revisions.append((table.id, revision))
            documents[key.document] = [
                "tableName": .string(table.name), "tableId": .string(table.id),
                "statements": .list(pending.statements.map { .int($0) }),
            ]
            touchedTables.insert(table.id)
            touchedDocuments.insert(key)
            for data in [previous?.data, pending.data].compactMap({ $0 }) {
                for field in data.structValue ?? IonStruct() {
                    touchedValues.insert(
                        IndexedValueKey(
                            table: table.id, field: field.name.text ?? "",
                            value: TableDefinition.indexKey(field.value)))
                }
            }
        }
        var info = IonStruct()
        info["statements"] = .list(
            txn.statements.map {
                [
                    "statement": .string($0.text), "startTime": .timestamp($0.startTime),
                    "statementDigest": .blob($0.digest.bytes),
                ]
            })
        info["documents"] = .struct(documents)
        if !txn.catalogChanges.isEmpty { info["catalog"] = .list(txn.catalogChanges.map(\.ionValue)) }
        let transactionInfo = IonValue.struct(info)
        let redactionInfo = txn.redaction?.redactionInfo
        let entriesHashList = JournalHashes.entriesHashList(
            transactionInfo: transactionInfo, revisionHashes: revisions.map(\.revision.hash),
            redactionInfo: redactionInfo)
        return Prepared(
            transactionID: txn.id, time: txTime, date: txTime.date, revisions: revisions,
            transactionInfo: transactionInfo,
            redactionInfo: redactionInfo, entriesHashList: entriesHashList,
            entriesHash: JournalHashes.merkleRoot(entriesHashList), catalogChanges: txn.catalogChanges,
            tables: touchedTables.union(txn.catalogChanges.isEmpty ? [] : Set(txn.createdTables.keys)),
            documents: touchedDocuments, values: touchedValues)
    }

    /// The prepared block placed on `tip`, and what it changed.
    static func seal(_ prepared: Prepared, on tip: ChainTip) throws(LedgerError) -> (
        block: BlockRecord, effects: CommitLogEntry
    ) {
        let sequence = tip.sequence + 1
        let address = BlockAddress(strandID: tip.strandID, sequenceNo: sequence)
        var catalog = tip.catalog
        for change in prepared.catalogChanges { catalog.apply(change) }
        let revisions = prepared.revisions.map { entry in
            var revision = entry.revision
            revision.blockAddress = address
            return (table: entry.table, revision: revision)
        }
        let blockHash = JournalHashes.blockHash(entriesHash: prepared.entriesHash, previousBlockHash: tip.tip)
        var fields: IonStruct = [
            "blockAddress": address.ionValue,
            "transactionId": .string(prepared.transactionID),
            "blockTimestamp": .timestamp(prepared.time),
            "blockHash": .blob(blockHash.bytes),
            "entriesHash": .blob(prepared.entriesHash.bytes),
            "previousBlockHash": .blob(tip.tip.bytes),
            "entriesHashList": .list(prepared.entriesHashList.map { .blob($0.bytes) }),
            "transactionInfo": prepared.transactionInfo,
            "revisions": .list(revisions.map(\.revision.ionValue)),
        ]
        if let redactionInfo = prepared.redactionInfo { fields["redactionInfo"] = redactionInfo }
        let ion = IonValue.struct(fields)
        let body: [UInt8]
        do { body = try IonValue.encode(binary: [ion]) } catch {
            throw LedgerError(
                type: "InternalFailure", status: 500, message: "cannot encode block \(sequence): \(error)")
        }

        let effects = CommitLogEntry(
            sequence: sequence, tables: prepared.tables, documents: prepared.documents, values: prepared.values,
            catalog: !prepared.catalogChanges.isEmpty)
        let summary = BlockSummary(
            address: address, blockHash: blockHash, previousBlockHash: tip.tip,
            entriesHashList: prepared.entriesHashList, revisionHashes: revisions.map(\.revision.hash),
            revisionDocuments: revisions.map(\.revision.documentID))
        let block = BlockRecord(
            summary: summary, body: body, revisions: revisions, catalogChanges: prepared.catalogChanges,
            catalog: catalog)
        return (block, effects)
    }
}

extension LedgerHead {
    /// Places the block of a transaction that passed the OCC check, prepared outside the lock, on
    /// the current tip, and moves the tip, catalog and commit log past it. The block goes to the
    /// store next.
    ///
    /// Block times follow the chain's order (a journal export stops at the first block past its
    /// end time): a block prepared before the one that took the lock ahead of it is prepared
    /// again, with that block's time.
    mutating func seal(_ prepared: BlockBuilder.Prepared, of txn: LedgerTransaction) throws(LedgerError)
        -> BlockRecord
    {
        var prepared = prepared
        if let last = lastBlockTime, prepared.date < last {
            prepared = BlockBuilder.prepare(txn, time: last)
        }
        lastBlockTime = prepared.date
        let (block, effects) = try BlockBuilder.seal(
            prepared, on: ChainTip(strandID: strandID, sequence: lastSequence, tip: tip, catalog: catalog))
        // Kept: what commits after an open transaction's snapshot changed, and what the blocks
        // not yet durable changed (a new transaction's snapshot may precede them).
        var oldestReader = min(block.sequence, durableSequence)
        for (id, snapshot) in activeSnapshots where id != txn.id { oldestReader = min(oldestReader, snapshot) }
        commitLog.append(effects)
        commitLog.removeAll { $0.sequence <= oldestReader }
        catalog = block.catalog
        lastSequence = block.sequence
        tip = block.summary.blockHash
        return block
    }
}
