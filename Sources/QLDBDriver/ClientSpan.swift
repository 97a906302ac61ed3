import Tracing

/// Runs `operation` in a client span, keeping the caller's isolation.
///
/// The tracer is passed in because `InstrumentationSystem`'s lookup takes a lock: the driver
/// looks it up once per transaction rather than once per span. Attributes are set only when the
/// span records, so the no-op tracer costs no attribute work.
func withClientSpan<Value>(
    _ name: String, tracer: some Tracer, attributes: (inout SpanAttributes) -> Void,
    isolation: isolated (any Actor)? = #isolation, _ operation: () async throws -> Value
) async throws -> Value {
    try await tracer.withSpan(name, ofKind: .client) { span in
        if span.isRecording {
            var values = span.attributes
            attributes(&values)
            span.attributes = values
        }
        return try await operation()
    }
}
