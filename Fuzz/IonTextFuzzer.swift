// libFuzzer entry for the Ion text reader. Built by scripts/fuzz.sh, not by SwiftPM.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIonText(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = [UInt8](UnsafeBufferPointer(start: data, count: size))
    guard let values = try? IonValue.decode(text: bytes, maxDepth: 100) else { return 0 }
    FuzzInvariants.checkRoundTrips(values)
    return 0
}
