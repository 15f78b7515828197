import BigInt
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OGPUKit
import OGPUPrimitives

/// The chain console's built-ins that sign, in the manner of `cast send`, `cast wallet sign`,
/// `cast tx` and `cast wallet new`: each transaction goes through the core's one journaled sender
/// (caps, network identity, mainnet confirmation, exactly once), and the key never reaches the
/// script — only signatures, hashes and addresses do.
enum ConsoleSendBuiltins {
    static let all: [BuiltinFunction] = [signMessage, tx, send, transfer, speedUp, cancelTx, walletNew]

    static let signMessage = BuiltinFunction("sign_message", doc: """
        sign_message(message) signs message with the session's key under EIP-191 (personal_sign: \
        "\\x19Ethereum Signed Message:\\n" + length + message) and returns the 65-byte signature \
        r ‖ s ‖ v as "0x…", as eth-account and `cast wallet sign` write it. A string is signed as \
        its UTF-8 text, "0x…" hex as its bytes. On mainnet the message is shown and confirmed at \
        the terminal first, like a transaction (--yes skips). verify_message(message, sig, me()) checks it.
        """) { args, ctx in
        try args.noNamed(); try args.expectCount(1, 1)
        let message = try args.string(0, "message")
        let g = try Gateway.console(ctx, "sign_message")
        let body = ChainBuiltins.hexBytes(message) ?? Array(message.utf8)
        return .string(Hex.encode(try Gateway.run { try g.signMessage(body) }))
    }

    static let tx = BuiltinFunction("tx", doc: """
        tx(hash) looks a transaction up by hash: a map with hash, from, to, value (an amount), \
        nonce, gas (the limit), gas_price, max_fee, max_priority_fee (nil where its type has \
        none), input ("0x…" calldata), type, block (nil while pending) and status ("pending", \
        "success" or "reverted"). nil when the node does not know it.
        """) { args, ctx in
        try args.noNamed(); try args.expectCount(1, 1)
        let hash = try transactionHash(args.positional[0], args)
        let g = try Gateway.console(ctx, "tx")
        guard let t = try Gateway.run({ try g.transaction(hash) }) else { return .null }
        var status = "pending"
        if t.blockNumber != nil, let r = try Gateway.run({ try g.receipt(hash) }) { status = r.succeeded ? "success" : "reverted" }
        return GatewayValues.map([
            ("hash", .string(t.hash)), ("from", .address(t.from)), ("to", t.to.map { .address($0) } ?? .null),
            ("value", .amount(t.value)), ("nonce", .integer(BigInt(t.nonce))), ("gas", .integer(BigInt(t.gasLimit))),
            ("gas_price", t.gasPrice.map { .amount($0) } ?? .null), ("max_fee", t.maxFeePerGas.map { .amount($0) } ?? .null),
            ("max_priority_fee", t.maxPriorityFeePerGas.map { .amount($0) } ?? .null), ("input", .string(Hex.encode(t.input))),
            ("type", .integer(BigInt(t.type))), ("block", t.blockNumber.map { .integer(BigInt($0)) } ?? .null),
            ("status", .string(status)),
        ])
    }

    static let send = BuiltinFunction("send", doc: """
        send(address, "fn(types)", args..., value: ogpu(0)) calls a contract's function in a \
        transaction, by its human-readable signature (arguments convert as for abi_encode), and \
        waits for the receipt; returns the transaction hash. It is journaled, capped and (on \
        mainnet) confirmed like every send. A revert — found before signing, or mined — is a \
        "revert" error with the decoded reason; errors: ["Name(types)", …] decodes the contract's \
        custom errors too. Takes max_fee:, max_priority_fee:, gas:, max_fee_per_gas:, max_cost:.
        """) { args, ctx in
        try args.allowNamed(NetworkBuiltins.capNames.union(["value", "errors"]))
        guard args.count >= 2 else { throw ScriptError(.value, "send() needs an address and a function signature") }
        let to = try NetworkBuiltins.addressArgument(args.positional[0], "address", "send")
        let signature = try args.string(1, "signature")
        let values = Array(args.positional.dropFirst(2))
        let value = try amount(args.named("value"), "value", args) ?? 0
        let (function, data) = try ChainBuiltins.abi(signature) { () -> (ABIFunction, [UInt8]) in
            let f = try ABIFunction(signature: ConsoleReadBuiltins.castStyle(signature))
            let types = f.inputs.map(\.type)
            try ChainBuiltins.expectArity(types.count, values.count, f.signature)
            return (f, try f.encodeCall(try zip(values, types).map(ChainBuiltins.abiValue)))
        }
        let errors = try customErrors(args)
        let g = try Gateway.console(ctx, "send")
        let request = TransactionRequest(to: to, data: data, value: value, label: function.signature, errors: errors,
                                         journalMeta: value > 0 ? [("amount", .string(String(value)))] : [])
        return .string(try NetworkBuiltins.withCaps(args, g) { try g.sendTransaction(request) }.transactionHash)
    }

