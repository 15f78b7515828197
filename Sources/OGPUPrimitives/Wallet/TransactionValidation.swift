import BigInt

/// Stateless rules a node applies before it even looks at the sender's account (Cancun rules).
/// Checking them before sending turns a node's terse rejection into a clear local error.
extension Transaction {
    /// EIP-3860: the most init code a contract-creating transaction may carry.
    public static let maxInitCodeSize = 49_152

    /// Gas charged before execution starts: base cost, calldata (EIP-2028 prices), contract creation
    /// with its init-code words (EIP-3860), and the access list (EIP-2930).
    public var intrinsicGas: UInt64 {
        var gas: UInt64 = 21_000
        let zeros = UInt64(data.lazy.filter { $0 == 0 }.count)
        gas += zeros * 4 + (UInt64(data.count) - zeros) * 16
        if to == nil {
            gas += 32_000
            gas += 2 * ((UInt64(data.count) + 31) / 32)
        }
        for entry in accessList {
            gas += 2_400 + 1_900 * UInt64(entry.storageKeys.count)
        }
        return gas
    }

    /// Throws when a node would reject this transaction on its face for chain `chainId`.
    public func validate(chainId expected: UInt64) throws {
        if let chainId, chainId != expected { throw TransactionError.chainIdMismatch(expected: expected, got: chainId) }
        // EIP-2681: the nonce is at most 2^64 - 2, so that incrementing it cannot overflow.
        guard nonce < UInt64.max else { throw TransactionError.invalid("nonce must be below 2^64 - 1 (EIP-2681)") }
        if to == nil, data.count > Self.maxInitCodeSize {
            throw TransactionError.invalid("init code is \(data.count) bytes, above the \(Self.maxInitCodeSize)-byte limit (EIP-3860)")
        }
        let intrinsic = intrinsicGas
        guard gasLimit >= intrinsic else {
            throw TransactionError.invalid("gas limit \(gasLimit) is below the intrinsic gas \(intrinsic)")
        }
        let price: BigUInt
        if let maxFeePerGas, let maxPriorityFeePerGas {
            guard maxPriorityFeePerGas <= maxFeePerGas else {
                throw TransactionError.invalid("maxPriorityFeePerGas \(maxPriorityFeePerGas) exceeds maxFeePerGas \(maxFeePerGas)")
            }
            price = maxFeePerGas
        } else {
            price = gasPrice ?? 0
        }
        for (name, amount) in [("value", value), ("gas price", price), ("priority fee", maxPriorityFeePerGas ?? 0)]
            where amount.bitWidth > 256 {
            throw TransactionError.integerTooLarge(field: name, maxBits: 256)
        }
        guard (BigUInt(gasLimit) * price).bitWidth <= 256 else {
            throw TransactionError.invalid("gas limit × fee per gas overflows 256 bits")
        }
    }
}

extension SignedTransaction {
    /// See `Transaction.validate(chainId:)`.
    public func validate(chainId: UInt64) throws { try transaction.validate(chainId: chainId) }
}
