import Ion
import Testing

/// Inputs found by `scripts/fuzz.sh`, each pinned with the behaviour it now has.
@Suite struct FuzzRegressionTests {
    /// Binary fuzzing: a decimal whose exponent needs 19 digits was read from binary but its text
    /// form did not read back (the text reader capped exponents at 18 digits).
    @Test func decimalWithNineteenDigitExponentRoundTripsThroughText() throws {
        let ivm: [UInt8] = [0xE0, 0x01, 0x00, 0xEA]
        // decimal, exponent VarInt 2^62 - 1 (19 digits), coefficient 1
        let bytes = ivm + [0x5A, 0x3F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0x7F, 0xFF, 0x01]
        let values = try IonValue.decode(binary: bytes)
        #expect(values[0].decimalValue?.exponent == 0x3FFF_FFFF_FFFF_FFFF)
        let text = try IonValue.encode(text: values)
        #expect(text == "1d4611686018427387903")
        #expect(try IonValue.decode(text: text) == values)
        #expect(throws: IonError(.numericOverflow, "")) { try IonValue.decode(text: "1d9223372036854775808") }
    }
}

@Suite struct FuzzRegressionSystemSymbolTests {
    /// Binary fuzzing: `$ion_1_0` spelled with a padded symbol ID (`72 00 02`) was kept as data,
    /// then written minimally and dropped on the next read as a system value.
    @Test func topLevelIonVersionSymbolIsASystemValueHoweverSpelled() throws {
        let ivm: [UInt8] = [0xE0, 0x01, 0x00, 0xEA]
        #expect(try IonValue.decode(binary: ivm + [0x71, 0x02, 0x21, 0x01]) == [1])
        #expect(try IonValue.decode(binary: ivm + [0x72, 0x00, 0x02, 0x21, 0x01]) == [1])
        // Annotated, or inside a container, it is ordinary data.
        #expect(
            try IonValue.decode(binary: ivm + [0xE4, 0x81, 0x84, 0x71, 0x02]) == [
                IonValue(.symbol("$ion_1_0"), annotations: ["name"])
            ])
        #expect(try IonValue.decode(binary: ivm + [0xB2, 0x71, 0x02]) == [[.symbol("$ion_1_0")]])
    }
}
