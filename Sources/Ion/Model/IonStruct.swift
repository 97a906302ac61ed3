/// The fields of an Ion struct, in the order they were added.
///
/// Ion structs may repeat field names, so this is an ordered list of fields rather than a
/// dictionary. The subscript returns the first field with a name. Order is kept for writing but
/// does not count for equivalence.
public struct IonStruct: Sendable, RandomAccessCollection, MutableCollection {
    /// One field of a struct.
    public struct Field: Sendable {
        /// The field name.
        public var name: IonSymbol
        /// The field value.
        public var value: IonValue

        /// Creates a field.
        @inlinable
        public init(name: IonSymbol, value: IonValue) {
            self.name = name
            self.value = value
        }
    }

    /// The fields in order.
    public var fields: [Field]

    /// Creates a struct from fields.
    @inlinable
    public init(_ fields: [Field] = []) { self.fields = fields }

    public var startIndex: Int { fields.startIndex }
    public var endIndex: Int { fields.endIndex }
    public subscript(position: Int) -> Field {
        get { fields[position] }
        set { fields[position] = newValue }
    }

    /// The value of the first field named `name`. Setting replaces the first such field (or appends
    /// one); setting `nil` removes every field with that name.
    public subscript(name: String) -> IonValue? {
        get { fields.first(where: { $0.name.text == name })?.value }
        set {
            if let newValue {
                if let i = fields.firstIndex(where: { $0.name.text == name }) {
                    fields[i].value = newValue
                } else {
                    fields.append(Field(name: IonSymbol(name), value: newValue))
                }
            } else {
                fields.removeAll(where: { $0.name.text == name })
            }
        }
    }

    /// Every value whose field name is `name`, in order.
    public func values(named name: String) -> [IonValue] {
        fields.lazy.filter { $0.name.text == name }.map(\.value)
    }

    /// Appends a field, even if one with the same name exists.
    public mutating func append(name: IonSymbol, value: IonValue) {
        fields.append(Field(name: name, value: value))
    }
}
