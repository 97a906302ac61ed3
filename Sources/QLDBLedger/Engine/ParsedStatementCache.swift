import QLDBPartiQL
import Synchronization

/// Statements a ledger parsed before, by their text. Applications send the same few statements
/// again and again with other parameters (QLDB's drivers bind values, they do not splice them
/// into the text), so each text is parsed once: parsing took 7.6 % of an in-process licence
/// create's CPU (`docs/performance.md`). Only statements that parse are kept; a statement's
/// parse depends on nothing but its text and the ledger's limits, which do not change.
///
/// Bounded: up to `capacity` statements of at most `maxCharacters` UTF-8 bytes each, all
/// forgotten when it is full (a working set that large is not the repetition this is for).
final class ParsedStatementCache: Sendable {
    let limits: ParserLimits
    let capacity: Int
    let maxCharacters: Int
    private let entries = Mutex<[String: ParsedStatement]>([:])

    init(limits: ParserLimits, capacity: Int = 256, maxCharacters: Int = 4096) {
        self.limits = limits
        self.capacity = capacity
        self.maxCharacters = maxCharacters
    }

    /// `text` parsed, from the cache when it was parsed before.
    func parse(_ text: String) throws(PartiQLError) -> ParsedStatement {
        if let parsed = entries.withLock({ $0[text] }) { return parsed }
        let parsed = try Parser.parse(text, limits: limits)
        guard text.utf8.count <= maxCharacters else { return parsed }
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[text] = parsed
        }
        return parsed
    }

    /// How many statements are kept.
    var count: Int { entries.withLock { $0.count } }
}
