import Foundation
import Ion
import QLDBHashing

/// Builds blocks: pure functions of a transaction and the tip of the chain it extends.
enum BlockBuilder {
    /// The block of a transaction that passed the OCC check, on `tip`, and what it changed (for
    /// the OCC checks of later commits).
    static func build(_ txn: LedgerTransaction, on tip: ChainTip, time: Date) throws(LedgerError) -> (
        block: BlockRecord, effects: CommitLogEntry
    ) {
        let sequence = tip.sequence + 1
        let address = BlockAddress(strandID: tip.strandID, sequenceNo: sequence)
        let txTime = (try? IonTimestamp(time)) ?? Ledger.epoch
        var catalog = tip.catalog
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
                blockAddress: address, hash: QLDBHash([]), data: pending.data, documentID: key.document,
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
        let revisionHashes = revisions.map(\.revision.hash)
        let redactionInfo = txn.redaction?.redactionInfo
        let entriesHashList = JournalHashes.entriesHashList(
            transactionInfo: transactionInfo, revisionHashes: revisionHashes, redactionInfo: redactionInfo)
        let entriesHash = JournalHashes.merkleRoot(entriesHashList)
        let blockHash = JournalHashes.blockHash(entriesHash: entriesHash, previousBlockHash: tip.tip)
        var fields: IonStruct = [
            "blockAddress": address.ionValue,
            "transactionId": .string(txn.id),
            "blockTimestamp": .timestamp(txTime),
            "blockHash": .blob(blockHash.bytes),
            "entriesHash": .blob(entriesHash.bytes),
            "previousBlockHash": .blob(tip.tip.bytes),
            "entriesHashList": .list(entriesHashList.map { .blob($0.bytes) }),
            "transactionInfo": transactionInfo,
            "revisions": .list(revisions.map(\.revision.ionValue)),
        ]
        if let redactionInfo { fields["redactionInfo"] = redactionInfo }
        let ion = IonValue.struct(fields)
        let body: [UInt8]
        do { body = try IonValue.encode(binary: [ion]) } catch {
            throw LedgerError(
                type: "InternalFailure", status: 500, message: "cannot encode block \(sequence): \(error)")
        }

        let effects = CommitLogEntry(
            sequence: sequence,
            tables: touchedTables.union(txn.catalogChanges.isEmpty ? [] : Set(txn.createdTables.keys)),
            documents: touchedDocuments, values: touchedValues, catalog: !txn.catalogChanges.isEmpty)
        let summary = BlockSummary(
            address: address, blockHash: blockHash, previousBlockHash: tip.tip, entriesHashList: entriesHashList,
            revisionHashes: revisionHashes, revisionDocuments: revisions.map(\.revision.documentID))
        let block = BlockRecord(
            summary: summary, body: body, revisions: revisions, catalogChanges: txn.catalogChanges, catalog: catalog)
        return (block, effects)
    }
}

extension LedgerHead {
    /// Builds the block of a transaction that passed the OCC check on the current tip, and moves
    /// the tip, catalog and commit log past it. The block goes to the store next.
    mutating func build(_ txn: LedgerTransaction, time: Date) throws(LedgerError) -> BlockRecord {
        let (block, effects) = try BlockBuilder.build(
            txn, on: ChainTip(strandID: strandID, sequence: lastSequence, tip: tip, catalog: catalog), time: time)
        // Kept: what commits after an open transaction's snapshot changed, and what the blocks
        // not yet durable changed (a new transaction's snapshot may precede them).
        let oldestReader = min(
            activeSnapshots.filter { $0.key != txn.id }.values.min() ?? block.sequence, durableSequence)
        commitLog.append(effects)
        commitLog.removeAll { $0.sequence <= oldestReader }
        catalog = block.catalog
        lastSequence = block.sequence
        tip = block.summary.blockHash
        return block
    }
}
