import IonHash
import Testing

/// The SHA-256 hasher gathers small updates into blocks before passing them on: however the
/// input is cut, the digest is the FIPS 180-2 one.
struct SHA256HasherTests {
    static let vectors: [(message: String, digest: String)] = [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ]

    @Test(arguments: [[1], [2, 3], [63, 1], [64], [65], [1, 62, 2, 47], [7, 64, 1]])
    func digestsDoNotDependOnHowTheInputIsCut(_ pieces: [Int]) {
        for (message, expected) in Self.vectors {
            let bytes = Array(message.utf8)
            var hasher = SHA256IonHash().makeHasher()
            var offset = 0
            var piece = 0
            while offset < bytes.count {
                let size = min(pieces[piece % pieces.count], bytes.count - offset)
                bytes[offset..<offset + size].withUnsafeBytes { hasher.update($0) }
                offset += size
                piece += 1
            }
            let digest = hasher.finalize().map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
            #expect(digest == expected, "\(message.count) bytes in pieces of \(pieces)")
        }
    }
}
