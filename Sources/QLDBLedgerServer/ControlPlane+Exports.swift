import Foundation
import QLDBControl
import QLDBLedger

/// ExportJournalToS3, DescribeJournalS3Export and the export lists.
extension ControlPlane {
    /// ExportJournalToS3: starts an export and waits up to the configuration's `exportWait` for
    /// it, so that a small journal's export is `COMPLETED` by the first description asked for.
    /// `RoleArn` is recorded and reported, not assumed: the server writes with its own
    /// credentials.
    public func exportJournal(name: String, _ request: ExportJournalToS3Request) async throws(ControlPlaneError)
        -> ExportJournalToS3Response
    {
        let (ledger, settings) = try await self.ledger(name)
        let (description, task) = try await exports.start(
            ledger: ledger, settings: settings, request: request, now: Date())
        let wait = configuration.exportWait
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await task.value }
            group.addTask { try? await Task.sleep(for: wait) }
            await group.next()
            group.cancelAll()
        }
        return ExportJournalToS3Response(exportID: description.exportID)
    }

    /// DescribeJournalS3Export.
    public func describeExport(name: String, exportID: String) async throws(ControlPlaneError)
        -> DescribeJournalS3ExportResponse
    {
        let (ledger, _) = try await self.ledger(name)
        let all = try await attempt("reading the exports of \(name)") {
            try await JournalExports.descriptions(of: ledger)
        }
        guard let found = all.first(where: { $0.exportID == exportID }) else {
            throw ControlPlaneError(
                .resourceNotFound, "Ledger \(name) has no journal export \(exportID)",
                resourceType: "JOURNAL_S3_EXPORT", resourceName: exportID)
        }
        return DescribeJournalS3ExportResponse(exportDescription: found)
    }

    /// ListJournalS3ExportsForLedger (`ledger` given) or ListJournalS3Exports (every ledger's),
    /// in pages ordered by ledger and export id.
    public func listExports(ledger name: String?, maxResults: Int?, nextToken: String?)
        async throws(ControlPlaneError) -> ListJournalS3ExportsResponse
    {
        let limit = try Self.pageSize(maxResults)
        let after = try Self.position(nextToken)
        let names: [String]
        if let name {
            _ = try await ledger(name)
            names = [name]
        } else {
            names = try await attempt("listing ledgers") { try await self.service.allLedgerNames() }
        }
        var all: [JournalS3ExportDescription] = []
        for ledgerName in names {
            guard let (ledger, _) = try? await self.ledger(ledgerName) else { continue }
            all += try await attempt("reading the exports of \(ledgerName)") {
                try await JournalExports.descriptions(of: ledger)
            }
        }
        let position = { (export: JournalS3ExportDescription) in "\(export.ledgerName)/\(export.exportID)" }
        let remaining = all.filter { after == nil || position($0) > after! }
        let page = Array(remaining.prefix(limit))
        return ListJournalS3ExportsResponse(
            journalS3Exports: page,
            nextToken: remaining.count > limit ? Self.token(after: position(page[page.count - 1])) : nil)
    }
}
