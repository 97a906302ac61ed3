import ArgumentParser
import Foundation
import Ion
import IonHash

/// `qldb ion hash`: the SHA-256 Ion hash of every top-level value, one lowercase hex line each.
struct IonHashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash",
        abstract: "Print the SHA-256 Ion hash of every top-level value, one lowercase hex line per value."
    )

    @Argument(help: "Input files (Ion binary, Ion text or JSON); '-' or none reads standard input.")
    var files: [String] = []

    func run() throws {
        var out = ""
        for file in files.isEmpty ? ["-"] : files {
            let bytes = try InputFile.read(file)
            do {
                for value in try IonDocument.decode(bytes) {
                    out += IonHasher.sha256.digest(of: value).map { String(format: "%02x", Int($0)) }.joined() + "\n"
                }
            } catch let error as IonError {
                InputFile.fail(file: file, error: error)
            }
        }
        FileHandle.standardOutput.write(Data(out.utf8))
    }
}
