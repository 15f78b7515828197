import BigInt

/// One entry of an EIP-2930 access list: an address and the storage slots (32 bytes each) to warm.
public struct AccessListEntry: Equatable, Hashable, Sendable {
    public var address: Address
    public var storageKeys: [[UInt8]]

    public init(address: Address, storageKeys: [[UInt8]] = []) {
        self.address = address
        self.storageKeys = storageKeys
    }
}

/// The EIP-2718 envelope type.
public enum TransactionType: UInt8, Sendable, CustomStringConvertible {
    case legacy = 0
    case accessList = 1   // EIP-2930
    case dynamicFee = 2   // EIP-1559

    public var description: String {
        switch self {
        case .legacy: return "legacy"
        case .accessList: return "EIP-2930"
        case .dynamicFee: return "EIP-1559"
        }
    }
}

/// An unsigned Ethereum transaction. Build one with `.legacy`, `.accessList` or `.dynamicFee`, which
/// only admit the fee fields their type has; `sign(with:)` turns it into a `SignedTransaction`.
public struct Transaction: Equatable, Sendable {
    public let type: TransactionType
    /// nil only for a pre-EIP-155 legacy transaction (replayable on every chain).
    public let chainId: UInt64?
    public let nonce: UInt64
    /// Legacy and EIP-2930 transactions.
    public let gasPrice: BigUInt?
    /// EIP-1559 transactions.
    public let maxPriorityFeePerGas: BigUInt?
    public let maxFeePerGas: BigUInt?
    public let gasLimit: UInt64
    /// nil creates a contract.
    public let to: Address?
    public let value: BigUInt
    public let data: [UInt8]
    public let accessList: [AccessListEntry]

    /// A legacy transaction; `chainId` nil gives the pre-EIP-155 (replayable) form.
    public static func legacy(chainId: UInt64?, nonce: UInt64, gasPrice: BigUInt, gasLimit: UInt64,
                              to: Address?, value: BigUInt = 0, data: [UInt8] = []) -> Transaction {
        Transaction(type: .legacy, chainId: chainId, nonce: nonce, gasPrice: gasPrice, maxPriorityFeePerGas: nil,
                    maxFeePerGas: nil, gasLimit: gasLimit, to: to, value: value, data: data, accessList: [])
    }

    /// An EIP-2930 (type 1) transaction.
    public static func accessList(chainId: UInt64, nonce: UInt64, gasPrice: BigUInt, gasLimit: UInt64,
                                  to: Address?, value: BigUInt = 0, data: [UInt8] = [],
                                  accessList: [AccessListEntry] = []) -> Transaction {
        Transaction(type: .accessList, chainId: chainId, nonce: nonce, gasPrice: gasPrice, maxPriorityFeePerGas: nil,
                    maxFeePerGas: nil, gasLimit: gasLimit, to: to, value: value, data: data, accessList: accessList)
    }

    /// An EIP-1559 (type 2) transaction.
    public static func dynamicFee(chainId: UInt64, nonce: UInt64, maxPriorityFeePerGas: BigUInt, maxFeePerGas: BigUInt,
                                  gasLimit: UInt64, to: Address?, value: BigUInt = 0, data: [UInt8] = [],
                                  accessList: [AccessListEntry] = []) -> Transaction {
        Transaction(type: .dynamicFee, chainId: chainId, nonce: nonce, gasPrice: nil,
                    maxPriorityFeePerGas: maxPriorityFeePerGas, maxFeePerGas: maxFeePerGas, gasLimit: gasLimit,
                    to: to, value: value, data: data, accessList: accessList)
    }

    /// The 32-byte digest the sender signs.
    public func signingHash() throws -> [UInt8] {
        Keccak256.hash(try signingPayload())
    }

    /// Signs with RFC 6979 (deterministic) nonces: the same key and transaction always give the same bytes.
    public func sign(with key: PrivateKey) throws -> SignedTransaction {
        let body = try bodyFields()  // built once, shared by the signing payload and the encoding
        let signature = try key.sign(hash: Keccak256.hash(signingPayload(body: body)))
        return SignedTransaction(transaction: self, signature: signature, from: key.address,
                                 rawBytes: encode(body: body, signature: signature))
    }
}

/// A transaction with its signature, its network encoding (`rawBytes`, what `eth_sendRawTransaction`
/// takes), its hash and its sender.
public struct SignedTransaction: Equatable, Sendable {
    public let transaction: Transaction
    public let signature: Signature
    public let from: Address
    public let rawBytes: [UInt8]

    /// The transaction hash, keccak(rawBytes): what nodes and explorers call it. Computed on use, since
    /// signing does not need it.
    public var hash: [UInt8] { Keccak256.hash(rawBytes) }

    /// The legacy `v` value (27/28, or chainId·2+35/36), or the y-parity for typed transactions.
    public var v: BigUInt {
        switch transaction.type {
        case .legacy:
            if let chainId = transaction.chainId { return BigUInt(chainId) * 2 + 35 + BigUInt(signature.recoveryId) }
            return 27 + BigUInt(signature.recoveryId)
        case .accessList, .dynamicFee:
            return BigUInt(signature.recoveryId)
        }
    }
}
