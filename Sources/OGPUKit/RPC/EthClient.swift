import BigInt
import OGPUPrimitives

/// Typed `eth_*` calls over a `JSONRPCClient`. Thin on purpose: policy (nonces, fees, journaling)
/// lives in the sender; this layer only shapes requests and validates answers.
/// Sendable: stateless apart from `rpc`, which is Sendable itself.
public final class EthClient: @unchecked Sendable {
    public let rpc: JSONRPCClient

    public init(rpc: JSONRPCClient) { self.rpc = rpc }

    public convenience init(url: String, transport: HTTPTransport = CurlTransport(), cancellation: CancellationToken? = nil) {
        self.init(rpc: JSONRPCClient(url: url, transport: transport, cancellation: cancellation))
    }

    public func chainId() throws -> UInt64 { try EthQuantity.u64(rpc.call("eth_chainId"), "chainId") }

    public func blockNumber() throws -> UInt64 { try EthQuantity.u64(rpc.call("eth_blockNumber"), "blockNumber") }

    public func balance(of a: Address, at block: BlockTag = .latest) throws -> BigUInt {
        try EthQuantity.big(rpc.call("eth_getBalance", [.string(a.lowercaseHex), block.json]), "balance")
    }

    public func transactionCount(of a: Address, at block: BlockTag) throws -> UInt64 {
        try EthQuantity.u64(rpc.call("eth_getTransactionCount", [.string(a.lowercaseHex), block.json]), "transactionCount")
    }

    /// `eth_call`; a revert surfaces as `RPCError.server` carrying `revertData`.
    public func call(_ request: CallRequest, at block: BlockTag = .latest) throws -> [UInt8] {
        try EthQuantity.bytes(rpc.call("eth_call", [request.json, block.json]), "eth_call result")
    }

    /// Several `eth_call`s in one HTTP round trip; per-call failures come back in their slot.
    public func callBatch(_ requests: [CallRequest], at block: BlockTag = .latest) throws -> [Result<[UInt8], Error>] {
        let results = try rpc.batch(requests.map { RPCCall("eth_call", [$0.json, block.json]) })
        return results.map { r in
            switch r {
            case .success(let v): return Result { try EthQuantity.bytes(v, "eth_call result") }
            case .failure(let e): return .failure(e)
            }
        }
    }

    public func estimateGas(_ request: CallRequest) throws -> UInt64 {
        try EthQuantity.u64(rpc.call("eth_estimateGas", [request.json]), "gas estimate")
    }

    public func gasPrice() throws -> BigUInt { try EthQuantity.big(rpc.call("eth_gasPrice"), "gasPrice") }

    public func maxPriorityFeePerGas() throws -> BigUInt {
        try EthQuantity.big(rpc.call("eth_maxPriorityFeePerGas"), "maxPriorityFeePerGas")
    }

    public func feeHistory(blocks: Int, newest: BlockTag = .latest, percentiles: [Double]) throws -> FeeHistory {
        try FeeHistory(json: rpc.call("eth_feeHistory", [EthQuantity.encode(blocks), newest.json,
                                                          .array(percentiles.map { .double($0) })]))
    }

    public func block(_ tag: BlockTag = .latest) throws -> BlockHeader? {
        let v = try rpc.call("eth_getBlockByNumber", [tag.json, false])
        return v.isNull ? nil : try BlockHeader(json: v)
    }

    /// Broadcasts signed bytes; returns the hash the node reports.
    public func sendRawTransaction(_ raw: [UInt8]) throws -> String {
        try EthQuantity.hash(rpc.call("eth_sendRawTransaction", [.string(Hex.encode(raw))]), "transaction hash")
    }

    /// nil while the transaction is pending or unknown.
    public func receipt(_ hash: String) throws -> TransactionReceipt? {
        let v = try rpc.call("eth_getTransactionReceipt", [.string(hash)])
        if v.isNull { return nil }
        let receipt = try TransactionReceipt(json: v)
        // A receipt for another transaction (a confused proxy or cache) must never count as ours.
        guard receipt.transactionHash == hash.lowercased() else {
            throw EthDecodingError(field: "receipt.transactionHash", value: receipt.transactionHash)
        }
        return receipt
    }

    /// Whether the node knows the transaction at all (pending or mined).
    public func transactionKnown(_ hash: String) throws -> Bool {
        !(try rpc.call("eth_getTransactionByHash", [.string(hash)])).isNull
    }

    /// `eth_getLogs`. `topics[i]` lists the accepted values at position i (empty = any).
    public func logs(address: Address? = nil, topics: [[[UInt8]]] = [], from: BlockTag, to: BlockTag) throws -> [EthLog] {
        var filter: [(String, JSONValue)] = [("fromBlock", from.json), ("toBlock", to.json)]
        if let address { filter.append(("address", .string(address.lowercaseHex))) }
        if !topics.isEmpty {
            filter.append(("topics", .array(topics.map { options -> JSONValue in
                switch options.count {
                case 0: return .null
                case 1: return .string(Hex.encode(options[0]))
                default: return .array(options.map { .string(Hex.encode($0)) })
                }
            })))
        }
        guard case .array(let items) = try rpc.call("eth_getLogs", [.object(filter)]) else {
            throw EthDecodingError(field: "eth_getLogs result", value: "not an array")
        }
        return try items.map(EthLog.init(json:))
    }
}
