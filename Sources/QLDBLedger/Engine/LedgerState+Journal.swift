import Foundation
import Ion
import QLDBHashing

extension LedgerState {
    /// Fails with `OccConflictException` when a commit after the transaction's snapshot changed
    /// something it read.
    func checkConflicts(_ txn: LedgerTransaction) throws(LedgerError) {
        for entry in commitLog where entry.sequence > txn.snapshot {
            if !entry.tables.isDisjoint(with: txn.reads.tables)
                || !entry.documents.isDisjoint(with: txn.reads.documents)
                || !entry.values.isDisjoint(with: txn.reads.values) || (entry.catalog && !txn.catalogChanges.isEmpty)
            {
                throw LedgerError.occConflict
            }
        }
        // A write to a document dropped or changed since the snapshot is covered above, because
        // every UPDATE and DELETE reads the document it writes.
    }

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
        var entriesHashList = [CommitDigest.ionHash(transactionInfo)]
        if !revisionHashes.isEmpty { entriesHashList.append(JournalHashes.merkleRoot(revisionHashes)) }
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

    /// Re-applies a block read from the journal, verifying every hash and the chain link.
    mutating func replay(_ block: IonValue) throws {
        func hash(_ name: String, in value: IonValue = block) throws -> QLDBHash {
            guard case .blob(let bytes)? = value[name]?.content else {
                throw LedgerError.badRequest("\(name) is missing")
            }
            return QLDBHash(bytes)
        }
        guard let address = BlockAddress(block["blockAddress"]), address.sequenceNo == lastSequence + 1,
            address.strandID == strandID
        else {
            throw LedgerError.badRequest("block address out of sequence after block \(lastSequence)")
        }
        guard try hash("previousBlockHash") == tip else {
            throw LedgerError.badRequest("previousBlockHash does not match the previous block's hash")
        }
        guard let info = block["transactionInfo"], let txID = block["transactionId"]?.stringValue else {
            throw LedgerError.badRequest("transactionInfo is missing")
        }
        var revisions: [Revision] = []
        for value in block["revisions"]?.listValue ?? [] {
            let metadata = value["metadata"]
            guard let id = metadata?["id"]?.stringValue, let version = metadata?["version"]?.intValue,
                let time = metadata?["txTime"]?.timestampValue,
                let revisionAddress = BlockAddress(value["blockAddress"])
            else { throw LedgerError.badRequest("a revision lacks its metadata") }
            let revision = Revision(
                blockAddress: revisionAddress, hash: try hash("hash", in: value), data: value["data"], documentID: id,
                version: version, transactionTime: time, transactionID: txID)
            guard Revision.computeHash(metadata: revision.metadata, data: revision.data) == revision.hash else {
                throw LedgerError.badRequest("revision \(version) of document \(id) does not match its hash")
            }
            revisions.append(revision)
        }
        var entriesHashList = [CommitDigest.ionHash(info)]
        if !revisions.isEmpty { entriesHashList.append(JournalHashes.merkleRoot(revisions.map(\.hash))) }
        let stored = (block["entriesHashList"]?.listValue ?? []).compactMap { v -> QLDBHash? in
            guard case .blob(let b) = v.content else { return nil }
            return QLDBHash(b)
        }
        guard stored == entriesHashList, JournalHashes.merkleRoot(entriesHashList) == (try hash("entriesHash")) else {
            throw LedgerError.badRequest("entriesHash does not match the transaction info and revisions")
        }
        let blockHash = JournalHashes.blockHash(
            entriesHash: JournalHashes.merkleRoot(entriesHashList), previousBlockHash: tip)
        guard blockHash == (try hash("blockHash")) else { throw LedgerError.badRequest("blockHash does not verify") }
        for change in info["catalog"]?.listValue ?? [] {
            guard let change = CatalogChange(change) else {
                throw LedgerError.badRequest("unknown catalog change \(change)")
            }
            applyCatalog(change)
        }
        for revision in revisions {
            guard let tableID = info["documents"]?[revision.documentID]?["tableId"]?.stringValue, tables[tableID] != nil
            else {
                throw LedgerError.badRequest("revision of \(revision.documentID) names no known table")
            }
            tables[tableID]!.apply(revision, sequence: address.sequenceNo, keepAfter: address.sequenceNo)
        }
        blocks.append(
            BlockSummary(
                address: address, blockHash: blockHash, previousBlockHash: tip, entriesHashList: entriesHashList,
                revisionHashes: revisions.map(\.hash), revisionDocuments: revisions.map(\.documentID)))
        lastSequence = address.sequenceNo
        tip = blockHash
    }

    /// The proof path from a revision to the current digest.
    func proof(of revision: Revision) -> Ledger.Proof? {
        let index = revision.blockAddress.sequenceNo - 1
        guard index >= 0, index < blocks.count, let last = blocks.last else { return nil }
        let block = blocks[index]
        guard let position = block.revisionDocuments.firstIndex(of: revision.documentID) else { return nil }
        var hashes = JournalHashes.merklePath(block.revisionHashes, index: position)
        hashes += JournalHashes.merklePath(block.entriesHashList, index: 1)
        if !block.previousBlockHash.bytes.isEmpty { hashes.append(block.previousBlockHash) }
        let blockHashes = blocks.map(\.blockHash)
        hashes += JournalHashes.merklePath(blockHashes, index: index)
        return Ledger.Proof(
            revision: revision, hashes: hashes,
            digest: Ledger.Digest(digest: JournalHashes.merkleRoot(blockHashes), tipAddress: last.address))
    }
}
