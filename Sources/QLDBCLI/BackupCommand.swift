import ArgumentParser
import Foundation
import Logging
import QLDBLedger

/// `qldb backup`: a consistent copy of a ledger's SQLite file, taken while it may be serving.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy a ledger's SQLite file consistently, even while qldb serve is using it.",
        discussion: """
            The copy holds every block durable when it started, with all their documents and \
            indexes; commits made meanwhile go on and are not in it. To restore, put the copy in \
            an empty directory as <ledger>.sqlite and give that directory to --data-dir; `qldb \
            verify` checks it. Exit status: 0 when the copy is written, 1 when it is not (the \
            reason is printed); an existing file is never overwritten.

            Example: qldb backup --data-dir .ledger --ledger licences --to /backups/licences.sqlite
            """
    )

    @Option(name: .customLong("data-dir"), help: "Directory of the ledgers' files.") var dataDirectory = ".ledger"
    @Option(name: .customLong("ledger"), help: "The ledger to back up.") var ledger: String
    @Option(name: .customLong("to"), help: "The file to write (it must not exist).") var destination: String

    func run() async throws {
        if let problem = LedgerName.problem(with: ledger) { throw ValidationError("--ledger: \(problem)") }
        let directory = URL(fileURLWithPath: dataDirectory)
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("\(ledger).sqlite").path) else {
            throw ValidationError("no ledger \(ledger) in \(dataDirectory) (no \(ledger).sqlite)")
        }
        var logger = Logger(label: "qldb.backup")
        logger.logLevel = .warning
        do {
            let opened = try await Ledger(name: ledger, directory: directory, journalAccess: .readOnly, logger: logger)
            do {
                try await opened.backup(to: URL(fileURLWithPath: destination))
            } catch {
                await opened.close()
                throw error
            }
            await opened.close()
            print("qldb backup: \(ledger): \(opened.blockCount) blocks copied to \(destination)")
        } catch {
            print("qldb backup: \(ledger): FAILED: \(error)")
            throw ExitCode(1)
        }
    }
}
