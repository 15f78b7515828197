import BigInt
import OGPUPrimitives

/// Decoding of the node's JSON shapes into typed values, with errors that say which field was bad.
public struct EthDecodingError: Error, Sendable, CustomStringConvertible {
    public let field: String
    public let value: String
    public var description: String { "node returned an invalid \(field): \(value.prefix(80))" }
}

public enum EthQuantity {
    public static func encode(_ v: BigUInt) -> JSONValue { .string("0x" + String(v, radix: 16)) }
    public static func encode<I: BinaryInteger>(_ v: I) -> JSONValue { .string("0x" + String(v, radix: 16)) }

    public static func big(_ v: JSONValue?, _ field: String) throws -> BigUInt {
        guard let s = v?.stringValue, s.hasPrefix("0x"), s.count > 2, s.count <= 66,
              let n = BigUInt(s.dropFirst(2), radix: 16) else {
            throw EthDecodingError(field: field, value: v.map { JSONWriter.string($0) } ?? "missing")
        }
        return n
    }

    public static func u64(_ v: JSONValue?, _ field: String) throws -> UInt64 {
        guard let s = v?.stringValue, s.hasPrefix("0x"), s.count > 2, let n = UInt64(s.dropFirst(2), radix: 16) else {
            throw EthDecodingError(field: field, value: v.map { JSONWriter.string($0) } ?? "missing")
        }
        return n
    }

    public static func bytes(_ v: JSONValue?, _ field: String) throws -> [UInt8] {
        guard let s = v?.stringValue, s.hasPrefix("0x"), let b = try? Hex.decode(s) else {
            throw EthDecodingError(field: field, value: v.map { JSONWriter.string($0) } ?? "missing")
        }
        return b
    }

    public static func address(_ v: JSONValue?, _ field: String) throws -> Address {
        guard let s = v?.stringValue, let a = try? Address(hex: s) else {
            throw EthDecodingError(field: field, value: v.map { JSONWriter.string($0) } ?? "missing")
        }
        return a
    }

    public static func hash(_ v: JSONValue?, _ field: String) throws -> String {
        let b = try bytes(v, field)
        guard b.count == 32 else { throw EthDecodingError(field: field, value: v?.stringValue ?? "missing") }
        return Hex.encode(b)
    }
}

/// A block tag or number for reads.
public enum BlockTag: Sendable, Equatable {
    case latest, pending, earliest, safe, finalized
    case number(UInt64)

    public var json: JSONValue {
        switch self {
        case .latest: return "latest"
        case .pending: return "pending"
        case .earliest: return "earliest"
        case .safe: return "safe"
        case .finalized: return "finalized"
        case .number(let n): return EthQuantity.encode(n)
        }
    }
}

public struct EthLog: Sendable, Equatable {
    public let address: Address
    public let topics: [[UInt8]]
    public let data: [UInt8]
    public let blockNumber: UInt64?
    public let transactionHash: String?
    public let logIndex: UInt64?

    public init(address: Address, topics: [[UInt8]], data: [UInt8], blockNumber: UInt64? = nil,
                transactionHash: String? = nil, logIndex: UInt64? = nil) {
        self.address = address
        self.topics = topics
        self.data = data
        self.blockNumber = blockNumber
        self.transactionHash = transactionHash
        self.logIndex = logIndex
    }

    init(json v: JSONValue) throws {
        address = try EthQuantity.address(v["address"], "log.address")
        topics = try (v["topics"]?.arrayValue ?? []).map { try EthQuantity.bytes($0, "log.topic") }
        data = try EthQuantity.bytes(v["data"], "log.data")
        blockNumber = try v["blockNumber"].flatMap { $0.isNull ? nil : try EthQuantity.u64($0, "log.blockNumber") }
        transactionHash = try v["transactionHash"].flatMap { $0.isNull ? nil : try EthQuantity.hash($0, "log.transactionHash") }
        logIndex = try v["logIndex"].flatMap { $0.isNull ? nil : try EthQuantity.u64($0, "log.logIndex") }
    }
}

