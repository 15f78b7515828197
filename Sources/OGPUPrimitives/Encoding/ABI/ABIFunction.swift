/// A contract function: its selector, and encoding of calls and decoding of their results.
///
///     let publish = try ABIFunction(signature: "publishTask((address,string,uint256,uint256))")
///     let calldata = try publish.encodeCall([.tuple([.address(source), .string(url), .uint(expiry), .uint(fee)])])
public struct ABIFunction: Hashable, Sendable {
    // Read-only so the selector, computed once here, always matches the name and inputs.
    public private(set) var name: String
    public private(set) var inputs: [ABIParameter]
    public private(set) var outputs: [ABIParameter]
    /// `view`, `pure`, `nonpayable` or `payable` when known (JSON ABI, or written in the signature).
    public private(set) var stateMutability: String?
    /// The first four bytes of Keccak-256 of `signature`.
    public let selector: [UInt8]

    public init(name: String, inputs: [ABIParameter], outputs: [ABIParameter] = [], stateMutability: String? = nil) {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.stateMutability = stateMutability
        selector = Array(Keccak256.hash(ABIFunction.signature(name: name, parameters: inputs)).prefix(4))
    }

    /// Parses `name(types)`, optionally human-readable:
    /// `function balanceOf(address owner) view returns (uint256)`.
    public init(signature text: String) throws {
        let parsed = try ABISignatureParser.parseSignature(text)
        guard parsed.keyword == nil || parsed.keyword == "function" else {
            throw ABIParseError(input: text, offset: 0, message: "expected a function, found '\(parsed.keyword!)'")
        }
        if let indexed = (parsed.inputs + parsed.outputs).first(where: \.indexed) {
            throw ABIParseError(input: text, offset: nil,
                                message: "'indexed' is only allowed on event parameters ('\(indexed.name)')")
        }
        let mutability = parsed.modifiers.first { ["view", "pure", "payable", "nonpayable"].contains($0) }
            ?? (parsed.modifiers.contains("constant") ? "view" : nil)
        self.init(name: parsed.name, inputs: parsed.inputs, outputs: parsed.outputs, stateMutability: mutability)
    }

    /// `name(canonical input types)`, the text the selector hashes.
    public var signature: String { ABIFunction.signature(name: name, parameters: inputs) }

    /// Selector followed by the encoded arguments.
    public func encodeCall(_ arguments: [ABIValue]) throws -> [UInt8] {
        var calldata = selector
        try ABIEncoder.encode(arguments, as: inputs.map(\.type), appendingTo: &calldata)
        return calldata
    }

    /// Decodes calldata made by `encodeCall`; the selector must match.
    public func decodeCall(_ calldata: [UInt8]) throws -> [ABIValue] {
        try ABIFunction.checkSelector(selector, in: calldata)
        return try ABIDecoder.decode(inputs.map(\.type), from: Array(calldata.dropFirst(4)))
    }

    /// Decodes the return data of a successful call.
    public func decodeOutput(_ returnData: [UInt8]) throws -> [ABIValue] {
        try ABIDecoder.decode(outputs.map(\.type), from: returnData)
    }

    /// Encodes return values, as the contract would (for test doubles and devnet fixtures).
    public func encodeOutput(_ values: [ABIValue]) throws -> [UInt8] {
        try ABIEncoder.encode(values, as: outputs.map(\.type))
    }

    static func signature(name: String, parameters: [ABIParameter]) -> String {
        name + "(" + parameters.map(\.type.canonical).joined(separator: ",") + ")"
    }

    static func checkSelector(_ selector: [UInt8], in data: [UInt8]) throws {
        guard data.count >= 4, Array(data.prefix(4)) == selector else {
            throw ABIDecodingError.selectorMismatch(expected: Hex.encode(selector), got: Hex.encode(data.prefix(4)))
        }
    }
}

extension ABIFunction: CustomStringConvertible {
    public var description: String {
        var text = "function " + ABIFunction.humanReadable(name: name, parameters: inputs)
        if let stateMutability, stateMutability != "nonpayable" { text += " " + stateMutability }
        if !outputs.isEmpty { text += " returns " + ABIFunction.humanReadable(name: "", parameters: outputs) }
        return text
    }

    /// `name(type name, …)` with names where known, for messages and the REPL.
    static func humanReadable(name: String, parameters: [ABIParameter]) -> String {
        name + "(" + parameters.map { p in
            var s = p.type.canonical
            if p.indexed { s += " indexed" }
            if !p.name.isEmpty { s += " " + p.name }
            return s
        }.joined(separator: ", ") + ")"
    }
}
