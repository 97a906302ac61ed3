import Ion
import QLDBPartiQL
import Testing

/// No statement of at most 100,000 characters may overflow a 512 KB stack: the parser counts
/// nesting and refuses deeper input with a limit error naming the limit.
@Suite struct ParserLimitTests {
    /// Hostile shapes, each repeated to (nearly) 100,000 characters.
    static let hostile: [(name: String, text: String)] = {
        let n = 33_000
        return [
            (
                "parentheses",
                "SELECT VALUE " + String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n)
                    + " FROM << 0 >>"
            ),
            ("NOT chain", "SELECT VALUE " + String(repeating: "NOT ", count: 24_000) + "true FROM << 0 >>"),
            ("unary minus", "SELECT VALUE " + String(repeating: "- ", count: 49_000) + "1 FROM << 0 >>"),
            ("addition chain", "SELECT VALUE 1" + String(repeating: "+1", count: 49_000) + " FROM << 0 >>"),
            ("AND chain", "SELECT VALUE true" + String(repeating: " AND true", count: 11_000) + " FROM << 0 >>"),
            (
                "lists",
                "SELECT VALUE " + String(repeating: "[", count: n) + String(repeating: "]", count: n) + " FROM << 0 >>"
            ),
            (
                "bags",
                "SELECT VALUE " + String(repeating: "<<", count: 24_000) + String(repeating: ">>", count: 24_000)
                    + " FROM << 0 >>"
            ),
            (
                "structs",
                "SELECT VALUE " + String(repeating: "{'a':", count: 16_000) + "1"
                    + String(repeating: "}", count: 16_000)
                    + " FROM << 0 >>"
            ),
            (
                "function calls",
                "SELECT VALUE " + String(repeating: "UPPER(", count: 14_000) + "'a'"
                    + String(repeating: ")", count: 14_000) + " FROM << 0 >>"
            ),
            (
                "subqueries",
                "SELECT VALUE " + String(repeating: "(SELECT VALUE ", count: 3_500) + "1"
                    + String(repeating: " FROM << 0 >>)", count: 3_500) + " FROM << 0 >>"
            ),
            (
                "Ion literal",
                "SELECT VALUE `" + String(repeating: "[", count: n) + String(repeating: "]", count: n)
                    + "` FROM << 0 >>"
            ),
            ("path", "SELECT VALUE x" + String(repeating: ".a", count: 49_000) + " FROM << 0 >> AS x"),
            ("index path", "SELECT VALUE x" + String(repeating: "[0]", count: 33_000) + " FROM << 0 >> AS x"),
            (
                "CASE",
                "SELECT VALUE " + String(repeating: "CASE WHEN true THEN ", count: 4_000) + "1"
                    + String(repeating: " END", count: 4_000) + " FROM << 0 >>"
            ),
            ("LIKE pattern", "SELECT VALUE 'a' LIKE '" + String(repeating: "%a", count: 49_000) + "' FROM << 0 >>"),
        ]
    }()

    @Test(arguments: hostile.map(\.name))
    func hostileInputFailsWithTheLimitOrRuns(_ name: String) throws {
        let text = Self.hostile.first { $0.name == name }!.text
        #expect(text.count <= 100_000)
        let outcome = onSmallStack { () -> String in
            do throws(PartiQLError) {
                _ = try run(text)
                return "ran"
            } catch {
                return "\(error.kind):\(error.reason)"
            }
        }
        if name == "path" || name == "index path" || name == "LIKE pattern" {
            // Flat shapes: no nesting at all, so they parse and run.
            #expect(outcome == "ran")
        } else if name == "Ion literal" {
            #expect(outcome.hasPrefix("syntax:invalid Ion literal"), "\(outcome)")
            #expect(outcome.contains("deeper than 20"), "\(outcome)")
        } else {
            #expect(outcome.hasPrefix("limit:"), "\(outcome)")
            #expect(outcome.contains("limit of 40 levels"), "\(outcome)")
        }
    }

    /// Just inside the limits, every shape parses and evaluates on the small stack.
    @Test(arguments: [
        "(" as String, "NOT ", "- ", "[", "<<", "UPPER(", "1 + (", "CASE WHEN true THEN ", "{'a': ", "(SELECT VALUE ",
        "`[",
    ])
    func nestingJustInsideTheLimitRuns(_ opener: String) throws {
        func nested(_ n: Int, _ inner: String, _ closer: String) -> String {
            String(repeating: opener, count: n) + inner + String(repeating: closer, count: n)
        }
        // Levels per repetition: a subquery counts for 8 (plus its SELECT VALUE expression), an
        // operand in parentheses for 2 (the operand and the parenthesised expression).
        let expression: String
        switch opener {
        case "(", "UPPER(": expression = nested(38, opener == "(" ? "1" : "'a'", ")")
        case "NOT ": expression = nested(38, "true", "")
        case "- ": expression = nested(38, "1", "")
        case "[": expression = nested(38, "1", "]")
        case "<<": expression = nested(38, "1", ">>")
        case "1 + (": expression = nested(19, "1", ")")
        case "CASE WHEN true THEN ": expression = nested(38, "1", " END")
        case "{'a': ": expression = nested(38, "1", "}")
        case "(SELECT VALUE ": expression = nested(4, "1", " FROM << 0 >>)")
        default: expression = "`" + String(repeating: "[", count: 19) + String(repeating: "]", count: 19) + "`"
        }
        let text = "SELECT VALUE " + expression + " FROM << 0 >>"
        let outcome = onSmallStack { () -> String in
            do throws(PartiQLError) {
                return "\(try run(text).count)"
            } catch {
                return "\(error)"
            }
        }
        #expect(outcome == "1")
    }

    @Test func theLimitIsConfigurable() throws {
        let text = "SELECT VALUE ((((1)))) FROM << 0 >>"
        let error = #expect(throws: PartiQLError.self) {
            try Parser.parse(text, limits: ParserLimits(maxNestingDepth: 4))
        }
        #expect(error?.kind == .limit)
        #expect(error?.position == SourcePosition(line: 1, column: 18))
        _ = try Parser.parse(text, limits: ParserLimits(maxNestingDepth: 5))
        #expect(ParserLimits().maxNestingDepth == 40)
    }
}
