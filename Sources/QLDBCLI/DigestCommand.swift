import ArgumentParser
import Foundation
import Ion
import QLDBHashing

/// `qldb digest`: the base64 CommitDigest of a transaction.
struct DigestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Print the base64 CommitDigest of a transaction.",
        usage: "qldb digest --transaction-id ID [--statement S [--parameter ION_TEXT]...]...",
        discussion: """
            Statements are added in the order given. Each --parameter is one Ion text value and \
            belongs to the nearest --statement before it. Options may also be written --name=value.

            Options (their order matters):
              --transaction-id ID    The transaction's id, as StartTransaction returned it (required, once).
              --statement S          A statement, in the order the transaction ran them (repeatable).
              --parameter ION_TEXT   One Ion text value: a parameter of the --statement before it (repeatable).

            Example:
              qldb digest --transaction-id txid1 --statement 'INSERT INTO Licence ?' --parameter '{name:"Alice",points:3}'
            """
    )

    @Argument(parsing: .allUnrecognized, help: .hidden)
    var arguments: [String] = []

    /// One statement and its parameters, as given on the command line.
    struct Statement {
        var text: String
        var parameters: [IonValue] = []
    }

    /// Parses `--transaction-id`, `--statement` and `--parameter` (each as `--name value` or
    /// `--name=value`), keeping their order.
    static func parse(_ arguments: [String]) throws -> (transactionID: String, statements: [Statement]) {
        var transactionID: String? = nil
        var statements: [Statement] = []
        var i = 0
        while i < arguments.count {
            var name = arguments[i]
            var value: String
            if let eq = name.firstIndex(of: "="), name.hasPrefix("--") {
                value = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            } else {
                guard i + 1 < arguments.count else { throw DigestArgumentError("\(name) needs a value") }
                value = arguments[i + 1]
                i += 1
            }
            i += 1
            switch name {
            case "--transaction-id":
                guard transactionID == nil else {
                    throw DigestArgumentError("--transaction-id is given more than once")
                }
                transactionID = value
            case "--statement":
                statements.append(Statement(text: value))
            case "--parameter":
                guard !statements.isEmpty else {
                    throw DigestArgumentError("--parameter '\(value)' comes before any --statement")
                }
                let values: [IonValue]
                do {
                    values = try IonValue.decode(text: value)
                } catch let error as IonError {
                    throw DigestArgumentError(
                        "--parameter '\(value)' is not Ion text: \(error.reason) at \(error.position ?? "0")")
                }
                guard values.count == 1 else {
                    throw DigestArgumentError(
                        "--parameter '\(value)' must hold exactly one Ion value, found \(values.count)")
                }
                statements[statements.count - 1].parameters.append(values[0])
            default:
                throw DigestArgumentError("unknown option '\(name)'")
            }
        }
        guard let transactionID else { throw DigestArgumentError("--transaction-id is required") }
        return (transactionID, statements)
    }

    func run() throws {
        let transactionID: String
        let statements: [Statement]
        do {
            (transactionID, statements) = try Self.parse(arguments)
        } catch let error as DigestArgumentError {
            FileHandle.standardError.write(Data("qldb: digest: \(error.message)\n".utf8))
            throw ExitCode(1)
        }
        var digest = CommitDigest(transactionID: transactionID)
        for statement in statements { digest.add(statement: statement.text, parameters: statement.parameters) }
        print(digest.digest.base64)
    }
}

/// A problem with `qldb digest`'s arguments, reported on one line with exit status 1.
struct DigestArgumentError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
