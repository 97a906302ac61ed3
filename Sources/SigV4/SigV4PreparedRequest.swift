extension SigV4Signer {
    /// A request's method, path, query and headers in canonical form, ready to be signed many
    /// times with different bodies.
    ///
    /// A client that sends the same kind of request again and again (QLDB's transport sends every
    /// command as the same `POST /` with a new body) prepares it once with
    /// ``SigV4Signer/prepare(method:path:query:headers:)``; each signature then copies the
    /// canonical text instead of lowercasing, sorting and folding the headers again. The signature
    /// is the one ``SigV4Signer/sign(_:credentials:date:)`` gives the whole request.
    ///
    /// ```swift
    /// let prepared = signer.prepare(method: "POST", path: "/", headers: [("Host", host), ("X-Amz-Target", target)])
    /// let signed = signer.sign(prepared, payload: .bytes(body), credentials: credentials)
    /// ```
    public struct PreparedRequest: Sendable {
        /// The method, such as `POST`.
        public let method: String
        /// The path as sent.
        public let path: String
        /// The query as sent, without `?`.
        public let query: String
        /// The headers as sent, in order.
        public let headers: [(name: String, value: String)]
        /// Whether the path was normalised: a prepared request belongs to signers with this option.
        let normalizedPath: Bool
        /// `METHOD\nURI\nQUERY\n`.
        let head: [UInt8]
        /// `name:value\n` for every distinct header name, in canonical order (`SigV4Canonical.headers`).
        let canonicalHeaders: [UInt8]
        /// Where each line of `canonicalHeaders` starts, and one more offset for its end.
        let lineStarts: [Int]
        /// The names of `canonicalHeaders`, each followed by `;`.
        let names: [UInt8]
        /// Where each name starts in `names`, and one more offset: the end of `names`.
        let nameStarts: [Int]
        /// For each header the signer may add (by ``AddedHeader`` raw value), where it goes among
        /// the request's own headers: the line it precedes or, when the request already has that
        /// name, the line it joins.
        let placements: [Placement]

        /// Where an added header goes.
        struct Placement: Sendable {
            /// The index of the line it precedes or joins.
            var line: Int
            /// Whether the request already has a header of this name: the value is then joined to
            /// that line with `,` (the request's own values were sent first).
            var joins: Bool
        }
    }

    /// A header the signer adds, in canonical order.
    enum AddedHeader: Int, Sendable, CaseIterable {
        case contentSHA256, date, securityToken

        /// The lowercased name (a literal: no allocation).
        var canonicalName: String {
            switch self {
            case .contentSHA256: "x-amz-content-sha256"
            case .date: "x-amz-date"
            case .securityToken: "x-amz-security-token"
            }
        }

        /// The name as sent.
        var sentName: String {
            switch self {
            case .contentSHA256: "x-amz-content-sha256"
            case .date: "X-Amz-Date"
            case .securityToken: "X-Amz-Security-Token"
            }
        }
    }

    /// Canonicalises a request's fixed parts once, for ``sign(_:payload:credentials:date:)``.
    public func prepare(
        method: String, path: String, query: String = "", headers: [(name: String, value: String)]
    ) -> PreparedRequest {
        var head = Array(method.utf8)
        head.append(0x0A)
        head += SigV4Canonical.uri(path, normalize: options.normalizePath).utf8
        head.append(0x0A)
        head += SigV4Canonical.query(query).utf8
        head.append(0x0A)

        // The same canonical block and signed list whole-request verification builds: lines end
        // in a newline (values are folded, so only there), names are HTTP tokens without `;`.
        let (block, signed) = SigV4Canonical.headers(headers)
        let canonicalHeaders = Array(block.utf8)
        var lineStarts = [0]
        for (offset, byte) in canonicalHeaders.enumerated() where byte == 0x0A { lineStarts.append(offset + 1) }
        let lineNames = signed.split(separator: ";").map(String.init)
        var names: [UInt8] = []
        var nameStarts: [Int] = []
        for name in lineNames {
            nameStarts.append(names.count)
            names += name.utf8
            names.append(UInt8(ascii: ";"))
        }
        nameStarts.append(names.count)

        // In the order `SigV4Canonical.headers` sorts names.
        let placements = AddedHeader.allCases.map { added in
            let line = lineNames.firstIndex { !($0 < added.canonicalName) } ?? lineNames.count
            return PreparedRequest.Placement(
                line: line, joins: line < lineNames.count && lineNames[line] == added.canonicalName)
        }
        return PreparedRequest(
            method: method, path: path, query: query, headers: headers, normalizedPath: options.normalizePath,
            head: head,
            canonicalHeaders: canonicalHeaders, lineStarts: lineStarts, names: names, nameStarts: nameStarts,
            placements: placements)
    }
}
