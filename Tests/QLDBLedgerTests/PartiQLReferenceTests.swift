import Testing

/// Every example of QLDB's PartiQL reference, one test case each, against the DMV sample data
/// (see `PartiQLReference/`). Examples the ledger deliberately answers differently are listed in
/// `ReferenceDifferences` with the reason, and expected to differ.
@Suite struct PartiQLReferenceTests {
    @Test(arguments: ReferenceFixtures.examples("functions-aggregate"))
    func aggregateFunctions(_ example: ReferenceExample) async throws { try await run(example) }

    @Test(arguments: ReferenceFixtures.examples("functions-conditional"))
    func conditionalFunctions(_ example: ReferenceExample) async throws { try await run(example) }

    @Test(arguments: ReferenceFixtures.examples("functions-datetime"))
    func dateTimeFunctions(_ example: ReferenceExample) async throws { try await run(example) }

    @Test(arguments: ReferenceFixtures.examples("functions-formatting"))
    func formattingFunctions(_ example: ReferenceExample) async throws { try await run(example) }

    @Test(arguments: ReferenceFixtures.examples("functions-string"))
    func stringFunctions(_ example: ReferenceExample) async throws { try await run(example) }

    @Test(arguments: ReferenceFixtures.examples("functions-scalar"))
    func scalarFunctions(_ example: ReferenceExample) async throws { try await run(example) }

    @Test(arguments: ReferenceFixtures.examples("statements"))
    func statements(_ example: ReferenceExample) async throws { try await run(example) }

    @Test(arguments: ReferenceFixtures.examples("querying"))
    func queryingIon(_ example: ReferenceExample) async throws { try await run(example) }

    private func run(_ example: ReferenceExample) async throws {
        if let reason = ReferenceDifferences.reasons[example.statement] {
            await withKnownIssue(Comment(rawValue: reason)) { try await ReferenceFixtures.check(example) }
        } else {
            try await ReferenceFixtures.check(example)
        }
    }
}

/// Documented examples whose documented result this ledger does not give, each with the reason.
enum ReferenceDifferences {
    static let reasons: [String: String] = [
        "SELECT VALUE TO_STRING(`1969-07-20T20:18+08:00Z`, 'y-MM-dd''T''H:m:ssX') FROM << 0 >>":
            "The page's own literal is not an Ion timestamp (an offset followed by Z), so the statement is a syntax error.",
        "EXEC REDACT_REVISION `{strandId:\"7z2P0AyQKWD8oFYmGNhi8D\", sequenceNo:7}`, '8F0TPCmdNQ6JTRpiLj2TmW', '05K8zpGYWynDlEOK5afDRc'":
            "Redaction is parsed but not yet carried out: it belongs to the control-plane issue (journal rewrite).",
    ]
}
