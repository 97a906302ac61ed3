/// What the two single-value decoders (over an ``IonValue`` and over an ``IonBinaryReader``)
/// share: every fixed-width integer and `Float` are decoded once, here, from the Ion int or
/// double the decoder reads.
protocol IonScalarDecoding: SingleValueDecodingContainer {
    /// The Ion int under the decoder; a type mismatch naming `type` for anything else.
    func ionInt<T>(for type: T.Type) throws -> IonInt
}

extension IonScalarDecoding {
    /// The int narrowed to `T`; `dataCorrupted` when it does not fit.
    func decodeInteger<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let value = try ionInt(for: type)
        let result: T?
        switch value {
        case .int64(let v): result = T(exactly: v)
        case .big(let v): result = T(exactly: v)
        }
        guard let result else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: codingPath, debugDescription: "int \(value) does not fit \(type)"))
        }
        return result
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
    func decode(_ type: Int.Type) throws -> Int { try decodeInteger(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decodeInteger(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decodeInteger(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decodeInteger(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decodeInteger(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decodeInteger(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decodeInteger(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decodeInteger(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decodeInteger(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decodeInteger(type) }
}
