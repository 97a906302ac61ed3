/// The Merkle tree over a journal's block hashes (``JournalHashes/merkleRoot(_:)``'s tree) as a
/// store keeps it: the nodes of complete subtrees, which never change once the journal has grown
/// past them, so that a digest or a proof reads O(log n) nodes instead of every block hash.
///
/// A node at `level` L and `index` i covers the leaves (block hashes) `i·2^L ..< (i+1)·2^L`;
/// level 0 is the leaves themselves. In a tree of n leaves, a node whose leaves all exist is
/// complete; on the right edge a node covers fewer: it is `dot` of its children when its right
/// child has a leaf, else its left child carried up. That is exactly the "pair neighbours, carry
/// an odd last hash up" rule of ``JournalHashes/merkleRoot(_:)``.
public enum JournalTree {
    /// Where a node is.
    public struct Position: Hashable, Sendable, CustomStringConvertible {
        /// 0 for a leaf.
        public var level: Int
        public var index: Int

        /// Creates a position.
        public init(level: Int, index: Int) {
            self.level = level
            self.index = index
        }

        public var description: String { "(\(level), \(index))" }

        /// Whether all its leaves are among the first `leafCount`.
        func isComplete(leafCount: Int) -> Bool { (index + 1) << level <= leafCount }
        /// Whether any of its leaves is among the first `leafCount`.
        func exists(leafCount: Int) -> Bool { index << level < leafCount }
        /// The number of leaves at which it becomes complete: the sequence number of the block
        /// whose addition completes it (its own, for a leaf).
        public var completedAtLeafCount: Int { (index + 1) << level }
        var left: Position { Position(level: level - 1, index: index * 2) }
        var right: Position { Position(level: level - 1, index: index * 2 + 1) }
    }

    /// The nodes (above the leaves) that become complete when leaf `leafCount - 1` is added,
    /// lowest first: each is `dot` of its two children, the left one stored before, the right
    /// one the node before it in this list (or the new leaf).
    public static func nodesCompleted(byLeafCount leafCount: Int) -> [Position] {
        var positions: [Position] = []
        var level = 1
        while leafCount % (1 << level) == 0 {
            positions.append(Position(level: level, index: leafCount >> level - 1))
            level += 1
        }
        return positions
    }

    /// The left children of ``nodesCompleted(byLeafCount:)``'s nodes: what a store reads to make
    /// them (each stored earlier; a level-0 child is a block hash).
    public static func leftChildren(ofNodesCompletedByLeafCount leafCount: Int) -> [Position] {
        nodesCompleted(byLeafCount: leafCount).map(\.left)
    }

    /// The nodes completed by adding leaf `leafCount - 1` (hash `leaf`), with their hashes, lowest
    /// first: each is `dot` of its stored left child, which `left` gives, and the node made just
    /// before it (or the new leaf).
    public static func completedNodes(
        byLeafCount leafCount: Int, leaf: QLDBHash, left: (Position) throws -> QLDBHash
    ) rethrows -> [(position: Position, hash: QLDBHash)] {
        var made: [(position: Position, hash: QLDBHash)] = []
        var right = leaf
        for position in nodesCompleted(byLeafCount: leafCount) {
            right = QLDBHash.journalDot(try left(position.left), right)
            made.append((position, right))
        }
        return made
    }

    /// The height of the tree over `leafCount` leaves: its root's level.
    static func height(_ leafCount: Int) -> Int {
        var level = 0
        while (1 << level) < leafCount { level += 1 }
        return level
    }

    /// The complete nodes ``root(leafCount:node:)`` reads for a tree of `leafCount` leaves.
    public static func nodesForRoot(leafCount: Int) -> Set<Position> {
        guard leafCount > 0 else { return [] }
        var needed = Set<Position>()
        collect(Position(level: height(leafCount), index: 0), leafCount, into: &needed)
        return needed
    }

    /// The complete nodes ``path(leaf:leafCount:node:)`` reads.
    public static func nodesForPath(leaf: Int, leafCount: Int) -> Set<Position> {
        var needed = Set<Position>()
        for sibling in siblings(leaf: leaf, leafCount: leafCount) { collect(sibling, leafCount, into: &needed) }
        return needed
    }

    /// The root of the tree of `leafCount` leaves, from its complete nodes; the empty hash for
    /// none, as ``JournalHashes/merkleRoot(_:)``.
    public static func root(leafCount: Int, node: (Position) -> QLDBHash?) -> QLDBHash? {
        guard leafCount > 0 else { return QLDBHash([]) }
        return value(Position(level: height(leafCount), index: 0), leafCount, node)
    }

    /// The proof of leaf `leaf` in the tree of `leafCount` leaves: what
    /// ``JournalHashes/merklePath(_:index:)`` gives for the same leaves.
    public static func path(leaf: Int, leafCount: Int, node: (Position) -> QLDBHash?) -> [QLDBHash]? {
        var path: [QLDBHash] = []
        for sibling in siblings(leaf: leaf, leafCount: leafCount) {
            guard let hash = value(sibling, leafCount, node) else { return nil }
            path.append(hash)
        }
        return path
    }

    /// The siblings on the way from a leaf to the root that exist (a node with no sibling is
    /// carried up and adds nothing), lowest first.
    static func siblings(leaf: Int, leafCount: Int) -> [Position] {
        var result: [Position] = []
        var position = Position(level: 0, index: leaf)
        for _ in 0..<height(leafCount) {
            let sibling = Position(level: position.level, index: position.index ^ 1)
            if sibling.exists(leafCount: leafCount) { result.append(sibling) }
            position = Position(level: position.level + 1, index: position.index / 2)
        }
        return result
    }

    private static func collect(_ position: Position, _ leafCount: Int, into needed: inout Set<Position>) {
        if position.isComplete(leafCount: leafCount) {
            needed.insert(position)
            return
        }
        collect(position.left, leafCount, into: &needed)
        if position.right.exists(leafCount: leafCount) { collect(position.right, leafCount, into: &needed) }
    }

    private static func value(_ position: Position, _ leafCount: Int, _ node: (Position) -> QLDBHash?) -> QLDBHash? {
        if position.isComplete(leafCount: leafCount) { return node(position) }
        guard let left = value(position.left, leafCount, node) else { return nil }
        guard position.right.exists(leafCount: leafCount) else { return left }
        guard let right = value(position.right, leafCount, node) else { return nil }
        return QLDBHash.journalDot(left, right)
    }
}
