import Ion
import QLDBHashing

/// A revision `EXEC redact_revision` redacts: where it is, and the hash its data leaves behind.
///
/// The transaction that runs it commits a block recording it (`redactionInfo`, whose Ion hash is
/// in the block's entries); once that block is durable the revision's data is replaced by
/// `dataHash`, in the revision's block and in the revisions reads are served from. The revision's
/// hash, and so every block hash, digest and proof, stays as it was.
struct Redaction: Sendable, Hashable {
    var blockAddress: BlockAddress
    var tableID: String
    var documentID: String
    var version: Int
    /// The Ion hash of the data being removed.
    var dataHash: QLDBHash

    /// `{blockAddress, tableId, documentId, version}`: what `EXEC redact_revision` returns and
    /// `redactionInfo.revisions` lists.
    var ionValue: IonValue {
        [
            "blockAddress": blockAddress.ionValue, "tableId": .string(tableID), "documentId": .string(documentID),
            "version": .int(version),
        ]
    }

    /// The block's `redactionInfo`.
    var redactionInfo: IonValue { ["revisions": .list([ionValue])] }

    /// The body of the revision's block with the revision's `data` replaced by `dataHash`.
    func redacting(blockBody: [UInt8]) throws -> [UInt8] {
        guard var block = try IonValue.decode(binary: blockBody).first?.structValue,
            var revisions = block["revisions"]?.elements
        else { throw RedactionFailure.noRevisions(blockAddress) }
        guard
            let index = revisions.firstIndex(where: {
                $0["metadata"]?["id"]?.stringValue == documentID && $0["metadata"]?["version"]?.intValue == version
            }), let revision = revisions[index].structValue
        else { throw RedactionFailure.noRevisions(blockAddress) }
        // In place of `data`, where QLDB puts it: `{blockAddress, hash, dataHash, metadata}`.
        var redacted = IonStruct()
        for field in revision {
            if field.name.text == "data" {
                redacted.append(name: IonSymbol("dataHash"), value: .blob(dataHash.bytes))
            } else {
                redacted.append(name: field.name, value: field.value)
            }
        }
        revisions[index] = .struct(redacted)
        block["revisions"] = .list(revisions)
        return try IonValue.encode(binary: [.struct(block)])
    }

    enum RedactionFailure: Error, CustomStringConvertible {
        case noRevisions(BlockAddress)

        var description: String {
            switch self {
            case .noRevisions(let address): "the block at \(address) does not hold the revision to redact"
            }
        }
    }
}
