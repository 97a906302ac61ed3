// libFuzzer entry for the Ion binary reader. Built by scripts/fuzz.sh, not by SwiftPM.
//
// Invariants: reading never crashes or hangs; whatever reads successfully writes back (binary
// and text) and reads again as an equivalent sequence of values.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIonBinary(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    var bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    // Give most inputs a version marker so that the fuzzer explores values, not the marker check.
    if size > 0 && data[0] & 1 == 1 { bytes = [0xE0, 0x01, 0x00, 0xEA] + bytes.dropFirst() }
    guard let values = try? IonValue.decode(binary: bytes) else { return 0 }
    FuzzInvariants.checkRoundTrips(values)
    return 0
}
