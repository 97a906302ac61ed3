import Ion
import QLDBPartiQL
import Testing

/// Expression semantics not covered by the reference's own examples.
@Suite struct ExpressionTests {
    @Test(arguments: [
        ("'a%c' LIKE 'a!%c' ESCAPE '!'", IonValue.bool(true)),
        ("'abc' LIKE 'a!%c' ESCAPE '!'", .bool(false)),
        ("'aXbXc' LIKE 'a%b_c'", .bool(true)),
        ("'' LIKE '%'", .bool(true)),
        ("CASE WHEN 1 > 2 THEN 'a' WHEN 2 > 1 THEN 'b' END", .string("b")),
        ("CASE 3 WHEN 1 THEN 'one' ELSE 'other' END", .string("other")),
        ("CASE WHEN false THEN 1 END", .null),
        ("1 + 1.50", .decimal(IonDecimal(250, fractionDigits: 2))),
        ("7 / 2", .int(3)),
        ("7.0 / 2", .decimal(IonDecimal(35, fractionDigits: 1))),
        ("1 / 3.0", ion("0." + String(repeating: "3", count: 34))),
        ("2 / 3.0", ion("0." + String(repeating: "6", count: 33) + "7")),
        ("1e0 + 1", .float(2)),
        ("-(2)", .int(-2)),
        ("-(0.0 * 1.0)", ion("-0.00")),
        ("-(1.50 - 0.25)", ion("-1.25")),
        ("1 = 1.0", .bool(true)),
        ("'a' = `a`", .bool(true)),
        ("`2020T` = `2020-01-01T00:00Z`", .bool(true)),
        ("NULL = 1", .null),
        ("NOT NULL", .null),
        ("false AND NULL", .bool(false)),
        ("true OR MISSING", .bool(true)),
        ("2 IN (1, NULL)", .null),
        ("2 IN [1, 2]", .bool(true)),
        ("3 BETWEEN 1 AND 3", .bool(true)),
        ("'ab' || 'c'", .string("abc")),
        ("[1, MISSING, 2]", ion("[1, 2]")),
        ("{'a': MISSING, 'b': 1}", ion("{b: 1}")),
        ("SIZE(<<1, 2>>)", .int(2)),
    ])
    func evaluates(_ expression: String, _ expected: IonValue) throws {
        #expect(try value(expression) == expected)
    }

    @Test func valueIsUsableAsAFieldName() throws {
        #expect(try run("SELECT VALUE value FROM << {'value': 3} >>") == [3])
        #expect(try run("SELECT c.value AS v FROM << {'value': 3} >> AS c") == [["v": 3]])
    }

    @Test func missingResultsAreLeftOut() throws {
        #expect(try run("SELECT VALUE x.nope FROM << {'a': 1} >> AS x").isEmpty)
        #expect(try run("SELECT x.nope, x.a FROM << {'a': 1} >> AS x") == [["a": 1]])
    }

    @Test func aggregatesOverAnEmptyInput() throws {
        #expect(
            try run(
                "SELECT COUNT(*) AS n, COUNT(x.a) AS c, SUM(x.a) AS s, AVG(x.a) AS a, MIN(x.a) AS m FROM << >> AS x")
                == [["n": 0, "c": 0, "s": .null, "a": .null, "m": .null]])
        #expect(try run("SELECT MAX(x) AS m FROM << 1, 3, 2.5 >> AS x") == [["m": 3]])
        let mixed = failure("SELECT MAX(x) AS m FROM << 1, `2020T` >> AS x")
        #expect(mixed?.kind == .type)
        #expect(mixed?.reason == "MAX cannot compare timestamp with int")
    }
}

/// The value of Ion text (the expected results written as Ion).
func ion(_ text: String) -> IonValue {
    guard let value = try? IonValue.decode(text: text).first else { fatalError("not Ion: \(text)") }
    return value
}
