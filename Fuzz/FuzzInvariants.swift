// Checks shared by the fuzz entries: a failure stops the fuzzer with the input that caused it.
enum FuzzInvariants {
    static func checkRoundTrips(_ values: [IonValue]) {
        do {
            let binary = try IonValue.encode(binary: values)
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
