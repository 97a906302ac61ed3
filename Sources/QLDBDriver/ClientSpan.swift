import Tracing

/// Runs `operation` in a client span, keeping the caller's isolation; with no tracer, runs it as is.
///
/// The tracer is passed in because `InstrumentationSystem`'s lookup takes a lock: the driver
/// looks it up once per transaction rather than once per span (see ``activeTracer(_:)``).
/// Attributes are set only when the span records.
func withClientSpan<Value>(
    _ name: String, tracer: (any Tracer)?, attributes: (inout SpanAttributes) -> Void,
    isolation: isolated (any Actor)? = #isolation, _ operation: () async throws -> Value
) async throws -> Value {
    guard let tracer else { return try await operation() }
    return try await tracer.withSpan(name, ofKind: .client) { span in
        if span.isRecording {
            var values = span.attributes
            attributes(&values)
            span.attributes = values
        }
        return try await operation()
    }
}

/// The tracer spans should go to: `configured`, else the bootstrapped one; `nil` when that is the
/// no-op tracer, whose spans record nothing and carry the caller's context unchanged, so skipping
/// them saves a task-local binding and a span object per transaction and per statement.
func activeTracer(_ configured: (any Tracer)?) -> (any Tracer)? {
    if let configured { return configured is NoOpTracer ? nil : configured }
    // Nothing bootstrapped (the usual case): a check against one concrete type finds that, where
    // `InstrumentationSystem.tracer` searches protocol conformances on every call.
    if InstrumentationSystem.instrument is NoOpInstrument { return nil }
    let tracer = InstrumentationSystem.tracer
    return tracer is NoOpTracer ? nil : tracer
}
