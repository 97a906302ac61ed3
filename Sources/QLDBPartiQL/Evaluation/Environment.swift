import Ion

/// A place inside a stored document: field names and list positions from its root.
package enum PathComponent: Sendable, Hashable {
    case field(String)
    case index(Int)
}

/// Where a FROM variable's value lives in a table, so that `FROM … SET`/`REMOVE` can edit it:
/// the document and the path to the value (empty for the document itself).
package struct Origin: Sendable, Hashable {
    /// The index of the FROM item that read the document.
    package var item: Int
    package var documentID: String
    package var path: [PathComponent]
}

/// The variables in scope while an expression is evaluated: FROM aliases, AT and BY variables,
/// the variables of enclosing queries; `nil` values stand for MISSING.
package struct Environment: Sendable {
    package struct Binding: Sendable {
        package var name: String
        package var value: IonValue?
        package var origin: Origin?
        /// Whether unqualified names may be looked up as fields of this value (FROM aliases).
        package var isSource: Bool
    }

    package var bindings: [Binding] = []
    /// The results of a query's aggregates, once computed (by slot).
    var aggregates: [IonValue?] = []

    package init() {}

    package mutating func bind(_ name: String, _ value: IonValue?, origin: Origin? = nil, isSource: Bool = false) {
        bindings.append(Binding(name: name, value: value, origin: origin, isSource: isSource))
    }

    /// The innermost binding of `name`; unquoted names match case-insensitively when nothing
    /// matches exactly.
    package func binding(_ name: String, quoted: Bool) -> Binding? {
        if let hit = bindings.last(where: { $0.name == name }) { return hit }
        guard !quoted else { return nil }
        let lowered = name.lowercased()
        return bindings.last(where: { $0.name.lowercased() == lowered })
    }

    /// The value of a name: a variable, or else a field of the nearest FROM source that has it.
    func lookup(_ name: String, quoted: Bool, scopeOnly: Bool) -> IonValue? {
        if let hit = binding(name, quoted: quoted) { return hit.value }
        guard !scopeOnly else { return nil }
        for binding in bindings.reversed() where binding.isSource {
            if let fields = binding.value?.structValue, let field = fields[name] { return field }
        }
        return nil
    }
}
