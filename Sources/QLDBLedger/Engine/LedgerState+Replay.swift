import Foundation
import Ion
import QLDBHashing

extension LedgerState {
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
        let entriesHashList = JournalHashes.entriesHashList(
            transactionInfo: info, revisionHashes: revisions.map(\.hash))
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
}
