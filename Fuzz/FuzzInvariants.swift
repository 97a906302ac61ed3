// Checks shared by the fuzz entries: a failure stops the fuzzer with the input that caused it.
enum FuzzInvariants {
    static func checkRoundTrips(_ values: [IonValue]) {
        do {
            let binary = try IonValue.encode(binary: values)
            // Whole values are measured and written in two passes; the streaming writer must agree
            // byte for byte (unless the values need shared-table imports, which only it declares).
            var writer = IonBinaryWriter()
            var streamed = true
            do {
                for value in values { try writer.write(value) }
            } catch {
                streamed = false
            }
            if streamed, try writer.finish() != binary {
                fatalError("whole-value encoding differs from the streaming writer's for \(values)")
            }
            let fromBinary = try IonValue.decode(binary: binary)
            if fromBinary != values { fatalError("binary round trip changed \(values) into \(fromBinary)") }
            let text = try IonValue.encode(text: values, style: .compact)
            let fromText = try IonValue.decode(text: Array(text.utf8))
            if fromText != values { fatalError("text round trip changed \(values) into \(fromText) via \(text)") }
        } catch {
            fatalError("values that were read could not be written back: \(error)")
        }
    }
}
