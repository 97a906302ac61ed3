extension IonValue: ExpressibleByNilLiteral {
    /// `nil` is Ion `null`.
    public init(nilLiteral: ()) { self.init(.null(.null)) }
}

extension IonValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self.init(.bool(value)) }
}

extension IonValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self.init(.int(.int64(value))) }
}

extension IonValue: ExpressibleByFloatLiteral {
    /// A floating-point literal is an Ion float. Use ``IonDecimal`` for decimals.
    public init(floatLiteral value: Double) { self.init(.float(value)) }
}

extension IonValue: ExpressibleByStringLiteral {
    /// A string literal is an Ion string. Use ``IonValue/symbol(_:)-swift.type.method`` for symbols.
    public init(stringLiteral value: String) { self.init(.string(value)) }
}

extension IonValue: ExpressibleByArrayLiteral {
    /// An array literal is an Ion list.
    public init(arrayLiteral elements: IonValue...) { self.init(.list(elements)) }
}

extension IonValue: ExpressibleByDictionaryLiteral {
    /// A dictionary literal is an Ion struct whose fields keep the literal's order.
    public init(dictionaryLiteral elements: (String, IonValue)...) {
        self.init(.struct(IonStruct(elements.map { IonStruct.Field(name: IonSymbol($0.0), value: $0.1) })))
    }
}

extension IonStruct: ExpressibleByDictionaryLiteral {
    /// A dictionary literal gives the fields in the literal's order.
    public init(dictionaryLiteral elements: (String, IonValue)...) {
        self.init(elements.map { Field(name: IonSymbol($0.0), value: $0.1) })
    }
}
