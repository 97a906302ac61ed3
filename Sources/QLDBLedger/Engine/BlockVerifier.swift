import Foundation
import Ion
import QLDBHashing

/// Checks one block of a journal on its own and against the block before it: the address
/// follows, the previous hash links, every revision matches its hash, and the entries and block
/// hashes recompute. `qldb verify` and the conversion of old journals run every block through it.
///
/// A block imported from Amazon QLDB's journal export (`foreign`) is held to what QLDB documents
/// and AWS's own verifiers check, as its entries list also holds hashes of QLDB's internal
/// records that cannot be recomputed: the transaction info's hash, the revisions' Merkle root and
/// the redaction info's hash are among the entries, the entries' root is `entriesHash`, and
/// `blockHash = dot(entriesHash, previousBlockHash)`. Revisions that carry only a hash (QLDB's
/// system revisions) count in the revisions' root and are not stored as documents; a table is
/// known from the first revision naming it (`transactionInfo.documents`).
struct BlockVerifier {
    let strandID: String
    /// The last verified block's sequence number and hash.
    private(set) var lastSequence = 0
    private(set) var tip = QLDBHash([])
    private(set) var blockHashes: [QLDBHash] = []
    /// The catalog after the last verified block.
    private(set) var catalog = Catalog()

    init(strandID: String) { self.strandID = strandID }

    /// Verifies the next block and returns it as a store takes it; `foreign` for a block of an
    /// Amazon QLDB journal export.
    mutating func verify(_ body: [UInt8], foreign: Bool = false) throws(LedgerError) -> BlockRecord {
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
        // The first block of an imported journal links to nothing this ledger holds.
        let previous = foreign && lastSequence == 0 ? try hash("previousBlockHash") : tip
        guard try hash("previousBlockHash") == previous else {
            throw LedgerError.badRequest("previousBlockHash does not match the previous block's hash")
        }
        guard let txID = block["transactionId"]?.stringValue,
            let info = block["transactionInfo"] ?? (foreign ? IonValue.struct(IonStruct()) : IonValue?.none)
        else {
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
        var revisionHashes: [QLDBHash] = []
        var revisionDocuments: [String] = []
        for value in block["revisions"]?.listValue ?? [] {
            let metadata = value["metadata"]
            if foreign, metadata == nil, value["data"] == nil, value["dataHash"] == nil {
                // A system revision: only its hash is exported.
                revisionHashes.append(try hash("hash", in: value))
                revisionDocuments.append("")
                continue
            }
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
            let table = info["documents"]?[id]
            guard let tableID = table?["tableId"]?.stringValue else {
                throw LedgerError.badRequest("revision of \(id) names no table in transactionInfo.documents")
            }
            if foreign, catalog.tables[tableID] == nil, let name = table?["tableName"]?.stringValue {
                let change = CatalogChange.createTable(id: tableID, name: name)
                changes.append(change)
                catalog.apply(change)
            }
            guard catalog.tables[tableID] != nil else {
                throw LedgerError.badRequest("revision of \(id) names no known table")
            }
            revisions.append((tableID, revision))
            revisionHashes.append(revision.hash)
            revisionDocuments.append(id)
        }
        let stored = (block["entriesHashList"]?.listValue ?? []).compactMap { v -> QLDBHash? in
            guard case .blob(let b) = v.content else { return nil }
            return QLDBHash(b)
        }
        let entriesHashList: [QLDBHash]
        if foreign {
            var required: [QLDBHash] = []
            if block["transactionInfo"] != nil { required.append(CommitDigest.ionHash(info)) }
            if !revisionHashes.isEmpty { required.append(JournalHashes.merkleRoot(revisionHashes)) }
            if let redaction = block["redactionInfo"] { required.append(CommitDigest.ionHash(redaction)) }
            guard required.allSatisfy(stored.contains) else {
                throw LedgerError.badRequest(
                    "entriesHashList lacks the hash of the transaction info, the revisions or the redaction info")
            }
            entriesHashList = stored
        } else {
            entriesHashList = JournalHashes.entriesHashList(
                transactionInfo: info, revisionHashes: revisionHashes, redactionInfo: block["redactionInfo"])
        }
        guard stored == entriesHashList, JournalHashes.merkleRoot(entriesHashList) == (try hash("entriesHash")) else {
            throw LedgerError.badRequest("entriesHash does not match the transaction info and revisions")
        }
        let blockHash = JournalHashes.blockHash(
            entriesHash: JournalHashes.merkleRoot(entriesHashList), previousBlockHash: previous)
        guard blockHash == (try hash("blockHash")) else { throw LedgerError.badRequest("blockHash does not verify") }
        let summary = BlockSummary(
            address: address, blockHash: blockHash, previousBlockHash: previous, entriesHashList: entriesHashList,
            revisionHashes: revisionHashes, revisionDocuments: revisionDocuments)
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
