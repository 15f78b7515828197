import BigInt

extension SignedTransaction {
    /// Decodes a raw signed transaction (legacy, EIP-2930 or EIP-1559), strictly: canonical RLP and
    /// integers, exact field counts, nothing after the payload, 20-byte addresses, 32-byte storage
    /// keys, v / y-parity in range, 0 < r, s < n, s ≤ n/2 (EIP-2). The sender is recovered from the
    /// signature. Chain-level rules (chain id, intrinsic gas, …) are in `validate(chainId:)`.
    public static func decode(_ raw: [UInt8]) throws -> SignedTransaction {
        guard let first = raw.first else { throw TransactionError.empty }
        let type: TransactionType
        let payload: [UInt8]
        switch first {
        case 0xc0...0xff: type = .legacy; payload = raw
        case TransactionType.accessList.rawValue: type = .accessList; payload = Array(raw.dropFirst())
        case TransactionType.dynamicFee.rawValue: type = .dynamicFee; payload = Array(raw.dropFirst())
        case 0x80...0xbf: throw TransactionError.notAList
        default: throw TransactionError.unsupportedType(first)
        }
        let item: RLP.Item
        do { item = try RLP.decode(payload) } catch { throw TransactionError.rlp("\(error)") }
        guard case .list(let fields) = item else { throw TransactionError.notAList }
        var reader = FieldReader(fields: fields, type: type)

        // One pass reads all three payload layouts; they differ only in chainId, the fee fields,
        // accessList and v / yParity, so the same field always gets the same checks and error names:
        //   legacy    [        nonce, gasPrice,                            gasLimit, to, value, data,             v, r, s]
        //   EIP-2930  [chainId, nonce, gasPrice,                            gasLimit, to, value, data, accessList, yParity, r, s]
        //   EIP-1559  [chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gasLimit, to, value, data, accessList, yParity, r, s]
        let typed = type != .legacy
        let dynamicFee = type == .dynamicFee
        let fieldCount = switch type {
        case .legacy: 9
        case .accessList: 11
        case .dynamicFee: 12
        }
        try reader.expectCount(fieldCount)
        let typedChainId = try typed ? reader.uint64("chainId") : nil
        let nonce = try reader.uint64("nonce")
        let gasPrice = try dynamicFee ? nil : reader.uint256("gasPrice")
        let maxPriorityFeePerGas = try dynamicFee ? reader.uint256("maxPriorityFeePerGas") : nil
        let maxFeePerGas = try dynamicFee ? reader.uint256("maxFeePerGas") : nil
        let gasLimit = try reader.uint64("gasLimit")
        let to = try reader.to()
        let value = try reader.uint256("value")
        let data = try reader.bytes("data")
        let accessList = try typed ? reader.accessList() : []
        let chainId: UInt64?, recoveryId: UInt8
        if typed {
            (chainId, recoveryId) = (typedChainId, try reader.yParity())
        } else {
            (chainId, recoveryId) = try legacyV(reader.uint256("v"))
        }
        let signature = try reader.signature(recoveryId: recoveryId)
        let transaction = Transaction(type: type, chainId: chainId, nonce: nonce, gasPrice: gasPrice,
                                      maxPriorityFeePerGas: maxPriorityFeePerGas, maxFeePerGas: maxFeePerGas,
                                      gasLimit: gasLimit, to: to, value: value, data: data, accessList: accessList)

        guard Secp256k1.isLowS(signature.s) else { throw TransactionError.highS }
        let from: Address
        do {
            from = try recoverAddress(hash: try transaction.signingHash(), signature: signature)
        } catch {
            throw TransactionError.badSignature("no public key recovers from it (\(error))")
        }
        return SignedTransaction(transaction: transaction, signature: signature, from: from,
                                 rawBytes: raw)
    }

    /// Splits a legacy `v` into (chain id, recovery id): 27/28 carry no chain id, EIP-155 uses
    /// chainId·2 + 35/36.
    private static func legacyV(_ v: BigUInt) throws -> (UInt64?, UInt8) {
        if v == 27 || v == 28 { return (nil, UInt8(v - 27)) }
        guard v >= 35 else { throw TransactionError.badV("\(v) is neither 27/28 nor an EIP-155 value (≥ 35)") }
        let chainId = (v - 35) / 2
        guard chainId.bitWidth <= 64 else { throw TransactionError.badV("EIP-155 chain id \(chainId) exceeds 64 bits") }
        return (UInt64(chainId), UInt8((v - 35) % 2))
    }
}

