/// Ion equivalence, as the Ion 1.0 specification defines it.
///
/// | Aspect | Rule |
/// |---|---|
/// | type, annotations | same type; same annotation texts in the same order |
/// | nulls | equal only when the null type is the same |
/// | float | bit for bit, except that all NaNs are equal (`0e0` ≠ `-0e0`) |
/// | decimal | same coefficient, exponent and sign of zero (`1.0` ≠ `1.00`) |
/// | timestamp | same instant, precision, fractional precision and offset (`Z` ≠ `-00:00`) |
/// | symbol | by text; unknown text by import location, all others equal to `$0` |
/// | struct | multiset of (name, value) fields: order does not count, duplicates do |
extension IonValue: Equatable, Hashable {
    public static func == (lhs: IonValue, rhs: IonValue) -> Bool { lhs.isEquivalent(to: rhs) }

    /// Whether two values are equivalent under the Ion data model (the same as `==`).
    public func isEquivalent(to other: IonValue) -> Bool {
        annotations == other.annotations && content.isEquivalent(to: other.content)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(annotations)
        content.hashForEquivalence(into: &hasher)
    }
}

extension IonValue.Content {
    func isEquivalent(to other: IonValue.Content) -> Bool {
        switch (self, other) {
        case (.null(let a), .null(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.float(let a), .float(let b)): return a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN)
        case (.decimal(let a), .decimal(let b)): return a == b
        case (.timestamp(let a), .timestamp(let b)): return a == b
        case (.symbol(let a), .symbol(let b)): return a == b
        case (.string(let a), .string(let b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.clob(let a), .clob(let b)), (.blob(let a), .blob(let b)): return a == b
        case (.list(let a), .list(let b)), (.sexp(let a), .sexp(let b)): return a == b
        case (.struct(let a), .struct(let b)): return a.isEquivalent(to: b)
        default: return false
        }
    }

    func hashForEquivalence(into hasher: inout Hasher) {
        switch self {
        case .null(let t):
            hasher.combine(0 as UInt8)
            hasher.combine(t)
        case .bool(let v): hasher.combine(v)
        case .int(let v): hasher.combine(v)
        case .float(let v): hasher.combine(v.isNaN ? Double.nan.bitPattern : v.bitPattern)
        case .decimal(let v): hasher.combine(v)
        case .timestamp(let v): hasher.combine(v)
        case .symbol(let v): hasher.combine(v)
        case .string(let v):
            // Equivalent strings have the same scalars, so the same UTF-8: hashing the bytes
            // agrees with `isEquivalent` without making an array of scalars. The 0xFF that ends
            // them (never a UTF-8 byte) keeps "ab", "c" and "a", "bc" in a list apart.
            var text = v
            text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            hasher.combine(0xFF as UInt8)
        case .clob(let v), .blob(let v): hasher.combine(v)
        case .list(let v), .sexp(let v): hasher.combine(v)
        case .struct(let s):
            // Field order does not count, so combine the fields' hashes commutatively.
            var sum = 0
            for field in s.fields {
                var h = Hasher()
                h.combine(field.name)
                h.combine(field.value)
                sum = sum &+ h.finalize()
            }
            hasher.combine(sum)
        }
    }
}

extension IonStruct {
    /// Whether two structs hold the same multiset of (name, value) fields.
    public func isEquivalent(to other: IonStruct) -> Bool {
        guard fields.count == other.fields.count else { return false }
        var unmatched = Array(other.fields.indices)
        // Equivalence is transitive, so taking the first equivalent partner never blocks a later match.
        for field in fields {
            guard
                let k = unmatched.firstIndex(where: {
                    let candidate = other.fields[$0]
                    return candidate.name == field.name && candidate.value == field.value
                })
            else { return false }
            unmatched.swapAt(k, unmatched.count - 1)
            unmatched.removeLast()
        }
        return true
    }
}
