import BigInt
import OGPUPrimitives

/// The chain console's pure tools, in the manner of Foundry's `cast`: hashing, ABI encoding and
/// decoding by human-readable signature, unit conversion and EIP-191 message verification. None of
/// them reaches the network; each is the client core's own implementation (OGPUPrimitives), so a
/// script computes exactly what a transaction would carry.
///
/// Bytes are written as `0x`-prefixed lowercase hex strings, both ways.
enum ChainBuiltins {
    static let all: [BuiltinFunction] = [keccak, abiEncode, abiDecode, verifyMessage, toWei, fromWei]

    static let keccak = BuiltinFunction("keccak", doc: """
        keccak(x) is the Keccak-256 hash of x as a 0x-prefixed hex string. A string of the form \
        "0x" + an even number of hex digits is hashed as the bytes it spells (as `cast keccak` \
        does); any other string as its UTF-8 text. keccak(x, text: true) always hashes the text: \
        keccak("Transfer(address,address,uint256)") is an event's topic.
        """) { args, _ in
        try args.allowNamed(["text"]); try args.expectCount(1, 1)
        let s = try args.string(0, "x")
        let asText = args.named("text")?.isTruthy ?? false
        let bytes = asText ? Array(s.utf8) : (hexBytes(s) ?? Array(s.utf8))
        return .string(Hex.encode(Keccak256.hash(bytes)))
    }

    static let abiEncode = BuiltinFunction("abi_encode", doc: """
        abi_encode(signature, args...) ABI-encodes args. With a function signature \
        ("transfer(address,uint256)", names and `function … returns (…)` allowed) the result is \
        calldata: the 4-byte selector, then the arguments; with a bare type list ("(uint256,string)") \
        just the arguments. ints and amounts (as wei) fill uint/int, addresses or address strings \
        fill address, "0x…" hex strings fill bytes/bytesN, lists fill arrays and tuples.
        """) { args, _ in
        try args.noNamed()
        guard args.count >= 1 else { throw ScriptError(.value, "abi_encode() needs a signature") }
        let signature = try args.string(0, "signature")
        let values = Array(args.positional.dropFirst())
        return try abi(signature) {
            if signature.trimmingPrefixSpaces.hasPrefix("(") {
                let types = try tupleTypes(signature)
                try expectArity(types.count, values.count, signature)
                return .string(Hex.encode(try ABIEncoder.encode(try zip(values, types).map(abiValue), as: types)))
            }
            let function = try ABIFunction(signature: signature)
            let types = function.inputs.map(\.type)
            try expectArity(types.count, values.count, function.signature)
            return .string(Hex.encode(try function.encodeCall(try zip(values, types).map(abiValue))))
        }
    }

    static let abiDecode = BuiltinFunction("abi_decode", doc: """
        abi_decode(types, data) decodes "0x…" ABI data: abi_decode("(uint256,string)", d) is a list \
        of the values, abi_decode("uint256", d) the one value. Decoding is strict (canonical \
        encodings only, as the core reads node answers). uint/int become ints, address an address, \
        bytes a "0x…" string, arrays and tuples lists.
        """) { args, _ in
        try args.noNamed(); try args.expectCount(2, 2)
        let typeText = try args.string(0, "types")
        let dataText = try args.string(1, "data")
        guard let data = hexBytes(dataText) else {
            throw ScriptError(.value, "abi_decode(): `data` must be \"0x\" followed by an even number of hex digits")
        }
        return try abi(typeText) {
            let type = try ABIType(typeText)
            if case .tuple(let types, _) = type, typeText.trimmingPrefixSpaces.hasPrefix("(") {
                return .list(try ABIDecoder.decode(types, from: data).map(scriptValue))
            }
            return scriptValue(try ABIDecoder.decode(type, from: data))
        }
    }

    static let verifyMessage = BuiltinFunction("verify_message", doc: """
        verify_message(message, signature, signer) is true when signature (65 bytes as "0x…", \
        r ‖ s ‖ v as `personal_sign` and eth-account write it) signs message under EIP-191 \
        ("\\x19Ethereum Signed Message:\\n" + length + message) with signer's key. A string \
        message is signed as its UTF-8 text; "0x…" hex as its bytes.
        """) { args, _ in
        try args.noNamed(); try args.expectCount(3, 3)
        let message = try args.string(0, "message")
        let sigText = try args.string(1, "signature")
        let signer = try AddressArgument.convert(args.positional[2], parameter: "signer", callee: "verify_message")
        guard let sig = hexBytes(sigText), sig.count == 65 else {
            throw ScriptError(.value, "verify_message(): `signature` must be 65 bytes as \"0x\" + 130 hex digits")
        }
        let v = sig[64] >= 27 ? sig[64] - 27 : sig[64]
        guard v <= 1, let signature = try? Signature(r: Array(sig[0..<32]), s: Array(sig[32..<64]), recoveryId: v) else {
            return .bool(false)
        }
        let body = hexBytes(message) ?? Array(message.utf8)
        let hash = Keccak256.hash(Array("\u{19}Ethereum Signed Message:\n\(body.count)".utf8) + body)
        guard let recovered = try? recoverAddress(hash: hash, signature: signature) else { return .bool(false) }
        return .bool(recovered == signer)
    }

