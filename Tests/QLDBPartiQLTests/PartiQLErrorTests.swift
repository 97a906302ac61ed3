import Ion
import QLDBPartiQL
import Testing

/// Errors are asserted by kind and position (QLDB never documented its message texts).
@Suite struct PartiQLErrorTests {
    @Test(arguments: [
        ("SELECT VALUE FOO(1) FROM << 0 >>", PartiQLError.Kind.semantic, 1, 14),
        ("SELECT VALUE UPPER('a', 'b') FROM << 0 >>", .semantic, 1, 14),
        ("SELECT VALUE UTCNOW(1) FROM << 0 >>", .semantic, 1, 14),
        ("SELECT VALUE DATE_ADD(week, 1, `2010T`) FROM << 0 >>", .semantic, 1, 23),
        ("SELECT VALUE CAST(1 AS widget) FROM << 0 >>", .semantic, 1, 24),
        ("SELECT VALUE 1 +\n  'a' FROM << 0 >>", .type, 1, 16),
        ("SELECT VALUE CHAR_LENGTH(1) FROM << 0 >>", .type, 1, 14),
        ("SELECT VALUE 1 < 'a' FROM << 0 >>", .type, 1, 16),
        ("SELECT VALUE SIZE(12) FROM << 0 >>", .type, 1, 14),
        ("SELECT VALUE 1 / 0 FROM << 0 >>", .evaluation, 1, 16),
        ("SELECT VALUE CAST('aa' AS INT) FROM << 0 >>", .evaluation, 1, 14),
        ("SELECT x FROM << 0 >> WHERE SUM(x) > 1", .semantic, 1, 29),
        ("SELECT * FROM t ORDER BY x", .semantic, 1, 17),
        ("SELECT DISTINCT x FROM t", .semantic, 1, 8),
        ("SELECT * FROM t LEFT JOIN u ON t.a = u.a", .semantic, 1, 17),
        ("SELECT VALUE (SELECT VALUE p FROM Person AS p) FROM << 0 >>", .semantic, 1, 35),
        ("SELECT VALUE 'abc FROM << 0 >>", .syntax, 1, 14),
        ("SELECT VALUE 1 FROM << 0 >> WHERE", .syntax, 1, 34),
        ("SELECT VALUE x IS MAYBE FROM << 0 >>", .syntax, 1, 19),
        ("SELECT VALUE # FROM << 0 >>", .syntax, 1, 14),
    ])
    func kindAndPosition(_ text: String, kind: PartiQLError.Kind, line: Int, column: Int) {
        let error = failure(text)
        #expect(error?.kind == kind, "\(String(describing: error))")
        #expect(error?.position == SourcePosition(line: line, column: column), "\(String(describing: error))")
    }

    @Test func messagesNameTheFunctionAndWhatItNeeded() {
        #expect(failure("SELECT VALUE UPPER('a', 'b') FROM << 0 >>")?.reason == "UPPER takes 1 argument, got 2")
        #expect(
            failure("SELECT VALUE SUBSTRING('a') FROM << 0 >>")?.reason == "SUBSTRING takes 2 to 3 arguments, got 1")
        #expect(failure("SELECT VALUE FOO(1) FROM << 0 >>")?.reason == "FOO is not a function of QLDB's PartiQL")
        #expect(
            failure("SELECT VALUE CHAR_LENGTH(1) FROM << 0 >>")?.reason
                == "CHAR_LENGTH argument 1 must be a string, got int")
        #expect(failure("SELECT VALUE 1 + 'a' FROM << 0 >>")?.reason == "+ needs numbers, got int and string")
        #expect(
            failure("SELECT VALUE 1 FROM << 0 >> WHERE")?.description
                == "Syntax error at line 1, column 34: expected an expression, found the end of the statement")
    }

    @Test func evaluationBudgetStopsCrossJoins() throws {
        let bag = "<<" + (0..<30).map(String.init).joined(separator: ",") + ">>"
        let text = "SELECT VALUE 1 FROM \(bag) AS a, \(bag) AS b, \(bag) AS c"
        #expect(try run(text).count == 27_000)
        let rows = #expect(throws: PartiQLError.self) { try run(text, budget: EvaluationBudget(maxRows: 10_000)) }
        #expect(rows?.kind == .limit)
        #expect(rows?.reason == "the statement produced more than the limit of 10000 rows")
        // The third source is where the rows multiply past the limit.
        #expect(rows?.position == SourcePosition(line: 1, column: 2 * bag.count + 35))
        let steps = #expect(throws: PartiQLError.self) { try run(text, budget: EvaluationBudget(maxSteps: 1_000)) }
        #expect(steps?.kind == .limit)
        #expect(steps?.reason == "the statement needed more than the limit of 1000 evaluation steps")
    }
}
