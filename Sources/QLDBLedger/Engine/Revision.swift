import Foundation
import Ion
import QLDBHashing

/// Where a block sits in the journal: its strand and sequence number.
public struct BlockAddress: Sendable, Hashable, CustomStringConvertible {
    /// The strand id.
    public var strandID: String
    /// The block's sequence number in the strand.
    public var sequenceNo: Int

    /// Creates an address.
    public init(strandID: String, sequenceNo: Int) {
        self.strandID = strandID
        self.sequenceNo = sequenceNo
    }

    /// `{strandId: "…", sequenceNo: N}`.
    public var ionValue: IonValue { ["strandId": .string(strandID), "sequenceNo": .int(sequenceNo)] }

    /// The Ion text QLDB uses for addresses: `{strandId:"…",sequenceNo:N}`.
    public var description: String { "{strandId:\"\(strandID)\",sequenceNo:\(sequenceNo)}" }

    /// Reads QLDB's Ion text form of an address (`{strandId:"…",sequenceNo:N}`, as GetDigest's
    /// `DigestTipAddress.IonText` has it); `nil` when the text is not one address.
    public init?(ionText: String) {
        guard let values = try? IonValue.decode(text: ionText), values.count == 1 else { return nil }
        self.init(values[0])
    }

    init?(_ value: IonValue?) {
        guard let strand = value?["strandId"]?.stringValue, let sequence = value?["sequenceNo"]?.intValue else {
            return nil
        }
        self.init(strandID: strand, sequenceNo: sequence)
    }
}

/// One revision of a document as the journal stores it.
public struct Revision: Sendable, Hashable {
    /// The block that committed it.
    public var blockAddress: BlockAddress
    /// `dot(H(metadata), H(data))`; for a delete (no data), `H(metadata)`.
    public var hash: QLDBHash
    /// The document; `nil` for the revision that deletes it, and for a redacted one.
    public var data: IonValue?
    /// For a redacted revision: the Ion hash of the data it had, which its hash still covers.
    public var dataHash: QLDBHash?
    /// The document id.
    public var documentID: String
    /// 0 on insert, one more on every later revision.
    public var version: Int
    /// When the transaction committed.
    public var transactionTime: IonTimestamp
    /// The committing transaction.
    public var transactionID: String

    package init(
        blockAddress: BlockAddress, hash: QLDBHash, data: IonValue?, documentID: String, version: Int,
        transactionTime: IonTimestamp, transactionID: String, dataHash: QLDBHash? = nil
    ) {
        self.dataHash = dataHash
        self.blockAddress = blockAddress
        self.hash = hash
        self.data = data
        self.documentID = documentID
        self.version = version
        self.transactionTime = transactionTime
        self.transactionID = transactionID
    }

    /// `{id, version, txTime, txId}`.
    public var metadata: IonValue {
        [
            "id": .string(documentID), "version": .int(version), "txTime": .timestamp(transactionTime),
            "txId": .string(transactionID),
        ]
    }

    /// The revision shape of `history()` and `_ql_committed_`: `{blockAddress, hash, data, metadata}`
    /// (no `data` for a delete; `dataHash` instead of `data` once redacted).
    public var ionValue: IonValue {
        var fields = IonStruct()
        fields["blockAddress"] = blockAddress.ionValue
        fields["hash"] = .blob(hash.bytes)
        if let data {
            fields["data"] = data
        } else if let dataHash {
            fields["dataHash"] = .blob(dataHash.bytes)
        }
        fields["metadata"] = metadata
        return .struct(fields)
    }

    static func computeHash(metadata: IonValue, data: IonValue?, dataHash: QLDBHash? = nil) -> QLDBHash {
        if let data { return JournalHashes.revisionHash(metadata: metadata, data: data) }
        if let dataHash { return JournalHashes.revisionHash(metadata: metadata, dataHash: dataHash) }
        return CommitDigest.ionHash(metadata)
    }

    /// The hash the revision's own fields give (its data, or the hash left of redacted data).
    var computedHash: QLDBHash { Self.computeHash(metadata: metadata, data: data, dataHash: dataHash) }
}

extension IonValue {
    /// The elements of a list or s-expression.
    var listValue: [IonValue]? {
        switch content {
        case .list(let items), .sexp(let items): items
        default: nil
        }
    }
}
