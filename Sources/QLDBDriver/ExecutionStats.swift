/// I/O and server time consumed, summed over commands.
public struct ExecutionStats: Sendable, Hashable {
    /// Read I/O requests.
    public var readIOs: Int64 = 0
    /// Write I/O requests.
    public var writeIOs: Int64 = 0
    /// Server processing time in milliseconds.
    public var processingTimeMilliseconds: Int64 = 0

    /// Zero.
    public init() {}

    /// Creates stats from explicit values.
    public init(readIOs: Int64, writeIOs: Int64, processingTimeMilliseconds: Int64) {
        self.readIOs = readIOs
        self.writeIOs = writeIOs
        self.processingTimeMilliseconds = processingTimeMilliseconds
    }

    mutating func add(ios: IOUsageSnapshot?, timeMilliseconds: Int64?) {
        readIOs += ios?.read ?? 0
        writeIOs += ios?.write ?? 0
        processingTimeMilliseconds += timeMilliseconds ?? 0
    }

    mutating func add(_ other: ExecutionStats) {
        readIOs += other.readIOs
        writeIOs += other.writeIOs
        processingTimeMilliseconds += other.processingTimeMilliseconds
    }
}

struct IOUsageSnapshot {
    var read: Int64
    var write: Int64
}
