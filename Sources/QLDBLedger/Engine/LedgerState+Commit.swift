import Foundation
import Ion
import QLDBHashing

extension LedgerState {
    /// Applies a transaction: catalog changes, revisions, the block and its hashes. Returns the
    /// block as the journal stores it.
    mutating func commit(_ txn: LedgerTransaction, time: Date) throws(LedgerError) -> IonValue {
        let sequence = lastSequence + 1
        let address = BlockAddress(strandID: strandID, sequenceNo: sequence)
        let txTime = (try? IonTimestamp(time)) ?? Ledger.epoch
        for change in txn.catalogChanges { applyCatalog(change) }
        var revisions: [Revision] = []
        var documents = IonStruct()
        var touchedTables = Set<String>()
        var touchedDocuments = Set<DocumentKey>()
        var touchedValues = Set<IndexedValueKey>()
        for key in txn.writeOrder {
            guard let pending = txn.writes[key], let table = tables[key.table] else { continue }
            let previous = table.document(key.document, at: lastSequence)
            if pending.isInsert && pending.data == nil { continue }
            let version = pending.isInsert ? 0 : (previous?.version ?? -1) + 1
            var revision = Revision(
                blockAddress: address, hash: QLDBHash([]), data: pending.data, documentID: key.document,
                version: version,
                transactionTime: txTime, transactionID: txn.id)
            revision.hash = Revision.computeHash(metadata: revision.metadata, data: revision.data)
            revisions.append(revision)
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
                            table: table.id, field: field.name.text ?? "", value: TableState.indexKey(field.value)))
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
        let revisionHashes = revisions.map(\.hash)
        let entriesHashList = JournalHashes.entriesHashList(
            transactionInfo: transactionInfo, revisionHashes: revisionHashes)
        let entriesHash = JournalHashes.merkleRoot(entriesHashList)
        let blockHash = JournalHashes.blockHash(entriesHash: entriesHash, previousBlockHash: tip)

        let oldestReader = activeSnapshots.filter { $0.key != txn.id }.values.min() ?? sequence
        for revision in revisions {
            let tableID = txn.writeOrder.first { $0.document == revision.documentID }!.table
            tables[tableID]!.apply(revision, sequence: sequence, keepAfter: oldestReader)
        }
        blocks.append(
            BlockSummary(
                address: address, blockHash: blockHash, previousBlockHash: tip, entriesHashList: entriesHashList,
                revisionHashes: revisionHashes, revisionDocuments: revisions.map(\.documentID)))
        commitLog.append(
            CommitLogEntry(
                sequence: sequence,
                tables: touchedTables.union(txn.catalogChanges.isEmpty ? [] : Set(txn.createdTables.keys)),
                documents: touchedDocuments, values: touchedValues, catalog: !txn.catalogChanges.isEmpty))
        commitLog.removeAll { $0.sequence <= oldestReader }
        let block: IonValue = [
            "blockAddress": address.ionValue,
            "transactionId": .string(txn.id),
            "blockTimestamp": .timestamp(txTime),
            "blockHash": .blob(blockHash.bytes),
            "entriesHash": .blob(entriesHash.bytes),
            "previousBlockHash": .blob(tip.bytes),
            "entriesHashList": .list(entriesHashList.map { .blob($0.bytes) }),
            "transactionInfo": transactionInfo,
            "revisions": .list(revisions.map(\.ionValue)),
        ]
        lastSequence = sequence
        tip = blockHash
        return block
    }

    mutating func applyCatalog(_ change: CatalogChange) {
        switch change {
        case .createTable(let id, let name):
            // Indexes created in the same transaction arrive as their own changes.
            tables[id] = TableState(id: id, name: name)
        case .createIndex(let table, let index): tables[table]?.addIndex(index)
        case .dropIndex(let table, let indexID):
            if let field = tables[table]?.indexes.first(where: { $0.id == indexID })?.field {
                tables[table]?.indexes.removeAll { $0.id == indexID }
                tables[table]?.index[field] = nil
            }
        case .dropTable(let id): tables[id]?.active = false
        case .undropTable(let id): tables[id]?.active = true
        }
    }
}
