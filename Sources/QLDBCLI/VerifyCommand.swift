import ArgumentParser
import Foundation
import Logging
import QLDBLedger
import QLDBLedgerPostgres

/// `qldb verify`: checks a ledger offline, without writing to it.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a ledger (every revision, entries hash, block hash and chain link) and print its digest.",
        discussion: """
            The ledger's SQLite file (<ledger>.sqlite) is opened read-only: verifying never changes \
            it. A directory holding only a journal file of earlier versions (<ledger>.journal) has \
            that file verified instead, also read-only. Exit status: 0 when every block verifies, 1 \
            when a block does not (the block is printed, and for a journal file its byte offset), 2 \
            when a journal file ends with an incomplete record as a crash during a write leaves it \
            (a torn tail). --repair-torn-tail removes such a record, and only such a record, then \
            verifies. With --postgres, the ledger in that PostgreSQL database is verified instead \
            (read-only; it may be serving meanwhile).

            Example: qldb verify --data-dir .ledger --ledger licences
            """
    )

    @Option(name: .customLong("data-dir"), help: "Directory of the ledgers' files.") var dataDirectory = ".ledger"
    @Option(name: .customLong("ledger"), help: "The ledger to verify.") var ledger: String
    @Option(
        name: .customLong("postgres"),
        help: "postgresql://USER:PASSWORD@HOST:PORT/DATABASE: verify the ledger kept there instead.")
    var postgres: String?
    @Flag(
        name: .customLong("repair-torn-tail"),
        help: "Truncate a journal file's incomplete last record (logged), then verify. Corruption is never repaired.")
    var repairTornTail = false

    func run() async throws {
        if let problem = LedgerName.problem(with: ledger) { throw ValidationError("--ledger: \(problem)") }
        let directory = URL(fileURLWithPath: dataDirectory)
        let store = directory.appendingPathComponent("\(ledger).sqlite")
        let journal = directory.appendingPathComponent("\(ledger).journal")
        var logger = Logger(label: "qldb.verify")
        logger.logLevel = .warning
        let files = FileManager.default
        let started = ContinuousClock.now
        let result: Result<Ledger.Digest?, LedgerError>
        if let postgres {
            let database: PostgresLedgerDatabase
            do {
                database = try await PostgresLedgerDatabase.connect(url: postgres, logger: logger)
            } catch {
                print("qldb verify: \(ledger): FAILED: \(error)")
                throw ExitCode(1)
            }
            do {
                let opened = try await database.ledger(named: ledger, create: false, logger: logger)
                result = await opened.verifyChain()
            } catch {
                await database.close()
                print("qldb verify: \(ledger): FAILED: \(error)")
                throw ExitCode(1)
            }
            await database.close()
        } else if files.fileExists(atPath: store.path) {
            let opened: Ledger
            do {
                opened = try await Ledger(name: ledger, directory: directory, journalAccess: .readOnly, logger: logger)
            } catch {
                print("qldb verify: \(ledger): FAILED: \(error)")
                throw ExitCode(1)
            }
            result = await opened.verifyChain()
            await opened.close()
        } else if files.fileExists(atPath: journal.path) {
            do {
                result = .success(
                    try await Ledger.verifyJournalFile(
                        name: ledger, directory: directory, repairTornTail: repairTornTail, logger: logger))
            } catch let error as JournalError {
                print("qldb verify: \(ledger): \(error.kind == .tornTail ? "TORN TAIL" : "CORRUPTED"): \(error)")
                throw ExitCode(error.kind == .tornTail ? 2 : 1)
            } catch {
                print("qldb verify: \(ledger): FAILED: \(error)")
                throw ExitCode(1)
            }
        } else {
            let present = ((try? files.contentsOfDirectory(atPath: dataDirectory)) ?? [])
                .filter { $0.hasSuffix(".sqlite") || $0.hasSuffix(".journal") }
                .map { String($0.prefix(upTo: $0.lastIndex(of: ".")!)) }
            let names = Set(present).sorted()
            let hint =
                names.isEmpty
                ? "no ledgers are in \(dataDirectory); give --data-dir the directory `qldb serve --data-dir` used"
                : "ledgers in \(dataDirectory): \(names.joined(separator: ", "))"
            throw ValidationError("no ledger \(ledger) at \(store.path) (\(hint))")
        }
        switch result {
        case .success(let digest?):
            let seconds =
                Double(started.duration(to: .now).components.attoseconds) / 1e18
                + Double(started.duration(to: .now).components.seconds)
            let blocks = digest.tipAddress.sequenceNo
            print(
                "qldb verify: \(ledger): \(blocks) blocks verified in \(String(format: "%.2f", seconds)) s (\(Int(Double(blocks) / max(seconds, 1e-6))) blocks/s)"
            )
            print("digest: \(digest.digest.base64)")
            print("tip: \(digest.tipAddress)")
        case .success(nil):
            print("qldb verify: \(ledger): empty ledger, nothing to verify")
        case .failure(let error):
            print("qldb verify: \(ledger): CORRUPTED: \(error.message)")
            throw ExitCode(1)
        }
    }
}
