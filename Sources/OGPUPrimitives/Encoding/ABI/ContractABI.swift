#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A contract's interface, parsed from its JSON ABI (the array solc emits, or an artifact object with an
/// `abi` key): functions, events and custom errors, with lookups by name, selector and topic.
public struct ContractABI: Hashable, Sendable {
    public var functions: [ABIFunction]
    public var events: [ABIEvent]
    public var errors: [ABIError]
    /// Constructor parameters, when the ABI declares a constructor.
    public var constructorInputs: [ABIParameter]?

    public init(functions: [ABIFunction] = [], events: [ABIEvent] = [], errors: [ABIError] = [],
                constructorInputs: [ABIParameter]? = nil) {
        self.functions = functions
        self.events = events
        self.errors = errors
        self.constructorInputs = constructorInputs
    }

    /// Parses JSON ABI. `internalType` is ignored; `fallback` and `receive` entries carry nothing to encode.
    public init(json: Data) throws {
        let root = try ContractABI.parseJSON(json)
        let entries: [JSONValue]
        if let array = root.arrayValue {
            entries = array
        } else if let array = root["abi"]?.arrayValue {
            entries = array
        } else {
            throw ABIParseError(input: "JSON ABI", offset: nil, message: "expected an array of entries (or an object with an 'abi' array)")
        }
        self.init()
        for (index, entry) in entries.enumerated() { try add(entry: entry, label: "JSON ABI entry \(index)") }
    }

    /// Parses one JSON ABI entry (`{"type":"function","name":…}`) into this ABI.
    mutating func add(entry: JSONValue, label prefix: String) throws {
        guard entry.objectValue != nil else {
            throw ABIParseError(input: prefix, offset: nil, message: "entry is not an object")
        }
        let kind = entry["type"]?.stringValue ?? "function"
        let name = entry["name"]?.stringValue
        let label = "\(prefix) (\(name ?? kind))"
        switch kind {
        case "function":
            guard let name, !name.isEmpty else { throw ABIParseError(input: label, offset: nil, message: "function without a name") }
            var mutability = entry["stateMutability"]?.stringValue
            if mutability == nil, entry["constant"]?.boolValue == true { mutability = "view" }
            functions.append(ABIFunction(name: name, inputs: try Self.parameters(entry["inputs"], label: label),
                                         outputs: try Self.parameters(entry["outputs"], label: label),
                                         stateMutability: mutability))
        case "event":
            guard let name, !name.isEmpty else { throw ABIParseError(input: label, offset: nil, message: "event without a name") }
            events.append(ABIEvent(name: name, inputs: try Self.parameters(entry["inputs"], label: label),
                                   anonymous: entry["anonymous"]?.boolValue ?? false))
        case "error":
            guard let name, !name.isEmpty else { throw ABIParseError(input: label, offset: nil, message: "error without a name") }
            errors.append(ABIError(name: name, inputs: try Self.parameters(entry["inputs"], label: label)))
        case "constructor":
            constructorInputs = try Self.parameters(entry["inputs"], label: label)
        case "fallback", "receive":
            break
        default:
            throw ABIParseError(input: label, offset: nil, message: "unknown entry type '\(kind)'")
        }
    }

    static func parseJSON(_ json: Data) throws -> JSONValue {
        do {
            return try JSONParser.parse(json)
        } catch {
            throw ABIParseError(input: "JSON ABI", offset: nil, message: "not valid JSON: \(error)")
        }
    }

    /// Parses a single JSON ABI entry and returns the one item of `kind` it declares.
    static func single<T>(_ json: Data, kind: String, _ pick: (ContractABI) -> [T]) throws -> T {
        var abi = ContractABI()
        try abi.add(entry: parseJSON(json), label: "JSON ABI \(kind)")
        guard let item = pick(abi).first else {
            throw ABIParseError(input: "JSON ABI \(kind)", offset: nil, message: "entry is not a \(kind)")
        }
        return item
    }

    // MARK: - Lookups

    /// The function called `nameOrSignature` (`getResponsesOf` or `getResponsesOf(uint256,uint256)`).
    /// A bare name must be unambiguous: overloaded functions need their signature.
    public func function(_ nameOrSignature: String) throws -> ABIFunction {
        try ContractABI.unique(functions, nameOrSignature, kind: "function", name: \.name, signature: \.signature)
    }

    public func function(selector: [UInt8]) -> ABIFunction? { functions.first { $0.selector == selector } }

    public func event(_ nameOrSignature: String) throws -> ABIEvent {
        try ContractABI.unique(events, nameOrSignature, kind: "event", name: \.name, signature: \.signature)
    }

    public func event(topic0: [UInt8]) -> ABIEvent? { events.first { !$0.anonymous && $0.topic0 == topic0 } }

    public func error(_ nameOrSignature: String) throws -> ABIError {
        try ContractABI.unique(errors, nameOrSignature, kind: "error", name: \.name, signature: \.signature)
    }

    public func error(selector: [UInt8]) -> ABIError? { errors.first { $0.selector == selector } }

