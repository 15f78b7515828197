import BigInt
import OGPUPrimitives

/// A transaction as a node reports it (`eth_getTransactionByHash`): pending (no block yet) or mined.
public struct EthTransaction: Sendable {
    public let hash: String
    public let from: Address
    /// nil for a contract creation.
    public let to: Address?
    public let value: BigUInt
    public let nonce: UInt64
    public let gasLimit: UInt64
    /// Legacy and EIP-2930 transactions (nodes also report the effective price of mined EIP-1559 ones here).
    public let gasPrice: BigUInt?
    public let maxFeePerGas: BigUInt?
    public let maxPriorityFeePerGas: BigUInt?
    public let input: [UInt8]
    /// nil while pending.
    public let blockNumber: UInt64?
    /// 0 legacy, 1 EIP-2930, 2 EIP-1559.
    public let type: UInt64

    init(json v: JSONValue) throws {
        hash = try EthQuantity.hash(v["hash"], "transaction.hash")
        from = try EthQuantity.address(v["from"], "transaction.from")
        to = try v["to"].flatMap { $0.isNull ? nil : try EthQuantity.address($0, "transaction.to") }
        value = try EthQuantity.big(v["value"], "transaction.value")
        nonce = try EthQuantity.u64(v["nonce"], "transaction.nonce")
        gasLimit = try EthQuantity.u64(v["gas"], "transaction.gas")
        gasPrice = try v["gasPrice"].flatMap { $0.isNull ? nil : try EthQuantity.big($0, "transaction.gasPrice") }
        maxFeePerGas = try v["maxFeePerGas"].flatMap { $0.isNull ? nil : try EthQuantity.big($0, "transaction.maxFeePerGas") }
        maxPriorityFeePerGas = try v["maxPriorityFeePerGas"].flatMap {
            $0.isNull ? nil : try EthQuantity.big($0, "transaction.maxPriorityFeePerGas")
        }
        input = try EthQuantity.bytes(v["input"] ?? v["data"], "transaction.input")
        blockNumber = try v["blockNumber"].flatMap { $0.isNull ? nil : try EthQuantity.u64($0, "transaction.blockNumber") }
        type = try v["type"].flatMap { $0.isNull ? nil : try EthQuantity.u64($0, "transaction.type") } ?? 0
    }
}

extension EthClient {
    /// `eth_getTransactionByHash`: nil when the node does not know the transaction. An answer
    /// for another hash (a confused proxy or cache) is refused, as for receipts.
    public func transaction(_ hash: String) throws -> EthTransaction? {
        let v = try rpc.call("eth_getTransactionByHash", [.string(hash)])
        if v.isNull { return nil }
        let tx = try EthTransaction(json: v)
        guard tx.hash == hash.lowercased() else { throw EthDecodingError(field: "transaction.hash", value: tx.hash) }
        return tx
    }
}
