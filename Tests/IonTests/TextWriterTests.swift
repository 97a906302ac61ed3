import Ion
import Testing

/// Ion text written into the caller's buffer, and symbols quoted exactly when they must be.
@Suite struct TextWriterTests {
    static let values: [IonValue] = [1, ["name": "Ann", "tags": [.symbol("a b"), .symbol("ok")]], .symbol("null")]

    @Test func appendWritesWhatFinishReturnsAfterTheBuffersBytes() throws {
        var buffer = Array("prefix ".utf8)
        try IonTextWriter.append(Self.values, to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == #"prefix 1 {name:"Ann",tags:['a b',ok]} 'null'"#)
        for style in [IonTextWriter.Style.compact, .lines, .pretty] {
            var writer = IonTextWriter(style: style)
            for value in Self.values { try writer.write(value) }
            var appended: [UInt8] = []
            try IonTextWriter.append(Self.values, style: style, to: &appended)
            #expect(appended == (try writer.finish()), "\(style)")
        }
    }

    @Test func aReusedBufferKeepsItsStorage() throws {
        var buffer: [UInt8] = []
        try IonTextWriter.append(Self.values, to: &buffer)
        let first = buffer
        let capacity = buffer.capacity
        buffer.removeAll(keepingCapacity: true)
        try IonTextWriter.append(Self.values, to: &buffer)
        #expect(buffer == first)
        #expect(buffer.capacity == capacity)
    }

    @Test(arguments: [
        ("null", "'null'"), ("true", "'true'"), ("false", "'false'"), ("nan", "'nan'"), ("nul", "nul"),
        ("truex", "truex"), ("fals", "fals"), ("nana", "nana"), ("$12", "'$12'"), ("$ion_1_0", "'$ion_1_0'"),
        ("$x", "$x"), ("1a", "'1a'"), ("_a1", "_a1"), ("", "''"),
    ])
    func symbolsAreQuotedOnlyWhenTheyMustBe(_ text: String, _ written: String) throws {
        var buffer: [UInt8] = []
        try IonTextWriter.append([.symbol(text)], to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == written)
    }

    @Test func flushedPiecesMakeTheSameDocument() throws {
        let values = (0..<50).map { IonValue.int($0) } + Self.values
        for style in [IonTextWriter.Style.compact, .lines, .pretty] {
            var whole = IonTextWriter(style: style)
            var pieces = IonTextWriter(style: style)
            var streamed: [UInt8] = []
            for (index, value) in values.enumerated() {
                try whole.write(value)
                try pieces.write(value)
                if index % 7 == 0 { pieces.flush(into: &streamed) }
            }
            #expect(pieces.pendingByteCount < streamed.count)
            streamed += try pieces.finish()
            #expect(streamed == (try whole.finish()), "\(style)")
        }
    }

    @Test func documentsAreReadOneValueAtATime() throws {
        let binary = try IonValue.encode(binary: Self.values)
        let text = Array(try IonValue.encode(text: Self.values).utf8)
        for bytes in [binary, text] {
            var seen: [IonValue] = []
            try IonDocument.forEachValue(bytes) { seen.append($0) }
            #expect(seen == Self.values)
        }
        var before: [IonValue] = []
        let error = #expect(throws: IonError.self) {
            try IonDocument.forEachValue(Array("1 2 [3,".utf8)) { before.append($0) }
        }
        #expect(before == [1, 2])
        #expect(error?.location?.line == 1)
    }
}