public struct TransactionReceipt: Sendable {
    public let transactionHash: String
    public let blockNumber: UInt64
    public let blockHash: String?
    /// 1 = success, 0 = reverted.
    public let status: UInt64
    public let gasUsed: BigUInt
    public let effectiveGasPrice: BigUInt?
    public let from: Address?
    public let to: Address?
    public let contractAddress: Address?
    public let logs: [EthLog]

    public var succeeded: Bool { status == 1 }

    /// A receipt from its parts (a test's fake gateway; nodes' receipts come from `init(json:)`).
    public init(transactionHash: String, blockNumber: UInt64, status: UInt64, gasUsed: BigUInt = 0,
                effectiveGasPrice: BigUInt? = nil, from: Address? = nil, to: Address? = nil, blockHash: String? = nil,
                contractAddress: Address? = nil, logs: [EthLog] = []) {
        self.transactionHash = transactionHash; self.blockNumber = blockNumber; self.blockHash = blockHash
        self.status = status; self.gasUsed = gasUsed; self.effectiveGasPrice = effectiveGasPrice
        self.from = from; self.to = to; self.contractAddress = contractAddress; self.logs = logs
    }

    init(json v: JSONValue) throws {
        transactionHash = try EthQuantity.hash(v["transactionHash"], "receipt.transactionHash")
        blockNumber = try EthQuantity.u64(v["blockNumber"], "receipt.blockNumber")
        blockHash = v["blockHash"]?.stringValue
        status = try EthQuantity.u64(v["status"], "receipt.status")
        gasUsed = try EthQuantity.big(v["gasUsed"], "receipt.gasUsed")
        effectiveGasPrice = try v["effectiveGasPrice"].flatMap { $0.isNull ? nil : try EthQuantity.big($0, "receipt.effectiveGasPrice") }
        from = try v["from"].flatMap { $0.isNull ? nil : try EthQuantity.address($0, "receipt.from") }
        to = try v["to"].flatMap { $0.isNull ? nil : try EthQuantity.address($0, "receipt.to") }
        contractAddress = try v["contractAddress"].flatMap { $0.isNull ? nil : try EthQuantity.address($0, "receipt.contractAddress") }
        logs = try (v["logs"]?.arrayValue ?? []).map(EthLog.init(json:))
    }
}

public struct BlockHeader: Sendable {
    public let number: UInt64
    public let timestamp: UInt64
    public let baseFeePerGas: BigUInt?

    init(json v: JSONValue) throws {
        number = try EthQuantity.u64(v["number"], "block.number")
        timestamp = try EthQuantity.u64(v["timestamp"], "block.timestamp")
        baseFeePerGas = try v["baseFeePerGas"].flatMap { $0.isNull ? nil : try EthQuantity.big($0, "block.baseFeePerGas") }
    }
}

public struct FeeHistory: Sendable {
    public let baseFeePerGas: [BigUInt]
    /// rewards[block][percentile]
    public let reward: [[BigUInt]]

    init(json v: JSONValue) throws {
        baseFeePerGas = try (v["baseFeePerGas"]?.arrayValue ?? []).map { try EthQuantity.big($0, "feeHistory.baseFeePerGas") }
        reward = try (v["reward"]?.arrayValue ?? []).map { row in
            try (row.arrayValue ?? []).map { try EthQuantity.big($0, "feeHistory.reward") }
        }
    }
}

/// A call or gas-estimation request (`eth_call` / `eth_estimateGas` object).
public struct CallRequest: Sendable {
    public var from: Address?
    public var to: Address?
    public var data: [UInt8]
    public var value: BigUInt
    /// Gas limit to run with; nil lets the node choose (its block gas limit or a cap).
    public var gas: UInt64?

    public init(from: Address? = nil, to: Address?, data: [UInt8], value: BigUInt = 0, gas: UInt64? = nil) {
        self.from = from
        self.to = to
        self.data = data
        self.value = value
        self.gas = gas
    }

    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = []
        if let from { pairs.append(("from", .string(from.lowercaseHex))) }
        if let to { pairs.append(("to", .string(to.lowercaseHex))) }
        if let gas { pairs.append(("gas", EthQuantity.encode(gas))) }
        pairs.append(("data", .string(Hex.encode(data))))
        if value > 0 { pairs.append(("value", EthQuantity.encode(value))) }
        return .object(pairs)
    }
}
