/// Structs by field name: callers (the script layer, contract bindings) hold records like
/// `{source: …, config: …}`, while the ABI wants the components of a tuple in declaration order.
extension ABIValue {
    /// The tuple for the struct `type`, taking each component from `fields` by its name.
    /// Every component must be given, and every given field must be a component.
    public static func tuple(fields: [String: ABIValue], as type: ABIType, path: String = "value") throws -> ABIValue {
        guard case .tuple(let components, let names?) = type, !names.contains(where: \.isEmpty) else {
            throw ABIEncodingError.typeMismatch(path: path, expected: type.canonical + " (a struct with named fields)",
                                                got: "named fields")
        }
        let known = Set(names)
        if let extra = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw ABIEncodingError.unknownField(path: path, type: type.canonical, field: extra)
        }
        return .tuple(try zip(names, components).map { name, _ in
            guard let value = fields[name] else {
                throw ABIEncodingError.missingField(path: path, type: type.canonical, field: name)
            }
            return value
        })
    }

    /// Pairs a decoded struct's components with their names (or `0`, `1`, … where unnamed);
    /// nil when `type` is not a tuple or the value does not have its shape.
    public func fields(as type: ABIType) -> [(name: String, value: ABIValue)]? {
        guard case .tuple(let components, let names) = type, let items, items.count == components.count else { return nil }
        return items.enumerated().map { i, value in
            (name: names.map { $0[i].isEmpty ? String(i) : $0[i] } ?? String(i), value: value)
        }
    }
}
