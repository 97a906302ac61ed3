import ArgumentParser
import Foundation
import Ion
import IonHash
import QLDBPrimitives

/// `qldb ion hash`: the SHA-256 Ion hash of every top-level value, one lowercase hex line each.
struct IonHashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash",
        abstract: "Print the SHA-256 Ion hash of every top-level value, one lowercase hex line per value.",
        discussion: """
            Exits 1 with 'qldb: FILE:POSITION: reason' on malformed input.

            Example: echo '{name:"Alice",points:3}' | qldb ion hash
            """
    )

    @Argument(help: "Input files (Ion binary, Ion text or JSON); '-' or none reads standard input.")
    var files: [String] = []

    func run() throws {
        var out = ""
        for file in files.isEmpty ? ["-"] : files {
            let bytes = try InputFile.read(file)
            do {
                for value in try IonDocument.decode(bytes) {
                    out += Hex.encode(IonHasher.sha256.digest(of: value)) + "\n"
                }
            } catch let error as IonError {
                InputFile.fail(file: file, error: error)
            }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
