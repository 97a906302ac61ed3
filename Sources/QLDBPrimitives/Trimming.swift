extension StringProtocol {
    /// The text without the leading and trailing characters `isTrimmed` accepts, such as
    /// `line.trimmed(while: \.isWhitespace)`: what Foundation's `trimmingCharacters(in:)` does,
    /// without the Foundation that comes with it (a Lambda bootstrap links none).
    package func trimmed(while isTrimmed: (Character) -> Bool) -> String {
        guard let first = firstIndex(where: { !isTrimmed($0) }) else { return "" }
        let last = lastIndex { !isTrimmed($0) }!
        return String(self[first...last])
    }
}
