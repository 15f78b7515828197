import BigInt
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OGPUKit
import OGPUPrimitives

/// The chain console's reads, as `cast call`, `cast receipt` and `cast block` do them: a contract
/// function called by its human-readable signature, a transaction's receipt, a block's header.
/// Nothing here signs or sends; the encoding and decoding are the core's (ChainBuiltins).
enum ConsoleReadBuiltins {
    static let all: [BuiltinFunction] = [call, receipt, block]

    static let call = BuiltinFunction("call", doc: """
        call(address, "balanceOf(address)(uint256)", args...) calls a contract's function on the \
        latest state (eth_call) and decodes what it returns: one output is the value, several a \
        list, none nil. The signature is human-readable (`function f(uint256 x) view returns \
        (uint256)` works too); arguments convert as for abi_encode. A revert is a "revert" error.
        """) { args, ctx in
        try args.noNamed()
        guard args.count >= 2 else { throw ScriptError(.value, "call() needs an address and a function signature") }
        let to = try AddressArgument.convert(args.positional[0], parameter: "address", callee: "call")
        let signature = try args.string(1, "signature")
        let values = Array(args.positional.dropFirst(2))
        let g = try Gateway.from(ctx, "call")
        let (function, data) = try ChainBuiltins.abi(signature) { () -> (ABIFunction, [UInt8]) in
            let f = try ABIFunction(signature: castStyle(signature))
            let types = f.inputs.map(\.type)
            try ChainBuiltins.expectArity(types.count, values.count, f.signature)
            return (f, try f.encodeCall(try zip(values, types).map(ChainBuiltins.abiValue)))
        }
        let returned = try Gateway.run { try g.call(CallRequest(to: to, data: data)) }
        let outputs = try ChainBuiltins.abi(signature) { try function.decodeOutput(returned).map(ChainBuiltins.scriptValue) }
        switch outputs.count {
        case 0: return .null
        case 1: return outputs[0]
        default: return .list(outputs)
        }
    }

    static let receipt = BuiltinFunction("receipt", doc: """
        receipt(tx) is the receipt of transaction tx ("0x" + 64 hex digits) as a map: tx, block, \
        status ("success" or "reverted"), gas_used, gas_price, from, to, contract (a deployed \
        contract's address) and logs (how many). nil while the transaction is pending or unknown.
        """) { args, ctx in
        try args.noNamed(); try args.expectCount(1, 1)
        let hash = try transactionHash(args)
        let g = try Gateway.from(ctx, "receipt")
        guard let r = try Gateway.run({ try g.receipt(hash) }) else { return .null }
        return GatewayValues.map([
            ("tx", .string(r.transactionHash)), ("block", .integer(BigInt(r.blockNumber))),
            ("status", .string(r.succeeded ? "success" : "reverted")), ("gas_used", .integer(BigInt(r.gasUsed))),
            ("gas_price", r.effectiveGasPrice.map { .amount($0) } ?? .null),
            ("from", r.from.map { .address($0) } ?? .null), ("to", r.to.map { .address($0) } ?? .null),
            ("contract", r.contractAddress.map { .address($0) } ?? .null), ("logs", .int(r.logs.count)),
        ])
    }

    static let block = BuiltinFunction("block", doc: """
        block(n = "latest") is block n's header as a map: number, time and base_fee (nil before \
        EIP-1559). n is a block number or "latest", "pending", "earliest", "safe", "finalized"; a \
        number past the head gives nil.
        """) { args, ctx in
        try args.noNamed(); try args.expectCount(0, 1)
        let tag: BlockTag
        switch args.positional.first {
        case nil: tag = .latest
        case .string(let s)?:
            let tags: [String: BlockTag] = ["latest": .latest, "pending": .pending, "earliest": .earliest,
                                            "safe": .safe, "finalized": .finalized]
            guard let t = tags[s] else {
                throw ScriptError(.value, "block(): `\(s)` is not a block; use a number or \"latest\", \"pending\", \"earliest\", \"safe\", \"finalized\"")
            }
            tag = t
        case _?:
            let n = try args.int(0, "n")
            guard n >= 0 else { throw ScriptError(.value, "block(): a block number cannot be negative, got \(n)") }
            tag = .number(UInt64(n))
        }
        let g = try Gateway.from(ctx, "block")
        guard let b = try Gateway.run({ try g.block(tag) }) else { return .null }
        return GatewayValues.map([
            ("number", .integer(BigInt(b.number))),
            ("time", .time(Dec(BigInt(b.timestamp)))),
            ("base_fee", b.baseFeePerGas.map { .amount($0) } ?? .null),
        ])
    }

    /// cast's short form `name(inputs)(outputs)` as the core's `function name(inputs) returns (outputs)`;
    /// any other text as it is.
    static func castStyle(_ signature: String) -> String {
        let text = signature.trimmingWhitespace()
        guard !text.hasPrefix("function"), let open = text.firstIndex(of: "(") else { return text }
        var depth = 0
        var i = open
        while i < text.endIndex {
            if text[i] == "(" { depth += 1 } else if text[i] == ")" { depth -= 1; if depth == 0 { break } }
            i = text.index(after: i)
        }
        guard i < text.endIndex else { return text }
        let rest = text[text.index(after: i)...].trimmingWhitespace()
        guard rest.hasPrefix("(") else { return text }
        return "function " + text[...i] + " returns " + rest
    }

    private static func transactionHash(_ args: Arguments) throws -> String {
        let s = try args.string(0, "tx")
        guard s.utf8.count == 66, let bytes = ChainBuiltins.hexBytes(s), bytes.count == 32 else {
            throw ScriptError(.value, "receipt(): `tx` must be a transaction hash, \"0x\" + 64 hex digits")
        }
        return Hex.encode(bytes)
    }
}
