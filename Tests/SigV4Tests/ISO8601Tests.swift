import Foundation
import Testing

@testable import SigV4

/// The `Expiration` times of credential documents: AWS writes `2024-01-15T12:00:00Z`; fractions
/// and offsets are read too, anything else is refused.
@Suite struct ISO8601Tests {
    @Test(arguments: [
        ("2024-01-15T12:00:00Z", 1_705_320_000.0),
        ("2024-01-15T12:00:00.250Z", 1_705_320_000.25),
        ("2024-01-15T13:30:00+01:30", 1_705_320_000.0),
        ("2024-01-15T10:00:00-02:00", 1_705_320_000.0),
        ("2024-02-29T00:00:00Z", 1_709_164_800.0),
    ])
    func validTimesAreRead(_ text: String, seconds: Double) {
        #expect(ISO8601.parse(text)?.timeIntervalSince1970 == seconds)
    }

    @Test(arguments: [
        "2024-01-15 12:00:00Z", "2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2024-01-15T12:00:00",
        "2024-01-15T12:00:00.Z", "2024-01-15T24:00:00Z", "2024-01-15T12:00:00+0100", "2024-01-15T12:00:00Zx", "",
    ])
    func anythingElseIsRefused(_ text: String) {
        #expect(ISO8601.parse(text) == nil)
    }
}
