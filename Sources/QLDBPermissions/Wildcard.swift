/// IAM's wildcard matching: `*` matches any run of characters (none included), `?` exactly one;
/// everything else matches itself, case-sensitively unless asked otherwise (actions are matched
/// without case, ARNs with it).
enum Wildcard {
    static func matches(_ pattern: String, _ value: String, ignoringCase: Bool = false) -> Bool {
        let p = Array((ignoringCase ? pattern.lowercased() : pattern).unicodeScalars)
        let v = Array((ignoringCase ? value.lowercased() : value).unicodeScalars)
        // Greedy with backtracking to the last `*`: linear in practice, never exponential.
        var i = 0
        var j = 0
        var star = -1
        var resume = 0
        while j < v.count {
            if i < p.count, p[i] == "?" || p[i] == v[j] {
                i += 1
                j += 1
            } else if i < p.count, p[i] == "*" {
                star = i
                resume = j
                i += 1
            } else if star >= 0 {
                i = star + 1
                resume += 1
                j = resume
            } else {
                return false
            }
        }
        while i < p.count, p[i] == "*" { i += 1 }
        return i == p.count
    }
}
