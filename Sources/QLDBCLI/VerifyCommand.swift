import ArgumentParser
import Foundation
import Logging
import QLDBLedger

/// `qldb verify`: checks a ledger's journal offline, without writing to it.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a ledger's journal (every record, revision, block and chain link) and print its digest.",
        discussion: """
            The journal is opened read-only: verifying never changes it. Exit status: 0 when every \
            block verifies, 1 when the journal is corrupted (the block and byte offset are printed), \
            2 when it ends with an incomplete record as a crash during a write leaves it (a torn \
            tail). --repair-torn-tail removes such a record, and only such a record, then verifies.

            Example: qldb verify --data-dir .ledger --ledger licences
            """
    )

    @Option(name: .customLong("data-dir"), help: "Directory of the ledgers' journals.") var dataDirectory = ".ledger"
    @Option(name: .customLong("ledger"), help: "The ledger to verify.") var ledger: String
    @Flag(
        name: .customLong("repair-torn-tail"),
        help: "Truncate an incomplete last record (logged), then verify. Corruption is never repaired.")
    var repairTornTail = false

    func run() throws {
        if let problem = LedgerName.problem(with: ledger) { throw ValidationError("--ledger: \(problem)") }
        let path = URL(fileURLWithPath: dataDirectory).appendingPathComponent("\(ledger).journal")
        guard FileManager.default.fileExists(atPath: path.path) else {
            let present = ((try? FileManager.default.contentsOfDirectory(atPath: dataDirectory)) ?? [])
                .filter { $0.hasSuffix(".journal") }.map { String($0.dropLast(".journal".count)) }.sorted()
            let hint =
                present.isEmpty
                ? "no journals are in \(dataDirectory); give --data-dir the directory `qldb serve --data-dir` used"
                : "journals in \(dataDirectory): \(present.joined(separator: ", "))"
            throw ValidationError("no journal for ledger \(ledger) at \(path.path) (\(hint))")
        }
        var logger = Logger(label: "qldb.verify")
        logger.logLevel = .warning
        let opened: Ledger
        do {
            opened = try Ledger(
                name: ledger, directory: URL(fileURLWithPath: dataDirectory),
                journalAccess: repairTornTail ? .readWrite(repairTornTail: true) : .readOnly, logger: logger)
        } catch let error as JournalError {
            print("qldb verify: \(ledger): \(error.kind == .tornTail ? "TORN TAIL" : "CORRUPTED"): \(error)")
            throw ExitCode(error.kind == .tornTail ? 2 : 1)
        } catch {
            print("qldb verify: \(ledger): FAILED: \(error)")
            throw ExitCode(1)
        }
        switch opened.verifyChain() {
        case .success(let digest?):
            print("qldb verify: \(ledger): \(opened.blockCount) blocks verified")
            print("digest: \(digest.digest.base64)")
            print("tip: \(digest.tipAddress)")
        case .success(nil):
            print("qldb verify: \(ledger): empty journal, nothing to verify")
        case .failure(let error):
            print("qldb verify: \(ledger): CORRUPTED: \(error)")
            throw ExitCode(1)
        }
    }
}
