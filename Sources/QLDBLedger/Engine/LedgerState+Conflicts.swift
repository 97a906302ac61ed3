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
}