    /// Units by name, as web3 and cast spell them; "ogpu" is OpenGPU's 10^18.
    static let units: [(String, Int)] = [("wei", 0), ("kwei", 3), ("mwei", 6), ("gwei", 9), ("szabo", 12),
                                         ("finney", 15), ("ether", 18), ("ogpu", 18)]

    static func decimals(_ args: Arguments, _ i: Int) throws -> Int {
        guard args.count > i else { return 18 }
        let name = try args.string(i, "unit").lowercased()
        guard let d = units.first(where: { $0.0 == name })?.1 else {
            throw ScriptError(.value, "unknown unit `\(name)`; use one of " + units.map { "\"\($0.0)\"" }.joined(separator: ", "))
        }
        return d
    }

    static let toWei = BuiltinFunction("to_wei", doc: """
        to_wei(x, unit = "ogpu") is x units as an int of wei: to_wei(1.5, "gwei") is 1500000000. \
        Units: wei, kwei, mwei, gwei, szabo, finney, ether, ogpu. An amount is already in wei: \
        to_wei(ogpu(1)) is 10^18. Finer than 1 wei, or negative, is a "value" error.
        """) { args, _ in
        try args.noNamed(); try args.expectCount(1, 2)
        if case .amount(let w) = args.positional[0] { return .integer(BigInt(w.big)) }
        return .integer(BigInt(try AmountBuiltins.wei(args.positional[0], decimals: try decimals(args, 1), args)))
    }

    static let fromWei = BuiltinFunction("from_wei", doc: """
        from_wei(n, unit = "ogpu") is n wei (an int or an amount) in unit, as an exact dec: \
        from_wei(1500000000, "gwei") is 1.5.
        """) { args, _ in
        try args.noNamed(); try args.expectCount(1, 2)
        let wei: BigInt
        switch args.positional[0] {
        case .amount(let w): wei = BigInt(w.big)
        case let v:
            guard let n = v.bigIntValue, !(v.decValue.map { !$0.isInteger } ?? false) else {
                throw args.typeError("n", expected: "an int of wei or an amount", got: v)
            }
            wei = n
        }
        return .dec(Dec(mantissa: wei, scale: try decimals(args, 1)))
    }

    // MARK: - Conversions between script values and ABI values

    /// Runs an ABI operation, turning the core's parse/coding errors into `"value"` errors that
    /// name the signature.
    static func abi<T>(_ signature: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as ScriptError { throw e } catch {
            throw ScriptError(.value, "`\(signature)`: \(error)")
        }
    }

    static func tupleTypes(_ text: String) throws -> [ABIType] {
        guard case .tuple(let types, _) = try ABIType(text) else {
            throw ScriptError(.value, "`\(text)` is not a type list like \"(uint256,string)\"")
        }
        return types
    }

    static func expectArity(_ wanted: Int, _ got: Int, _ signature: String) throws {
        guard wanted == got else {
            throw ScriptError(.value, "`\(signature)` takes \(wanted) argument\(wanted == 1 ? "" : "s"), got \(got)")
        }
    }

    /// `0x` + an even number of hex digits as bytes; nil for anything else.
    static func hexBytes(_ s: String) -> [UInt8]? {
        guard s.hasPrefix("0x") || s.hasPrefix("0X"), s.utf8.count % 2 == 0 else { return nil }
        return try? Hex.decode(s)
    }

    static func abiValue(_ v: Value, _ type: ABIType) throws -> ABIValue {
        func mismatch() -> ScriptError {
            ScriptError(.type, "an ABI \(type.canonical) cannot be made from \(v.typeName) \(ValueFormat.quoted(v))")
        }
        switch type {
        case .uint, .int:
            switch v {
            case .amount(let w): return .uint(w.big)
            case .bool: throw mismatch()
            default:
                guard let n = v.bigIntValue, v.decValue?.isInteger ?? true else { throw mismatch() }
                return .int(n)
            }
        case .address:
            return .address(try AddressArgument.convert(v, parameter: "address", callee: "abi_encode"))
        case .bool:
            guard case .bool(let b) = v else { throw mismatch() }
            return .bool(b)
        case .string:
            guard case .string(let s) = v else { throw mismatch() }
            return .string(s)
        case .bytes, .fixedBytes:
            guard case .string(let s) = v, let b = hexBytes(s) else { throw mismatch() }
            return .bytes(b)
        case .array(let element), .fixedArray(let element, _):
            guard case .list(let items) = v else { throw mismatch() }
            return .array(try items.map { try abiValue($0, element) })
        case .tuple(let types, _):
            guard case .list(let items) = v, items.count == types.count else { throw mismatch() }
            return .tuple(try zip(items, types).map(abiValue))
        }
    }

    static func scriptValue(_ v: ABIValue) -> Value {
        switch v {
        case .uint(let n): return .integer(BigInt(n))
        case .int(let n): return .integer(n)
        case .address(let a): return .address(a)
        case .bool(let b): return .bool(b)
        case .bytes(let b): return .string(Hex.encode(b))
        case .string(let s): return .string(s)
        case .array(let items), .tuple(let items): return .list(items.map(scriptValue))
        }
    }
}

private extension String {
    var trimmingPrefixSpaces: Substring { drop { $0 == " " } }
}
