import ArgumentParser
import Foundation
import Ion

/// Reading inputs and reporting their errors in the CLI's one-line format.
enum InputFile {
    static func read(_ path: String) throws -> [UInt8] {
        if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        guard let data = FileManager.default.contents(atPath: path) else {
            FileHandle.standardError.write(Data("qldb: \(path): cannot read the file\n".utf8))
            throw ExitCode(1)
        }
        return Array(data)
    }

    static func fail(file: String, error: IonError) -> Never {
        let name = file == "-" ? "<stdin>" : file
        let position = error.position ?? "0"
        FileHandle.standardError.write(Data("qldb: \(name):\(position): \(error.reason)\n".utf8))
        Foundation.exit(1)
    }
}
