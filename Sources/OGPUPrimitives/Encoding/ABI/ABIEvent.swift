/// A contract event: its topic0 and decoding of its logs.
///
/// Indexed parameters live in topics 1…; the rest are ABI-encoded, as a tuple, in the log data.
/// An indexed parameter of a dynamic or composite type (string, bytes, array, tuple) is stored only as the
/// Keccak-256 hash of its value, so decoding gives that 32-byte hash (`DecodedEvent.Field.isHash`).
public struct ABIEvent: Hashable, Sendable {
    // Read-only so topic0, computed once here, always matches the name and inputs.
    public private(set) var name: String
    public private(set) var inputs: [ABIParameter]
    /// Anonymous events have no topic0; they can only be decoded when one knows which event a log is.
    public private(set) var anonymous: Bool
    /// Keccak-256 of `signature`: the first topic of every (non-anonymous) log of this event.
    public let topic0: [UInt8]

    public init(name: String, inputs: [ABIParameter], anonymous: Bool = false) {
        self.name = name
        self.inputs = inputs
        self.anonymous = anonymous
        topic0 = Keccak256.hash(ABIFunction.signature(name: name, parameters: inputs))
    }

    /// Parses `Name(types)` or `event Transfer(address indexed from, address indexed to, uint256 value)`.
    public init(signature text: String) throws {
        let parsed = try ABISignatureParser.parseSignature(text)
        guard parsed.keyword == nil || parsed.keyword == "event" else {
            throw ABIParseError(input: text, offset: 0, message: "expected an event, found '\(parsed.keyword!)'")
        }
        guard parsed.outputs.isEmpty else { throw ABIParseError(input: text, offset: nil, message: "events have no 'returns'") }
        self.init(name: parsed.name, inputs: parsed.inputs, anonymous: parsed.modifiers.contains("anonymous"))
    }

    public var signature: String { ABIFunction.signature(name: name, parameters: inputs) }

    public struct Field: Hashable, Sendable {
        public let name: String
        public let type: ABIType
        public let indexed: Bool
        /// True when `value` is the 32-byte Keccak-256 hash an indexed dynamic value was replaced by.
        public let isHash: Bool
        public let value: ABIValue
    }

    /// A log decoded against its event: fields in declaration order.
    public struct DecodedEvent: Hashable, Sendable {
        public let event: ABIEvent
        public let fields: [Field]

        public var name: String { event.name }
        public var values: [ABIValue] { fields.map(\.value) }

        /// The value of the parameter called `name`.
        public subscript(name: String) -> ABIValue? { fields.first { $0.name == name }?.value }
    }

    /// Decodes a log. Topics and data are strict: topic0 must match, the topic count must equal the
    /// number of indexed parameters (+1 unless anonymous), and every value must be canonically encoded.
    public func decodeLog(topics: [[UInt8]], data: [UInt8]) throws -> DecodedEvent {
        var remaining = topics[...]
        if !anonymous {
            guard let first = remaining.first, first == topic0 else {
                throw ABIDecodingError.topicMismatch(
                    message: "topic0 \(topics.first.map { Hex.encode($0) } ?? "missing") is not \(signature) (\(Hex.encode(topic0)))")
            }
            remaining = remaining.dropFirst()
        }
        let indexed = inputs.filter(\.indexed)
        guard remaining.count == indexed.count else {
            throw ABIDecodingError.topicMismatch(
                message: "\(signature) has \(indexed.count) indexed parameter(s) but the log has \(remaining.count) topic(s) for them")
        }
        let dataValues = try ABIDecoder.decode(inputs.filter { !$0.indexed }.map(\.type), from: data)

        var fields: [Field] = []
        var topicIterator = remaining.makeIterator()
        var dataIterator = dataValues.makeIterator()
        for (i, parameter) in inputs.enumerated() {
            if parameter.indexed {
                let topic = topicIterator.next()!
                guard topic.count == 32 else {
                    throw ABIDecodingError.topicMismatch(message: "topic for '\(parameter.name)' is \(topic.count) bytes, not 32")
                }
                if parameter.type.isElementary {
                    do {
                        let value = try ABIDecoder.decodeWord(parameter.type, from: topic)
                        fields.append(Field(name: parameter.name, type: parameter.type, indexed: true, isHash: false, value: value))
                    } catch let error as ABIDecodingError {
                        throw error.prefixed(parameter.name.isEmpty ? "topic for arg \(i)" : "topic for \(parameter.name)")
                    }
                } else {
                    fields.append(Field(name: parameter.name, type: parameter.type, indexed: true, isHash: true, value: .bytes(topic)))
                }
            } else {
                fields.append(Field(name: parameter.name, type: parameter.type, indexed: false, isHash: false,
                                    value: dataIterator.next()!))
            }
        }
        return DecodedEvent(event: self, fields: fields)
    }

