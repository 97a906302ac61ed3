// swift-format-ignore-file: NeverUseForceTry

// Benchmark set-up on generated data: a failure there is a broken benchmark, and a trap says so.
import Benchmark
import Ion
import LicenceDataset

/// Ion codec benchmarks over 100,000 licence documents (see `LicenceDataset`).
///
/// Each iteration processes the whole dataset once; throughput is documents per second
/// (`scaledIterations` × 100,000). `docs/performance.md` turns these into MB/s.
let documentCount = 100_000

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        timeUnits: .milliseconds,
        maxDuration: .seconds(10),
        maxIterations: 20
    )

    let documents = LicenceDataset.documents(count: documentCount)
    let binary = try! IonValue.encode(binary: documents)
    let text = Array(try! IonValue.encode(text: documents, style: .lines).utf8)
    let licences = try! LicenceDataset.licences(count: documentCount)
    print(
        "dataset: \(documentCount) documents, binary \(binary.count) bytes (\(binary.count / documentCount) B/doc), text \(text.count) bytes (\(text.count / documentCount) B/doc)"
    )

    Benchmark("IonBinaryDecodeMaterialise") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try IonValue.decode(binary: binary))
        }
    }

    Benchmark("IonBinaryScan") { benchmark in
        for _ in benchmark.scaledIterations {
            var reader = try IonBinaryReader(binary)
            var count = 0
            try scan(&reader, &count)
            blackHole(count)
        }
    }

    Benchmark("IonBinaryEncode") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try IonValue.encode(binary: documents))
        }
    }

    Benchmark("IonTextDecode") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try IonValue.decode(text: text))
        }
    }

    Benchmark("IonTextEncode") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try IonValue.encode(text: documents, style: .lines))
        }
    }

    Benchmark("CodableEncodeBinary") { benchmark in
        let encoder = IonEncoder()
        for _ in benchmark.scaledIterations {
            var writer = IonBinaryWriter()
            for licence in licences { try writer.write(try encoder.encodeValue(licence)) }
            blackHole(try writer.finish())
        }
    }

    Benchmark("CodableDecodeBinary") { benchmark in
        let decoder = IonDecoder()
        for _ in benchmark.scaledIterations {
            let values = try IonValue.decode(binary: binary)
            for value in values { blackHole(try decoder.decode(LicenceDataset.Licence.self, from: value)) }
        }
    }

    // Codable straight from and to the bytes, no IonValue tree (IonDecoder.decodeAll,
    // IonEncoder.encodeAll).
    Benchmark("CodableDecodeBinaryDirect") { benchmark in
        let decoder = IonDecoder()
        for _ in benchmark.scaledIterations {
            blackHole(try decoder.decodeAll(LicenceDataset.Licence.self, from: binary))
        }
    }

    Benchmark("CodableEncodeBinaryDirect") { benchmark in
        let encoder = IonEncoder()
        for _ in benchmark.scaledIterations {
            blackHole(try encoder.encodeAll(licences))
        }
    }

    // The document as lazy values, every scalar in them read (IonLazyValue).
    Benchmark("IonBinaryLazyReadAll") { benchmark in
        for _ in benchmark.scaledIterations {
            var count = 0
            for value in try IonLazyValue.decode(binary: binary) { try readAll(value, &count) }
            blackHole(count)
        }
    }
}

/// Reads every scalar under a lazy value.
func readAll(_ value: IonLazyValue, _ count: inout Int) throws {
    count += 1
    if value.isNull { return }
    switch value.type {
    case .list, .sexp, .struct:
        var children = value.type == .struct ? try value.fields() : try value.elements()
        while let child = try children.next() { try readAll(child, &count) }
    case .string: count += try value.stringValue().utf8.count
    case .int: count += try value.intValue().signum
    case .timestamp: count += try value.timestampValue().year
    case .decimal: count += Int(try value.decimalValue().exponent)
    default: _ = try value.materialize()
    }
}

/// Visits every value without decoding it.
func scan(_ reader: inout IonBinaryReader, _ count: inout Int) throws {
    while let type = try reader.next() {
        count += 1
        if type.isContainer && !reader.isNull {
            try reader.stepIn()
            try scan(&reader, &count)
            try reader.stepOut()
        }
    }
}
