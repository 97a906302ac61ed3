import Foundation
import QLDBPrimitives

// The JSON writer the encoders use: bytes straight into one buffer, escapes found eight bytes
// at a time.
extension SendCommandWireCodec {
    struct Writer {
        var out: [UInt8] = []

        init(capacity: Int = 256) { out.reserveCapacity(capacity) }

        mutating func raw(_ text: StaticString) {
            text.withUTF8Buffer { out.append(contentsOf: $0) }
        }

        mutating func string(_ text: String) {
            out.append(UInt8(ascii: "\""))
            var text = text
            text.withUTF8 { utf8 in
                // Statements and tokens rarely need escapes: checked eight bytes at a time, and
                // otherwise copied in runs between the bytes that do.
                guard Self.mayNeedEscape(UnsafeRawBufferPointer(utf8)) else {
                    out.append(contentsOf: utf8)
                    return
                }
                var run = 0
                for index in 0..<utf8.count {
                    let byte = utf8[index]
                    guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<index]))
                    run = index + 1
                    switch byte {
                    case UInt8(ascii: "\""): raw(#"\""#)
                    case UInt8(ascii: "\\"): raw(#"\\"#)
                    case 0x0A: raw(#"\n"#)
                    case 0x0D: raw(#"\r"#)
                    case 0x09: raw(#"\t"#)
                    default:
                        raw(#"\u00"#)
                        out.append(Hex.digit(byte >> 4))
                        out.append(Hex.digit(byte & 0x0F))
                    }
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run...]))
            }
            out.append(UInt8(ascii: "\""))
        }

        /// Whether any byte is a control character, `"` or `\`: `false` means the text goes into
        /// JSON as it is.
        @inline(__always)
        static func mayNeedEscape(_ bytes: UnsafeRawBufferPointer) -> Bool {
            var i = 0
            let count = bytes.count
            while i + 8 <= count {
                let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                if ByteWord.hasByte(word, lessThan: 0x20) || ByteWord.hasByte(word, equalTo: UInt8(ascii: "\""))
                    || ByteWord.hasByte(word, equalTo: UInt8(ascii: "\\"))
                {
                    return true
                }
                i += 8
            }
            while i < count {
                let byte = bytes[i]
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return true }
                i += 1
            }
            return false
        }

        mutating func blob(_ data: some ContiguousBytes) {
            data.withUnsafeBytes { blob($0) }
        }

        mutating func blob(_ bytes: UnsafeRawBufferPointer) {
            out.append(UInt8(ascii: "\""))
            Base64.encode(bytes, appendingTo: &out)
            out.append(UInt8(ascii: "\""))
        }

        mutating func number(_ value: Int64) { out.append(contentsOf: String(value).utf8) }

        mutating func valueHolders(_ holders: [ValueHolder]) {
            raw("[")
            for (index, holder) in holders.enumerated() {
                if index > 0 { raw(",") }
                if let binary = holder.ionBinaryBytes {
                    raw(#"{"IonBinary":"#)
                    blob(binary)
                } else {
                    raw(#"{"IonText":"#)
                    string(holder.ionText ?? "")
                }
                raw("}")
            }
            raw("]")
        }

        mutating func timing(_ timing: TimingInformation?) {
            guard let timing else { return }
            raw(#","TimingInformation":{"#)
            if let ms = timing.processingTimeMilliseconds {
                raw(#""ProcessingTimeMilliseconds":"#)
                number(ms)
            }
            raw("}")
        }

        /// A result whose only member is its timing: `{}` or `{"TimingInformation":{…}}`.
        mutating func timingOnly(_ timing: TimingInformation?) {
            guard let ms = timing?.processingTimeMilliseconds else { return raw("{}") }
            raw(#"{"TimingInformation":{"ProcessingTimeMilliseconds":"#)
            number(ms)
            raw("}}")
        }

        mutating func ios(_ usage: IOUsage?) {
            guard let usage else { return }
            raw(#","ConsumedIOs":{"#)
            var first = true
            if let read = usage.readIOs {
                raw(#""ReadIOs":"#)
                number(read)
                first = false
            }
            if let write = usage.writeIOs {
                if !first { raw(",") }
                raw(#""WriteIOs":"#)
                number(write)
            }
            raw("}")
        }

        mutating func page(_ page: Page) {
            raw(#"{"Values":"#)
            valueHolders(page.values ?? [])
            if let token = page.nextPageToken {
                raw(#","NextPageToken":"#)
                string(token)
            }
            raw("}")
        }
    }
}