    static let transfer = BuiltinFunction("transfer", doc: """
        transfer(to, amount) sends amount of native OGPU from your account to an address and waits \
        for the receipt; returns the transaction hash. Journaled, capped and confirmed like every \
        send (the cap counts the amount: gas × max fee + value). Takes max_fee:, \
        max_priority_fee:, gas:, max_fee_per_gas:, max_cost:.
        """) { args, ctx in
        try args.allowNamed(NetworkBuiltins.capNames); try args.expectCount(2, 2)
        let to = try NetworkBuiltins.addressArgument(args.positional[0], "to", "transfer")
        guard let value = try amount(args.positional[1], "amount", args) else { throw ScriptError(.value, "transfer() needs an amount") }
        if value.isZero { throw ScriptError(.value, "transfer(): amount must be greater than 0") }
        let g = try Gateway.console(ctx, "transfer")
        let request = TransactionRequest(to: to, data: [], value: value, label: "transfer",
                                         journalMeta: [("amount", .string(String(value)))])
        return .string(try NetworkBuiltins.withCaps(args, g) { try g.sendTransaction(request) }.transactionHash)
    }

    static let speedUp = replacement("speed_up", .speedUp, doc: """
        speed_up(tx) replaces your pending transaction tx (a hash, or the "pending" error a send \
        raised) with the same call at the same nonce and fees at least 10% higher (both the max \
        fee and the tip, as nodes require), then waits until one of the two is mined; returns the \
        hash of the one that was. Journaled and capped like every send; max_fee:, \
        max_priority_fee: and gas: choose the new fees (at least 10% above the original's).
        """)

    static let cancelTx = replacement("cancel_tx", .cancel, doc: """
        cancel_tx(tx) replaces your pending transaction tx (a hash, or the "pending" error a send \
        raised) with a 0-value transfer to yourself at the same nonce and fees at least 10% \
        higher, so the original never takes effect; waits until one of the two is mined and \
        returns the hash of the one that was (the original's, if it won the race). Takes \
        max_fee:, max_priority_fee:, gas:, max_fee_per_gas:, max_cost:.
        """)

    static func replacement(_ name: String, _ kind: TransactionSender.ReplacementKind, doc: String) -> BuiltinFunction {
        BuiltinFunction(name, doc: doc) { args, ctx in
            try args.allowNamed(NetworkBuiltins.capNames); try args.expectCount(1, 1)
            let hash = try transactionHash(args.positional[0], args)
            let g = try Gateway.console(ctx, name)
            return .string(try NetworkBuiltins.withCaps(args, g) { try g.replace(hash, kind) }.receipt.transactionHash)
        }
    }

    static let walletNew = BuiltinFunction("wallet_new", doc: """
        wallet_new(path) creates a new key and writes it to path as a Web3 Secret Storage v3 \
        keystore (scrypt, as geth and eth-account write it; mode 0600; an existing file is never \
        overwritten), encrypted with a password asked at the terminal without echo, twice — or \
        taken from OGPU_PASSWORD when no --keystore uses it — never from the script. Returns only the new address; use the \
        file with --keystore.
        """) { args, ctx in
        try args.noNamed(); try args.expectCount(1, 1)
        let path = PathName.expandingTilde(try args.string(0, "path"))
        guard !path.isEmpty else { throw ScriptError(.value, "wallet_new(): `path` is empty") }
        let g = try Gateway.console(ctx, "wallet_new")
        return .address(try Gateway.run { try g.createWallet(at: path) })
    }

    // MARK: - Arguments

    static func amount(_ v: Value?, _ parameter: String, _ args: Arguments) throws -> BigUInt? {
        guard let v, !v.isNilValue else { return nil }
        guard case .amount(let w) = v else { throw args.typeError(parameter, expected: "an amount like ogpu(1)", got: v) }
        return w.big
    }

    /// A transaction hash: "0x" + 64 hex digits, or the `"pending"` error a send raised (its `data.tx`).
    static func transactionHash(_ v: Value, _ args: Arguments) throws -> String {
        var text = v
        if case .error(let e) = v, case .map(let data)? = e.data, let tx = data["tx"] { text = tx }
        guard case .string(let s) = text, s.utf8.count == 66, let bytes = ChainBuiltins.hexBytes(s), bytes.count == 32 else {
            throw ScriptError(.value, "\(args.callee)(): `tx` must be a transaction hash, \"0x\" + 64 hex digits (or the error a send raised)")
        }
        return Hex.encode(bytes)
    }

    static func customErrors(_ args: Arguments) throws -> [ABIError] {
        guard let v = args.named("errors") else { return [] }
        guard case .list(let items) = v else { throw args.typeError("errors", expected: "a list of error signatures", got: v) }
        return try items.map { item in
            guard case .string(let s) = item else { throw args.typeError("errors", expected: "a list of error signatures", got: item) }
            return try ChainBuiltins.abi(s) { try ABIError(signature: s) }
        }
    }
}
