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
            'qldb: FILE:POSITION: reason' on malformed input (the values before it are written). The \
            text formats (text, lines, pretty) are written value by value as they are read: memory \
            holds one input file's bytes, one value and 64 KiB of output, however many values there are.

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
        switch format {
        case .text: try stream(style: .compact)
        case .lines: try stream(style: .lines)
        case .pretty: try stream(style: .pretty)
        case .binary, .json: try writeWhole()
        }
    }

    /// Each value is written as soon as it is read; output leaves in pieces of 64 KiB. A value
    /// holding symbols with unknown text (from a shared table the input imports and this tool
    /// does not have) is preceded by a symbol table importing what they need, so that they can be
    /// written as `$<sid>`.
    func stream(style: IonTextWriter.Style) throws {
        var writer = IonTextWriter(style: style)
        var imports: [SharedSymbolTableImport] = []
        var piece: [UInt8] = []
        var any = false
        func emit() {
            FileHandle.standardOutput.write(Data(piece))
            piece.removeAll(keepingCapacity: true)
        }
        for file in files.isEmpty ? ["-"] : files {
            let bytes = try InputFile.read(file)
            do {
                try IonDocument.forEachValue(bytes) { value throws(IonError) in
                    let needed = Self.merged(imports, IonValue.sharedImports(of: [value]))
                    if needed != imports {
                        // A new writer starts with the symbol table; the old one's text ends first.
                        piece += try Self.ionError { try writer.finish() }
                        if style == .compact && any { piece.append(UInt8(ascii: " ")) }
                        imports = needed
                        writer = IonTextWriter(style: style, imports: imports)
                    }
                    any = true
                    try Self.ionError { try writer.write(value) }
                    if writer.pendingByteCount >= 1 << 16 {
                        writer.flush(into: &piece)
                        emit()
                    }
                }
            } catch {
                writer.flush(into: &piece)
                emit()
                InputFile.fail(file: file, error: error)
            }
        }
        piece += try writer.finish()
        // Compact text ends with a newline too, as the line styles do.
        if style == .compact && any { piece.append(UInt8(ascii: "\n")) }
        emit()
    }

    /// `old` with the tables of `new` added and each `max_id` raised to what either needs.
    static func merged(_ old: [SharedSymbolTableImport], _ new: [SharedSymbolTableImport]) -> [SharedSymbolTableImport]
    {
        var result = old
        for table in new {
            if let index = result.firstIndex(where: { $0.name == table.name }) {
                result[index].maxID = max(result[index].maxID, table.maxID)
            } else {
                result.append(table)
            }
        }
        return result
    }

    /// Runs a writer call, whose errors are all `IonError`, where only `IonError` may be thrown.
    static func ionError<T>(_ body: () throws -> T) throws(IonError) -> T {
        do { return try body() } catch let error as IonError { throw error } catch {
            throw IonError(.invalidState, "\(error)")
        }
    }

    /// Binary and JSON: the whole document at once (a binary document's symbol table comes first).
    func writeWhole() throws {
        var values: [IonValue] = []
        for file in files.isEmpty ? ["-"] : files {
            let bytes = try InputFile.read(file)
            do {
                values += try IonDocument.decode(bytes)
            } catch let error as IonError {
                InputFile.fail(file: file, error: error)
            }
        }
        let output =
            format == .binary ? try IonValue.encode(binary: values) : Array(IonValue.encode(json: values).utf8)
        FileHandle.standardOutput.write(Data(output))
    }
}
