// swift-format-ignore-file: NeverUseForceTry

// Benchmark set-up on generated data: a failure there is a broken benchmark, and a trap says so.
import Foundation
import Ion

/// A deterministic generator of licence documents, the workload of every benchmark here.
///
/// Each document is shaped like the licence service's records:
/// `{licenceId: UUID string, name, email, telephone: strings, penaltyPoints: int 0...12,
/// postcode: string, events: [{eventName, eventDate: timestamp with milliseconds, offset Z or
/// +01:00} × 2], amount: decimal with 2 fractional digits}`, about 200 bytes in Ion binary.
public enum LicenceDataset {
    /// SplitMix64: small, fast and the same on every platform.
    public struct Generator: RandomNumberGenerator {
        var state: UInt64
        public init(seed: UInt64) { state = seed }
        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let firstNames = ["Alice", "Bob", "Carol", "David", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy"]
    static let lastNames = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies"]
    static let eventNames = ["LicenceCreated", "PenaltyPointsAdded", "ContactUpdated", "PenaltyPointsRemoved"]

    /// `count` licence documents as Ion values, the same for the same seed.
    public static func documents(count: Int, seed: UInt64 = 42) -> [IonValue] {
        var rng = Generator(seed: seed)
        return (0..<count).map { _ in document(&rng) }
    }

    /// The typed form of one document, for Codable benchmarks.
    public struct Licence: Codable, Sendable, Equatable {
        public struct Event: Codable, Sendable, Equatable {
            public var eventName: String
            public var eventDate: IonTimestamp
        }
        public var licenceId: String
        public var name: String
        public var email: String
        public var telephone: String
        public var penaltyPoints: Int
        public var postcode: String
        public var events: [Event]
        public var amount: IonDecimal
    }

    /// `count` licences as Swift values, equal to ``documents(count:seed:)`` decoded.
    public static func licences(count: Int, seed: UInt64 = 42) throws -> [Licence] {
        try documents(count: count, seed: seed).map { try IonDecoder().decode(Licence.self, from: $0) }
    }

    static func document(_ rng: inout Generator) -> IonValue {
        let first = firstNames.randomElement(using: &rng)!
        let last = lastNames.randomElement(using: &rng)!
        let hex = (0..<32).map { _ in String(rng.next() % 16, radix: 16) }.joined()
        let chars = Array(hex)
        let uuid = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(chars[$0]) }.joined(separator: "-")
        let postcodeLetters = Array("ABCDEFGHJKLMNPRSTUWXYZ")
        let postcode =
            "\(postcodeLetters.randomElement(using: &rng)!)\(postcodeLetters.randomElement(using: &rng)!)\(Int.random(in: 1...99, using: &rng)) \(Int.random(in: 1...9, using: &rng))\(postcodeLetters.randomElement(using: &rng)!)\(postcodeLetters.randomElement(using: &rng)!)"
        var events: [IonValue] = []
        for _ in 0..<2 {
            let millis = Int64.random(in: 1_500_000_000_000...1_750_000_000_000, using: &rng)
            let offset = Bool.random(using: &rng) ? 0 : 60
            events.append([
                "eventName": .string(eventNames.randomElement(using: &rng)!),
                "eventDate": .timestamp(timestamp(millis: millis, offsetMinutes: offset)),
            ])
        }
        return [
            "licenceId": .string(uuid),
            "name": .string("\(first) \(last)"),
            "email": .string(
                "\(first.lowercased()).\(last.lowercased())\(Int.random(in: 1...999, using: &rng))@example.com"),
            "telephone": .string("07700 \(Int.random(in: 900_000...900_999, using: &rng))"),
            "penaltyPoints": .int(Int.random(in: 0...12, using: &rng)),
            "postcode": .string(postcode),
            "events": .list(events),
            "amount": .decimal(IonDecimal(Int64.random(in: 0...99_999, using: &rng), fractionDigits: 2)),
        ]
    }

    static func timestamp(millis: Int64, offsetMinutes: Int) -> IonTimestamp {
        let utc = try! IonTimestamp(Date(timeIntervalSince1970: Double(millis) / 1000))
        return try! IonTimestamp(
            utcYear: utc.year, month: utc.month, day: utc.day, hour: utc.hour, minute: utc.minute, second: utc.second,
            fraction: utc.fraction, offsetMinutes: offsetMinutes, precision: .fractionalSecond)
    }
}