    /// Builds the topics and data a contract would emit for `values` (for test doubles and filters).
    public func encodeLog(_ values: [ABIValue]) throws -> (topics: [[UInt8]], data: [UInt8]) {
        guard values.count == inputs.count else {
            throw ABIEncodingError.wrongCount(path: "event \(name)", type: signature, expected: inputs.count, got: values.count)
        }
        var topics: [[UInt8]] = anonymous ? [] : [topic0]
        var dataValues: [ABIValue] = []
        var dataTypes: [ABIType] = []
        for (parameter, value) in zip(inputs, values) {
            if parameter.indexed {
                topics.append(try ABIEvent.topic(for: value, as: parameter.type))
            } else {
                dataValues.append(value)
                dataTypes.append(parameter.type)
            }
        }
        return (topics, try ABIEncoder.encode(dataValues, as: dataTypes))
    }

    /// The topic an indexed value is stored as: its word for elementary types, otherwise the hash of its
    /// in-place encoding (Solidity docs, "Encoding of indexed event parameters").
    public static func topic(for value: ABIValue, as type: ABIType) throws -> [UInt8] {
        try type.validate()
        if type.isElementary { return try ABIEncoder.encode(value, as: type) }
        var encoded: [UInt8] = []
        try inPlaceEncoding(value, as: type, into: &encoded)
        return Keccak256.hash(encoded)
    }

    /// Bytes and strings unpadded at the top level, padded inside composites; arrays and tuples as the
    /// concatenation of their elements, with no lengths or offsets.
    private static func inPlaceEncoding(_ value: ABIValue, as type: ABIType, into out: inout [UInt8], nested: Bool = false) throws {
        switch type {
        case .bytes, .string:
            let raw: [UInt8]
            switch (type, value) {
            case (.bytes, .bytes(let b)): raw = b
            case (.string, .string(let s)): raw = Array(s.utf8)
            default: throw ABIEncodingError.typeMismatch(path: "", expected: type.canonical, got: value.kindName)
            }
            out.append(contentsOf: raw)
            if nested && raw.count % 32 != 0 { out.append(contentsOf: repeatElement(0, count: 32 - raw.count % 32)) }
        case .array(let element), .fixedArray(let element, _):
            guard let items = value.items else {
                throw ABIEncodingError.typeMismatch(path: "", expected: type.canonical, got: value.kindName)
            }
            if case .fixedArray(_, let k) = type, items.count != k {
                throw ABIEncodingError.wrongCount(path: "", type: type.canonical, expected: k, got: items.count)
            }
            for item in items { try inPlaceEncoding(item, as: element, into: &out, nested: true) }
        case .tuple(let components, _):
            guard let items = value.items, items.count == components.count else {
                throw ABIEncodingError.typeMismatch(path: "", expected: type.canonical, got: value.kindName)
            }
            for (item, component) in zip(items, components) { try inPlaceEncoding(item, as: component, into: &out, nested: true) }
        default:
            var word: [UInt8] = []
            try ABIEncoder.encodeValue(value, as: type, into: &word)
            out.append(contentsOf: word)
        }
    }
}
