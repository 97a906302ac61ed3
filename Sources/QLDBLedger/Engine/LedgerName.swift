/// Ledger names as QLDB accepts them: 1 to 32 ASCII letters, digits and hyphens, not all digits,
/// not starting or ending with a hyphen, no two hyphens in a row (the `LedgerName` pattern of the
/// QLDB API). A name is also a journal's file name, so no other name can leave the data directory.
public enum LedgerName {
    /// Why `name` is not a ledger name, or `nil` when it is one.
    public static func problem(with name: String) -> String? {
        let bytes = Array(name.utf8)
        guard (1...32).contains(bytes.count) else {
            return "a ledger name has 1 to 32 characters; '\(name)' has \(name.count)"
        }
        let isDigit = { (b: UInt8) in b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        let isLetter = { (b: UInt8) in (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") }
        let hyphen = UInt8(ascii: "-")
        for (i, b) in bytes.enumerated() {
            guard isDigit(b) || isLetter(b) || b == hyphen else {
                return
                    "a ledger name has only letters, digits and hyphens; '\(name)' has '\(Character(Unicode.Scalar(b)))'"
            }
            if b == hyphen && i > 0 && bytes[i - 1] == hyphen {
                return "a ledger name has no two hyphens in a row: '\(name)'"
            }
        }
        if bytes.first == hyphen || bytes.last == hyphen {
            return "a ledger name does not start or end with a hyphen: '\(name)'"
        }
        if bytes.allSatisfy(isDigit) { return "a ledger name is not all digits: '\(name)'" }
        return nil
    }

    /// Throws `BadRequestException` (as QLDB's API answers) naming the problem.
    public static func validate(_ name: String) throws(LedgerError) {
        if let problem = problem(with: name) { throw LedgerError.badRequest("Invalid ledger name: \(problem)") }
    }
}
