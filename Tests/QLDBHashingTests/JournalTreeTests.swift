import QLDBHashing
import Testing

/// The stored-node tree gives the same roots and proofs as the whole-list functions, reading only
/// the complete nodes it says it needs, and O(log n) of them.
@Suite struct JournalTreeTests {
    static func leaves(_ count: Int) -> [QLDBHash] { (0..<count).map { QLDBHash.sha256(Array("block \($0)".utf8)) } }

    /// Every complete node of the tree of `leaves`, built the way a store builds them: one leaf
    /// at a time, each new node from a stored left child and the node made just before it.
    static func storedNodes(_ leaves: [QLDBHash]) -> [JournalTree.Position: QLDBHash] {
        var nodes: [JournalTree.Position: QLDBHash] = [:]
        for (index, leaf) in leaves.enumerated() {
            nodes[JournalTree.Position(level: 0, index: index)] = leaf
            var right = leaf
            for position in JournalTree.nodesCompleted(byLeafCount: index + 1) {
                let left = nodes[JournalTree.Position(level: position.level - 1, index: position.index * 2)]!
                right = QLDBHash.journalDot(left, right)
                nodes[position] = right
            }
        }
        return nodes
    }

    @Test(arguments: Array(1...70) + [127, 128, 129, 1000])
    func rootsAndPathsMatchTheWholeListFunctions(_ count: Int) throws {
        let leaves = Self.leaves(count)
        let nodes = Self.storedNodes(leaves)
        let needed = JournalTree.nodesForRoot(leafCount: count)
        #expect(needed.count <= 2 * 11)
        let root = JournalTree.root(leafCount: count) { needed.contains($0) ? nodes[$0] : nil }
        #expect(root == JournalHashes.merkleRoot(leaves))
        for leaf in Set([0, count / 3, count / 2, count - 1]) {
            let required = JournalTree.nodesForPath(leaf: leaf, leafCount: count)
            let path = JournalTree.path(leaf: leaf, leafCount: count) { required.contains($0) ? nodes[$0] : nil }
            #expect(path == JournalHashes.merklePath(leaves, index: leaf), "leaf \(leaf) of \(count)")
            #expect(JournalHashes.verify(revisionHash: leaves[leaf], proof: try #require(path), digest: root!))
        }
    }

    @Test func aMissingNodeIsNotGuessed() {
        #expect(JournalTree.root(leafCount: 5) { _ in nil } == nil)
        #expect(JournalTree.root(leafCount: 0) { _ in nil } == QLDBHash([]))
    }
}
