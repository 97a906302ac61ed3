import Foundation
import Ion
import QLDBHashing

/// Checks one block of a journal on its own and against the block before it: the address
/// follows, the previous hash links, every revision matches its hash, and the entries and block
/// hashes recompute. `qldb verify` and the conversion of old journals run every block through it.
struct BlockVerifier {
    let strandID: String
    /// The last verified block's sequence number and hash.
    private(set) var lastSequence = 0
    private(set) var tip = QLDBHash([])
    private(set) var blockHashes: [QLDBHash] = []
    /// The catalog after the last verified block.
    private(set) var catalog = Catalog()

    init(strandID: String) { self.strandID = strandID }

    /// Verifies the next block and returns it as a store takes it.
    mutating func verify(_ body: [UInt8]) throws(LedgerError) -> BlockRecord {
        let block: IonValue
        do {
            let values = try IonValue.decode(binary: body)
            guard values.count == 1 else { throw LedgerError.badRequest("a block holds \(values.count) values") }
            block = values[0]
        } catch let error as LedgerError {
            throw error
        } catch {
            throw LedgerError.badRequest("the block is not Ion: \(error)")
        }
        func hash(_ name: String, in value: IonValue = block) throws(LedgerError) -> QLDBHash {
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
        var changes: [CatalogChange] = []
        var catalog = self.catalog
        for change in info["catalog"]?.listValue ?? [] {
            guard let change = CatalogChange(change) else {
                throw LedgerError.badRequest("unknown catalog change \(change)")
            }
            changes.append(change)
            catalog.apply(change)
        }
        var revisions: [(table: String, revision: Revision)] = []
        for value in block["revisions"]?.listValue ?? [] {
            let metadata = value["metadata"]
            guard let id = metadata?["id"]?.stringValue, let version = metadata?["version"]?.intValue,
                let time = metadata?["txTime"]?.timestampValue,
                let revisionAddress = BlockAddress(value["blockAddress"])
            else { throw LedgerError.badRequest("a revision lacks its metadata") }
            let revision = Revision(
                blockAddress: revisionAddress, hash: try hash("hash", in: value), data: value["data"], documentID: id,
                version: version, transactionTime: time, transactionID: txID,
                dataHash: value["dataHash"] == nil ? nil : try hash("dataHash", in: value))
            guard revision.computedHash == revision.hash else {
                throw LedgerError.badRequest("revision \(version) of document \(id) does not match its hash")
            }
            guard let tableID = info["documents"]?[id]?["tableId"]?.stringValue, catalog.tables[tableID] != nil else {
                throw LedgerError.badRequest("revision of \(id) names no known table")
            }
            revisions.append((tableID, revision))
        }
        let revisionHashes = revisions.map(\.revision.hash)
        let entriesHashList = JournalHashes.entriesHashList(
            transactionInfo: info, revisionHashes: revisionHashes, redactionInfo: block["redactionInfo"])
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
        let summary = BlockSummary(
            address: address, blockHash: blockHash, previousBlockHash: tip, entriesHashList: entriesHashList,
            revisionHashes: revisionHashes, revisionDocuments: revisions.map(\.revision.documentID))
        lastSequence = address.sequenceNo
        tip = blockHash
        blockHashes.append(blockHash)
        self.catalog = catalog
        return BlockRecord(
            summary: summary, body: body, revisions: revisions, catalogChanges: changes, catalog: catalog)
    }

    /// The digest over every verified block, or `nil` when there is none.
    var digest: Ledger.Digest? {
        guard lastSequence > 0 else { return nil }
        return Ledger.Digest(
            digest: JournalHashes.merkleRoot(blockHashes),
            tipAddress: BlockAddress(strandID: strandID, sequenceNo: lastSequence))
    }
}
