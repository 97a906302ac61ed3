import ArgumentParser
import Foundation
import Logging
import QLDBLedger

/// `qldb verify`: checks a ledger's journal offline.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a ledger's journal (every revision, block and chain link) and print its digest."
    )

    @Option(name: .customLong("data-dir"), help: "Directory of the ledgers' journals.") var dataDirectory = ".ledger"
    @Option(name: .customLong("ledger"), help: "The ledger to verify.") var ledger: String

    func run() throws {
        let path = URL(fileURLWithPath: dataDirectory).appendingPathComponent("\(ledger).journal")
        guard FileManager.default.fileExists(atPath: path.path) else {
            throw ValidationError("no journal for ledger \(ledger) at \(path.path)")
        }
        var logger = Logger(label: "qldb.verify")
        logger.logLevel = .warning
        let opened: Ledger
        do {
            opened = try Ledger(name: ledger, directory: URL(fileURLWithPath: dataDirectory), logger: logger)
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
            print("qldb verify: \(ledger): FAILED: \(error)")
            throw ExitCode(1)
        }
    }
}
