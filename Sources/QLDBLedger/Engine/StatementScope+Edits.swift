import Ion
import QLDBPartiQL

/// UPDATE, FROM … SET/REMOVE/INSERT and DELETE: the rows the FROM items and WHERE select, the
/// document each row belongs to, and the edits applied to it.
extension StatementScope {
    func update(
        from items: [FromItem], edits: [Edit], whereClause: Expression?, evaluator: Evaluator,
        reader: TransactionReader
    ) throws -> [IonValue] {
        guard case .table(let tableName) = items[0].kind else {
            throw PartiQLError(.semantic, "UPDATE, FROM and DELETE start with a table", at: items[0].position)
        }
        let table = try reader.table(named: tableName, items[0])
        let rows = try evaluator.bind(items, whereClause: whereClause, outer: Environment())
        var documentOrder: [String] = []
        var rowsByDocument: [String: [Environment]] = [:]
        var originals: [String: IonValue] = [:]
        for row in rows {
            guard let binding = row.bindings.first(where: { $0.isSource && $0.origin?.item == 0 }),
                let id = binding.origin?.documentID, let data = binding.value
            else { continue }
            if rowsByDocument[id] == nil {
                documentOrder.append(id)
                originals[id] = data
            }
            rowsByDocument[id, default: []].append(row)
        }
        var results: [IonValue] = []
        for id in documentOrder {
            let key = DocumentKey(table: table.id, document: id)
            reader.txn.reads.documents.insert(key)
            if reader.txn.baseRevisions[key] == nil, let base = reader.fetchedRevision(table: table.id, document: id) {
                reader.txn.baseRevisions[key] = base
            }
            var document = originals[id]!
            var removals: [[PathComponent]] = []
            var deleted = false
            for row in rowsByDocument[id]! {
                for edit in edits {
                    switch edit {
                    case .set(let target, let valueExpression):
                        let path = try self.path(
                            of: target, documentID: id, row: row, items: items, evaluator: evaluator)
                        let value = try evaluator.evaluate(valueExpression, in: row)
                        if path.isEmpty {
                            guard let value, value.type == .struct, !value.isNull else {
                                throw PartiQLError(
                                    .type,
                                    "SET of the whole document needs a struct, got \(value.map { "\($0.type)" } ?? "MISSING")",
                                    at: valueExpression.position)
                            }
                            document = IonValue(value.content)
                        } else {
                            try Self.set(&document, path[...], value: value)
                        }
                    case .remove(let target):
                        let path = try self.path(
                            of: target, documentID: id, row: row, items: items, evaluator: evaluator)
                        if path.isEmpty { deleted = true } else { removals.append(path) }
                    case .insert(let target, let valueExpression, let at):
                        let path = try self.path(
                            of: target, documentID: id, row: row, items: items, evaluator: evaluator)
                        guard let value = try evaluator.evaluate(valueExpression, in: row) else { continue }
                        let position =
                            try at.map { e throws(PartiQLError) in try evaluator.evaluate(e, in: row) } ?? nil
                        try Self.insertValue(value, into: &document, at: path, position: position, expression: target)
                    }
                }
            }
            // Later list positions first, so that removing one element does not move the next.
            for path in removals.sorted(by: { Self.follows($0, $1) }) { try Self.set(&document, path[...], value: nil) }
            if deleted {
                reader.txn.write(key, data: nil, isInsert: false)
            } else {
                try checkSize(document, txn: &reader.txn)
                reader.txn.write(key, data: document, isInsert: false)
            }
            results.append(["documentId": .string(id)])
        }
        try checkDocumentCount(reader.txn)
        return results
    }

    /// Whether path `a` comes after `b` when compared component by component (positions numerically).
    static func follows(_ a: [PathComponent], _ b: [PathComponent]) -> Bool {
        for (x, y) in zip(a, b) {
            switch (x, y) {
            case (.index(let i), .index(let j)) where i != j: return i > j
            case (.field(let m), .field(let n)) where m != n: return m > n
            default: continue
            }
        }
        return a.count > b.count
    }

    /// The place in document `documentID` an edit target names: a path from a FROM variable
    /// (the table's alias, or an `@alias.path AS x` item), or an unqualified field of the document.
    func path(of target: Expression, documentID: String, row: Environment, items: [FromItem], evaluator: Evaluator)
        throws -> [PathComponent]
    {
        var root = target
        var steps: [PathStep] = []
        if case .path(let base, let pathSteps) = target.kind {
            root = base
            steps = pathSteps
        }
        var components: [PathComponent]
        switch root.kind {
        case .variable(let name, let quoted, _):
            if let binding = row.binding(name, quoted: quoted), binding.isSource {
                guard let origin = binding.origin, origin.documentID == documentID else {
                    throw PartiQLError(
                        .semantic, "\(name) is not part of a document of \(items[0].alias), so it cannot be edited",
                        at: root.position)
                }
                components = origin.path
            } else {
                components = [.field(name)]
            }
        default:
            throw PartiQLError(
                .semantic, "the target of SET, REMOVE or INSERT INTO must be a path into \(items[0].alias)",
                at: target.position)
        }
        for step in steps {
            switch step {
            case .field(let name, _): components.append(.field(name))
            case .index(let e):
                guard let key = try evaluator.evaluate(e, in: row) else {
                    throw PartiQLError(.evaluation, "a path position is MISSING", at: e.position)
                }
                if let i = key.intValue {
                    components.append(.index(i))
                } else if key.type == .string || key.type == .symbol, let s = key.stringValue {
                    components.append(.field(s))
                } else {
                    throw PartiQLError(
                        .type, "a path position must be an integer or a string, got \(key.type)", at: e.position)
                }
            case .allElements, .allFields:
                throw PartiQLError(.semantic, "an edit target cannot contain a wildcard", at: target.position)
            }
        }
        return components
    }

    /// `INSERT INTO path VALUE v [AT position]`: into a list (at a position, or appended) or into a
    /// struct (at a new field name).
    static func insertValue(
        _ value: IonValue, into document: inout IonValue, at path: [PathComponent], position: IonValue?,
        expression: Expression
    ) throws {
        guard let container = get(document, path[...]) else {
            throw PartiQLError(
                .evaluation, "INSERT INTO needs a list or a struct at the path; nothing is there",
                at: expression.position)
        }
        let updated: IonValue
        switch container.content {
        case .list(var items):
            if let i = position?.intValue {
                guard i >= 0 && i <= items.count else {
                    throw PartiQLError(
                        .evaluation, "INSERT INTO position \(i) is outside the list of \(items.count)",
                        at: expression.position)
                }
                items.insert(value, at: i)
            } else {
                items.append(value)
            }
            updated = IonValue(.list(items), annotations: container.annotations)
        case .struct(var fields):
            guard let name = position?.stringValue else {
                throw PartiQLError(
                    .evaluation, "INSERT INTO a struct needs AT with the new field's name", at: expression.position)
            }
            guard fields[name] == nil else {
                throw PartiQLError(
                    .evaluation, "INSERT INTO: the field \(name) already exists", at: expression.position)
            }
            fields[name] = value
            updated = IonValue(.struct(fields), annotations: container.annotations)
        default:
            throw PartiQLError(
                .type, "INSERT INTO needs a list or a struct at the path, found \(container.type)",
                at: expression.position)
        }
        if path.isEmpty {
            document = updated
        } else {
            try set(&document, path[...], value: updated)
        }
    }
}