/// Reads the fields of one decoded transaction in order, naming each in its errors.
private struct FieldReader {
    let fields: [RLP.Item]
    let type: TransactionType
    var index = 0

    init(fields: [RLP.Item], type: TransactionType) {
        self.fields = fields
        self.type = type
    }

    func expectCount(_ n: Int) throws {
        guard fields.count == n else { throw TransactionError.fieldCount(type: type, expected: n, got: fields.count) }
    }

    mutating func bytes(_ name: String) throws -> [UInt8] {
        defer { index += 1 }
        guard case .bytes(let b) = fields[index] else { throw TransactionError.expectedBytes(field: name) }
        return b
    }

    /// A canonical unsigned integer: no leading zero bytes (zero is the empty string).
    mutating func integerBytes(_ name: String, maxBits: Int) throws -> [UInt8] {
        let b = try bytes(name)
        if b.first == 0 { throw TransactionError.leadingZeros(field: name) }
        guard b.count <= maxBits / 8 else { throw TransactionError.integerTooLarge(field: name, maxBits: maxBits) }
        return b
    }

    mutating func uint64(_ name: String) throws -> UInt64 {
        try integerBytes(name, maxBits: 64).reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func uint256(_ name: String) throws -> BigUInt {
        try integerBytes(name, maxBits: 256).withUnsafeBytes { BigUInt($0) }
    }

    mutating func to() throws -> Address? {
        let b = try bytes("to")
        if b.isEmpty { return nil }
        guard b.count == 20 else { throw TransactionError.badAddress(field: "to", length: b.count) }
        return try Address(bytes: b)
    }

    mutating func accessList() throws -> [AccessListEntry] {
        defer { index += 1 }
        guard case .list(let entries) = fields[index] else { throw TransactionError.expectedList(field: "accessList") }
        return try entries.map { entry in
            guard case .list(let pair) = entry, pair.count == 2 else {
                throw TransactionError.expectedList(field: "accessList entry [address, storageKeys]")
            }
            guard case .bytes(let address) = pair[0] else { throw TransactionError.expectedBytes(field: "accessList address") }
            guard address.count == 20 else { throw TransactionError.badAddress(field: "accessList address", length: address.count) }
            guard case .list(let keys) = pair[1] else { throw TransactionError.expectedList(field: "accessList storageKeys") }
            let storageKeys: [[UInt8]] = try keys.map { key in
                guard case .bytes(let k) = key else { throw TransactionError.expectedBytes(field: "accessList storage key") }
                guard k.count == 32 else { throw TransactionError.badStorageKey(length: k.count) }
                return k
            }
            return AccessListEntry(address: try Address(bytes: address), storageKeys: storageKeys)
        }
    }

    mutating func yParity() throws -> UInt8 {
        let b = try integerBytes("yParity", maxBits: 8)
        guard b.isEmpty || b == [1] else { throw TransactionError.badV("y-parity must be 0 or 1") }
        return b.first ?? 0
    }

    /// r and s: canonical integers, then 0 < r, s < n.
    mutating func signature(recoveryId: UInt8) throws -> Signature {
        let r = try integerBytes("r", maxBits: .max), s = try integerBytes("s", maxBits: .max)
        guard r.count <= 32, s.count <= 32 else { throw TransactionError.badSignature("r and s must be below the curve order n") }
        let r32 = [UInt8](repeating: 0, count: 32 - r.count) + r
        let s32 = [UInt8](repeating: 0, count: 32 - s.count) + s
        guard !r.isEmpty, !s.isEmpty else { throw TransactionError.badSignature("r and s must be nonzero") }
        guard Secp256k1.lessThan(r32, Secp256k1.order), Secp256k1.lessThan(s32, Secp256k1.order) else {
            throw TransactionError.badSignature("r and s must be below the curve order n")
        }
        return try Signature(r: r32, s: s32, recoveryId: recoveryId)
    }
}
