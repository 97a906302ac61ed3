import Ion

/// Ties a result to its cursor in the transaction; the transaction buffers a result before
/// commit only while somebody still holds its handle.
final class ResultHandle: Sendable {
    let id: Int
    let transaction: QLDBTransaction

    init(id: Int, transaction: QLDBTransaction) {
        self.id = id
        self.transaction = transaction
    }
}

/// The values a statement returned, as an `AsyncSequence` of Ion values.
///
/// Pages after the first are fetched as iteration reaches them. A result still held when the
/// execute closure returns is read to the end before the commit, so it can be returned from the
/// closure and iterated afterwards. A result can be iterated more than once only for the values
/// not yet consumed: each value is delivered once.
public struct QLDBResult: AsyncSequence, Sendable {
    public typealias Element = IonValue

    let handle: ResultHandle

    /// Iterates the values, fetching pages on demand.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let handle: ResultHandle
        var chunk: [IonValue] = []
        var index = 0

        /// The next value, or `nil` after the last.
        public mutating func next() async throws -> IonValue? {
            if index < chunk.count {
                defer { index += 1 }
                return chunk[index]
            }
            guard let next = try await handle.transaction.nextChunk(handle.id) else { return nil }
            chunk = next
            index = 1
            return chunk[0]
        }
    }

    /// Starts iterating.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(handle: handle) }

    /// Reads the remaining values into an array.
    public func collect() async throws -> [IonValue] {
        try await handle.transaction.remainingValues(handle.id)
    }

    /// Reads the remaining values, decoding each as `T` with `IonDecoder`.
    public func decode<T: Decodable>(_ type: T.Type, decoder: IonDecoder = IonDecoder()) async throws -> [T] {
        var values: [T] = []
        for try await value in self { values.append(try decoder.decode(T.self, from: value)) }
        return values
    }

    /// Read and write I/Os and server time of this statement: its execute and every page fetched so far.
    public var stats: ExecutionStats {
        get async { await handle.transaction.stats(of: handle.id) }
    }
}
