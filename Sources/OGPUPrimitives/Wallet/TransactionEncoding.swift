import BigInt

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
