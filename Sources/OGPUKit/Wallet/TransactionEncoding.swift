import BigInt

/// Why a transaction could not be encoded, decoded or accepted.
public enum TransactionError: Error, Equatable, CustomStringConvertible {
    case empty
    case unsupportedType(UInt8)
    case rlp(String)
    case notAList
    case fieldCount(type: TransactionType, expected: Int, got: Int)
    case expectedBytes(field: String)
    case expectedList(field: String)
    case leadingZeros(field: String)
    case integerTooLarge(field: String, maxBits: Int)
    case badAddress(field: String, length: Int)
    case badStorageKey(length: Int)
    case badV(String)
    case badSignature(String)
    case highS
    case chainIdMismatch(expected: UInt64, got: UInt64?)
    case invalid(String)

    public var description: String {
        switch self {
        case .empty: return "raw transaction is empty"
        case .unsupportedType(let t):
            return String(format: "transaction type 0x%02x is not supported (legacy, 0x01 EIP-2930 and 0x02 EIP-1559 are)", t)
        case .rlp(let why): return "raw transaction is not valid RLP: \(why)"
        case .notAList: return "raw transaction must be an RLP list"
        case .fieldCount(let type, let expected, let got):
            return "\(type) transaction must have \(expected) fields, got \(got)"
        case .expectedBytes(let field): return "field \(field) must be a byte string, not a list"
        case .expectedList(let field): return "field \(field) must be a list"
        case .leadingZeros(let field): return "field \(field) is an integer with leading zero bytes (non-canonical)"
        case .integerTooLarge(let field, let bits): return "field \(field) exceeds \(bits) bits"
        case .badAddress(let field, let length): return "field \(field) must be a 20-byte address, got \(length) bytes"
        case .badStorageKey(let length): return "access list storage keys must be 32 bytes, got \(length)"
        case .badV(let why): return "invalid v: \(why)"
        case .badSignature(let why): return "invalid signature: \(why)"
        case .highS: return "signature s is above n/2 (forbidden since Homestead, EIP-2)"
        case .chainIdMismatch(let expected, let got):
            return "transaction is for chain \(got.map(String.init) ?? "any (no EIP-155 replay protection)"), expected chain \(expected)"
        case .invalid(let why): return "invalid transaction: \(why)"
        }
    }
}

extension Transaction {
    /// The bytes whose keccak the sender signs.
    func signingPayload() throws -> [UInt8] { signingPayload(body: try bodyFields()) }

    func signingPayload(body: [RLP.Item]) -> [UInt8] {
        var fields = body
        switch type {
        case .legacy:
            if let chainId { fields += [.uint(chainId), .bytes([]), .bytes([])] } // EIP-155
            return RLP.encode(.list(fields))
        case .accessList, .dynamicFee:
            return Self.typed(type, RLP.encode(.list(fields)))
        }
    }

    /// The network encoding with `signature` attached.
    func encode(signature: Signature) throws -> [UInt8] { encode(body: try bodyFields(), signature: signature) }

    func encode(body: [RLP.Item], signature: Signature) -> [UInt8] {
        var fields = body
        let r = RLP.Item.bytes(Self.stripZeros(signature.r)), s = RLP.Item.bytes(Self.stripZeros(signature.s))
        switch type {
        case .legacy:
            if let chainId, chainId <= (UInt64.max - 36) / 2 {
                fields += [.uint(chainId * 2 + 35 + UInt64(signature.recoveryId)), r, s]
            } else if let chainId {
                fields += [uint(BigUInt(chainId) * 2 + 35 + BigUInt(signature.recoveryId)), r, s]
            } else {
                fields += [.uint(27 + UInt64(signature.recoveryId)), r, s]
            }
            return RLP.encode(.list(fields))
        case .accessList, .dynamicFee:
            fields += [.uint(UInt64(signature.recoveryId)), r, s]
            return Self.typed(type, RLP.encode(.list(fields)))
        }
    }

    /// EIP-2718 envelope: the type byte, then the RLP payload.
    private static func typed(_ type: TransactionType, _ payload: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(payload.count + 1)
        out.append(type.rawValue)
        out.append(contentsOf: payload)
        return out
    }

    /// The fields shared by the signing payload and the signed encoding, in wire order.
    func bodyFields() throws -> [RLP.Item] {
        let toItem = RLP.Item.bytes(to?.bytes ?? [])
        switch type {
        case .legacy:
            return [.uint(nonce), try uint256(gasPrice ?? 0, "gasPrice"), .uint(gasLimit), toItem,
                    try uint256(value, "value"), .bytes(data)]
        case .accessList:
            guard let chainId else { throw TransactionError.invalid("EIP-2930 transactions need a chain id") }
            return [.uint(chainId), .uint(nonce), try uint256(gasPrice ?? 0, "gasPrice"),
                    .uint(gasLimit), toItem, try uint256(value, "value"), .bytes(data), try accessListItem()]
        case .dynamicFee:
            guard let chainId else { throw TransactionError.invalid("EIP-1559 transactions need a chain id") }
            return [.uint(chainId), .uint(nonce),
                    try uint256(maxPriorityFeePerGas ?? 0, "maxPriorityFeePerGas"),
                    try uint256(maxFeePerGas ?? 0, "maxFeePerGas"), .uint(gasLimit), toItem,
                    try uint256(value, "value"), .bytes(data), try accessListItem()]
        }
    }

    private func accessListItem() throws -> RLP.Item {
        .list(try accessList.map { entry in
            for key in entry.storageKeys where key.count != 32 { throw TransactionError.badStorageKey(length: key.count) }
            return .list([.bytes(entry.address.bytes), .list(entry.storageKeys.map { .bytes($0) })])
        })
    }

    private func uint(_ value: BigUInt) -> RLP.Item { .uint(value) }

    private func uint256(_ value: BigUInt, _ field: String) throws -> RLP.Item {
        guard value.bitWidth <= 256 else { throw TransactionError.integerTooLarge(field: field, maxBits: 256) }
        return uint(value)
    }

    static func stripZeros(_ bytes: [UInt8]) -> [UInt8] {
        guard let first = bytes.firstIndex(where: { $0 != 0 }) else { return [] }
        return Array(bytes[first...])
    }
}
