import Ion

extension IonHasher {
    /// The Ion hash of the value under a reader's cursor, computed while reading it: containers
    /// are walked with the cursor and never materialised. The cursor stays on the value.
    public func digest<Reader: IonReader>(of reader: inout Reader) throws -> [UInt8] {
        var hasher = function.makeHasher()
        try serialize(&reader, into: &hasher)
        return hasher.finalize()
    }

    /// Feeds the Ion Hash serialisation of the value under the cursor to `hasher`.
    public func serialize<Reader: IonReader>(_ reader: inout Reader, into hasher: inout Function.Hasher) throws {
        guard let type = reader.type else { throw IonError(.invalidState, "no value under the cursor to hash") }
        let annotations = try reader.annotations()
        if !annotations.isEmpty {
            IonHashMarkers.begin(&hasher, typeQualifier: 0xE0)
            for annotation in annotations { IonHashMarkers.symbol(annotation, into: &hasher) }
        }
        if reader.isNull || !type.isContainer {
            IonHashMarkers.scalar(try reader.scalarContent(), into: &hasher)
        } else if type == .struct {
            IonHashMarkers.begin(&hasher, typeQualifier: 0xD0)
            var digests = IonHashMarkers.FieldDigests(capacity: 8)
            try reader.stepIn()
            while try reader.next() != nil {
                var fieldHasher = function.makeHasher()
                IonHashMarkers.symbol(try reader.fieldName() ?? .zero, into: &fieldHasher)
                try serialize(&reader, into: &fieldHasher)
                digests.add(&fieldHasher)
            }
            try reader.stepOut()
            IonHashMarkers.structDigests(&digests, into: &hasher)
        } else {
            IonHashMarkers.begin(&hasher, typeQualifier: type == .list ? 0xB0 : 0xC0)
            try reader.stepIn()
            while try reader.next() != nil { try serialize(&reader, into: &hasher) }
            try reader.stepOut()
            IonHashMarkers.end(&hasher)
        }
        if !annotations.isEmpty { IonHashMarkers.end(&hasher) }
    }
}