    /// Decodes a log by its topic0; nil when no (non-anonymous) event of this contract has that topic.
    public func decodeLog(topics: [[UInt8]], data: [UInt8]) throws -> ABIEvent.DecodedEvent? {
        guard let first = topics.first, let event = event(topic0: first) else { return nil }
        return try event.decodeLog(topics: topics, data: data)
    }

    /// Decodes revert data with `Error(string)`, `Panic(uint256)` and this contract's custom errors.
    public func decodeRevert(_ data: [UInt8]) -> RevertReason {
        RevertReason(data: data, errors: errors)
    }

    /// Encodes a call to the function `nameOrSignature` (see `function(_:)`).
    public func encodeCall(_ nameOrSignature: String, _ arguments: [ABIValue]) throws -> [UInt8] {
        try function(nameOrSignature).encodeCall(arguments)
    }

    // MARK: - Parsing helpers

    private static func unique<T>(_ items: [T], _ key: String, kind: String,
                                  name: KeyPath<T, String>, signature: KeyPath<T, String>) throws -> T {
        if key.contains("(") {
            let wanted = (try? ABISignatureParser.parseSignature(key)).map { parsed in
                ABIFunction.signature(name: parsed.name, parameters: parsed.inputs)
            } ?? key
            if let match = items.first(where: { $0[keyPath: signature] == wanted }) { return match }
            throw ABIParseError(input: key, offset: nil, message: "no \(kind) with this signature in the ABI")
        }
        let matches = items.filter { $0[keyPath: name] == key }
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty { throw ABIParseError(input: key, offset: nil, message: "no \(kind) named '\(key)' in the ABI") }
        throw ABIParseError(input: key, offset: nil, message: "'\(key)' is overloaded; use one of: "
                            + matches.map { $0[keyPath: signature] }.joined(separator: ", "))
    }

    private static func parameters(_ raw: JSONValue?, label: String) throws -> [ABIParameter] {
        guard let raw else { return [] }
        guard let list = raw.arrayValue else { throw ABIParseError(input: label, offset: nil, message: "parameters are not a list") }
        return try list.enumerated().map { index, item in
            guard item.objectValue != nil else {
                throw ABIParseError(input: label, offset: nil, message: "parameter \(index) is not an object")
            }
            return try parameter(item, label: label)
        }
    }

    private static func parameter(_ object: JSONValue, label: String) throws -> ABIParameter {
        guard let typeText = object["type"]?.stringValue else {
            throw ABIParseError(input: label, offset: nil, message: "parameter without a 'type'")
        }
        let name = object["name"]?.stringValue ?? ""
        let type: ABIType
        if typeText.hasPrefix("tuple") {
            let components = try parameters(object["components"], label: label)
            guard !components.isEmpty else {
                throw ABIParseError(input: label, offset: nil, message: "tuple parameter '\(name)' has no components")
            }
            let names = components.map(\.name)
            let base = ABIType.tuple(components.map(\.type), names: names.contains { !$0.isEmpty } ? names : nil)
            type = try arraySuffixes(String(typeText.dropFirst(5)), on: base, label: label)
        } else {
            do {
                type = try ABIType(typeText)
            } catch let error as ABIParseError {
                throw ABIParseError(input: label, offset: nil, message: "parameter '\(name)': \(error.message)")
            }
        }
        do {
            try type.validate()
        } catch let error as ABIParseError {
            throw ABIParseError(input: label, offset: nil, message: "parameter '\(name)': \(error.message)")
        }
        return ABIParameter(name: name, type: type, indexed: object["indexed"]?.boolValue ?? false)
    }

    /// Applies `[]`, `[k]`… (from `tuple[2][]`) to `base`, reusing the type parser on a stand-in element.
    private static func arraySuffixes(_ suffix: String, on base: ABIType, label: String) throws -> ABIType {
        guard !suffix.isEmpty else { return base }
        let shape: ABIType
        do {
            shape = try ABIType("bool" + suffix)
        } catch let error as ABIParseError {
            throw ABIParseError(input: label, offset: nil, message: "bad tuple array suffix '\(suffix)': \(error.message)")
        }
        func rebuild(_ t: ABIType) throws -> ABIType {
            switch t {
            case .array(let inner):
                return .array(try rebuild(inner))
            case .fixedArray(let inner, let k):
                let element = try rebuild(inner)
                // The stand-in had a 32-byte head; the real element may be far larger.
                let (size, overflow) = (element.isDynamic ? 32 : element.headSize).multipliedReportingOverflow(by: k)
                if overflow || size > ABIType.maxHeadSize {
                    throw ABIParseError(input: label, offset: nil, message: "fixed array of tuples is too large")
                }
                return .fixedArray(element, k)
            default:
                return base
            }
        }
        return try rebuild(shape)
    }
}

extension ABIFunction {
    /// Parses one JSON ABI entry of type `function`.
    public init(json: Data) throws { self = try ContractABI.single(json, kind: "function") { $0.functions } }
}

extension ABIEvent {
    /// Parses one JSON ABI entry of type `event`.
    public init(json: Data) throws { self = try ContractABI.single(json, kind: "event") { $0.events } }
}

extension ABIError {
    /// Parses one JSON ABI entry of type `error`.
    public init(json: Data) throws { self = try ContractABI.single(json, kind: "error") { $0.errors } }
}
