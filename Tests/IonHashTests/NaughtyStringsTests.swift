import Foundation
import Ion
import IonHash
import SharedFixtures
import Testing

/// The naughty-strings test of ion-hash-test: every string, as a symbol, string, clob, blob,
/// annotation, field and inside containers, must hash alike through the hashing reader and the
/// hashing writer; lines marked `invalid_ion::` must be rejected where they are used as Ion text.
@Suite(
    .enabled(
        if: NaughtyStrings.isAvailable,
        "needs ../shared/conformance/ion-hash-test beside the repository: naughty strings are skipped"))
struct NaughtyStringsTests {
    /// Every Ion text document built from one line either hashes alike through the hashing
    /// reader, the hashing writer and the DOM, or (for an `invalid_ion::` line only) is rejected.
    @Test(
        "A naughty string hashes alike through the hashing reader and writer in every form",
        arguments: NaughtyStrings.all)
    func hashingReaderAndWriterAgree(_ line: NaughtyStrings.Line) throws {
        var agreed = 0
        var rejected = 0
        for text in line.expansions {
            let values: [IonValue]
            do {
                values = try IonValue.decode(text: Array(text.utf8))
            } catch {
                if line.isValid == false {
                    rejected += 1
                } else {
                    Issue.record(error, "\(line.testDescription): \(text)")
                }
                continue
            }
            let binary = try IonValue.encode(binary: values)
            var reader = try IonBinaryReader(binary)
            var readerDigests: [[UInt8]] = []
            while try reader.next() != nil { readerDigests.append(try IonHasher.md5.digest(of: &reader)) }
            var writer = IonHashingWriter(MD5IonHash())
            for value in values { try writer.write(value) }
            let agrees =
                readerDigests == writer.digests && readerDigests == values.map({ IonHasher.md5.digest(of: $0) })
            #expect(agrees, "\(line.testDescription): \(text): reader and writer digests differ")
            if agrees { agreed += 1 }
        }
        #expect(agreed + rejected == line.expansions.count, "\(line.testDescription)")
    }

    /// The invalid lines hold raw control characters: every form but the blob must be rejected,
    /// 68 documents in all.
    @Test("The invalid_ion lines are rejected as Ion text wherever they are used as text")
    func invalidLinesAreRejected() throws {
        var rejected = 0
        for line in try NaughtyStrings.lines() where line.isValid == false {
            for text in line.expansions where (try? IonValue.decode(text: Array(text.utf8))) == nil {
                rejected += 1
            }
        }
        #expect(rejected == 68)
    }
}

enum NaughtyStrings {
    static let file = SharedFixtures.url("conformance/ion-hash-test/big_list_of_naughty_strings.txt")

    static var isAvailable: Bool { FileManager.default.fileExists(atPath: file.path) }

    /// The lines of the file, read at test discovery; `[]` when it is absent or unreadable.
    static let all: [Line] = isAvailable ? ((try? lines()) ?? []) : []

    struct Line: Sendable, CustomTestStringConvertible {
        /// The line's number in the file, from 1.
        var number: Int
        var text: String
        /// `true` for `ion::` lines (the text is itself an Ion value), `false` for `invalid_ion::`.
        var isValid: Bool?

        func escaped(_ quote: Character) -> String {
            text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
                of: String(quote), with: "\\\(quote)")
        }
        var symbol: String { "'" + escaped("'") + "'" }
        var string: String { "\"" + escaped("\"") + "\"" }
        var longString: String { "'''" + escaped("'") + "'''" }
        var clob: String {
            "{{"
                + string.unicodeScalars.map { $0.value >= 128 ? "\\x" + String($0.value, radix: 16) : String($0) }
                .joined() + "}}"
        }
        var blob: String { "{{" + Data(text.utf8).base64EncodedString() + "}}" }

        var testDescription: String { "big_list_of_naughty_strings.txt line \(number)" }

        /// The Ion text documents the test builds from this line.
        var expansions: [String] {
            let forms = [symbol, string, longString, clob, blob]
            var out = forms
            out += forms.map { symbol + "::" + $0 }
            out += forms.map { symbol + "::{" + symbol + ":" + $0 + "}" }
            if isValid == true {
                out += [
                    text, symbol + "::" + text, symbol + "::{" + symbol + ":" + text + "}",
                    symbol + "::{" + symbol + ":" + symbol + "::" + text + "}",
                ]
            }
            let tail = isValid == true ? text : ""
            out.append(symbol + "::[" + forms.joined(separator: ", ") + ", " + tail + "]")
            out.append(symbol + "::(" + forms.joined(separator: " ") + " " + tail + ")")
            out.append(symbol + "::" + symbol + "::" + symbol + "::" + string)
            return out
        }
    }

    static func lines() throws -> [Line] {
        let content = String(decoding: try Data(contentsOf: file), as: UTF8.self)
        return content.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, raw in
            var text = String(raw)
            if text.hasSuffix("\r") { text.removeLast() }
            guard !text.isEmpty, !text.hasPrefix("#") else { return nil }
            if text.hasPrefix("ion::") {
                return Line(number: index + 1, text: String(text.dropFirst(5)), isValid: true)
            }
            if text.hasPrefix("invalid_ion::") {
                return Line(number: index + 1, text: String(text.dropFirst(13)), isValid: false)
            }
            return Line(number: index + 1, text: text, isValid: nil)
        }
    }
}
