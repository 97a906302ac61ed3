/// A compiled LIKE pattern: `%` matches any run of characters, `_` exactly one, an escape
/// character makes the next one literal.
///
/// Matching is iterative (greedy with one backtrack point per `%`), so it takes O(text × pattern)
/// time and constant stack whatever the lengths.
struct LikePattern {
    enum Element: Equatable {
        case literal(Unicode.Scalar)
        case any
        case anyRun
    }

    let elements: [Element]

    /// `nil` when the pattern ends with a lone escape character.
    init?(_ pattern: String, escape: Unicode.Scalar?) {
        var elements: [Element] = []
        var escaping = false
        for c in pattern.unicodeScalars {
            if escaping {
                elements.append(.literal(c))
                escaping = false
            } else if c == escape {
                escaping = true
            } else if c == "%" {
                if elements.last != .anyRun { elements.append(.anyRun) }
            } else if c == "_" {
                elements.append(.any)
            } else {
                elements.append(.literal(c))
            }
        }
        if escaping { return nil }
        self.elements = elements
    }

    func matches(_ text: String) -> Bool {
        let t = Array(text.unicodeScalars)
        var i = 0
        var j = 0
        var starJ = -1
        var starI = 0
        while i < t.count {
            if j < elements.count {
                switch elements[j] {
                case .anyRun:
                    starJ = j
                    starI = i
                    j += 1
                    continue
                case .any:
                    i += 1
                    j += 1
                    continue
                case .literal(let c) where c == t[i]:
                    i += 1
                    j += 1
                    continue
                default: break
                }
            }
            guard starJ >= 0 else { return false }
            starI += 1
            i = starI
            j = starJ + 1
        }
        while j < elements.count, elements[j] == .anyRun { j += 1 }
        return j == elements.count
    }
}
