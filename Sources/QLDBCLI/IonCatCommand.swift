import ArgumentParser
import Foundation
import Ion

/// `qldb ion cat`: reads Ion (binary or text) and writes every top-level value in one format.
struct IonCatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat",
        abstract: "Write every top-level value of the inputs in the chosen format.",
        discussion: """
            Reads Ion binary (recognised by its version marker), Ion text or JSON from each FILE, or from \
            standard input when no FILE is given or FILE is '-'. Exits 1 with \
            'qldb: FILE:POSITION: reason' on malformed input.

            Example: qldb ion cat --format pretty Examples/licences.10n
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, pretty, lines, binary, json
    }

    @Option(help: "Output format: text, pretty, lines, binary or json.")
    var format: Format = .text

    @Argument(help: "Input files; '-' or none reads standard input.")
    var files: [String] = []

    func run() throws {
        var values: [IonValue] = []
        for file in files.isEmpty ? ["-"] : files {
            let bytes = try InputFile.read(file)
            do {
                values += try IonDocument.decode(bytes)
            } catch let error as IonError {
                InputFile.fail(file: file, error: error)
            }
        }
        let output: [UInt8]
        switch format {
        case .binary: output = try IonValue.encode(binary: values)
        case .text:
            output = Array((try IonValue.encode(text: values, style: .compact) + (values.isEmpty ? "" : "\n")).utf8)
        case .json: output = Array(IonValue.encode(json: values).utf8)
        case .lines: output = Array(try IonValue.encode(text: values, style: .lines).utf8)
        case .pretty: output = Array(try IonValue.encode(text: values, style: .pretty).utf8)
        }
        FileHandle.standardOutput.write(Data(output))
    }
}
