/// A Solidity custom error (`error InsufficientBalance(uint256 available, uint256 required)`).
/// Reverting with it returns its 4-byte selector followed by the ABI-encoded arguments.
public struct ABIError: Hashable, Sendable {
    // Read-only so the selector, computed once here, always matches the name and inputs.
    public private(set) var name: String
    public private(set) var inputs: [ABIParameter]
    /// The first four bytes of Keccak-256 of `signature`.
    public let selector: [UInt8]

    public init(name: String, inputs: [ABIParameter]) {
        self.name = name
        self.inputs = inputs
        selector = Array(Keccak256.hash(ABIFunction.signature(name: name, parameters: inputs)).prefix(4))
    }

    /// Parses `Name(types)` or `error Name(type name, …)`.
    public init(signature text: String) throws {
        let parsed = try ABISignatureParser.parseSignature(text)
        guard parsed.keyword == nil || parsed.keyword == "error" else {
            throw ABIParseError(input: text, offset: 0, message: "expected an error, found '\(parsed.keyword!)'")
        }
        guard parsed.outputs.isEmpty, parsed.modifiers.isEmpty, !parsed.inputs.contains(where: \.indexed) else {
            throw ABIParseError(input: text, offset: nil, message: "an error has only a name and parameters")
        }
        self.init(name: parsed.name, inputs: parsed.inputs)
    }

    /// `Error(string)`: what `require(cond, "message")` and `revert("message")` produce.
    public static let errorString = ABIError(name: "Error", inputs: [ABIParameter(name: "message", type: .string)])
    /// `Panic(uint256)`: what failed asserts, overflows, bad array indexes and the like produce.
    public static let panic = ABIError(name: "Panic", inputs: [ABIParameter(name: "code", type: .uint(256))])

    public var signature: String { ABIFunction.signature(name: name, parameters: inputs) }

    /// Selector followed by the encoded arguments, as the contract would revert with.
    public func encode(_ arguments: [ABIValue]) throws -> [UInt8] {
        var data = selector
        try ABIEncoder.encode(arguments, as: inputs.map(\.type), appendingTo: &data)
        return data
    }

    /// Decodes revert data made by this error; the selector must match.
    public func decode(_ revertData: [UInt8]) throws -> [ABIValue] {
        try ABIFunction.checkSelector(selector, in: revertData)
        return try ABIDecoder.decode(inputs.map(\.type), from: Array(revertData.dropFirst(4)))
    }
}
