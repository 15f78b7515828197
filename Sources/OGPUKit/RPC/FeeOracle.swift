import BigInt
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OGPUPrimitives

/// What a transaction will pay per gas.
public enum FeeQuote: Sendable, Equatable {
    case eip1559(maxFeePerGas: BigUInt, maxPriorityFeePerGas: BigUInt)
    case legacy(gasPrice: BigUInt)

    /// The most one unit of gas can cost.
    public var maxPricePerGas: BigUInt {
        switch self {
        case .eip1559(let max, _): return max
        case .legacy(let p): return p
        }
    }
}

/// Fee and gas choices, following what web3.py does for the SDK (PROTOCOL.md §11.1) but with a gas
/// margin: EIP-1559 when the latest block has a base fee, priority from `eth_maxPriorityFeePerGas`
/// (falling back to `eth_feeHistory`), `maxFee = priority + 2·baseFee`; legacy `eth_gasPrice`
/// otherwise. Quotes are cached briefly so a batch of publishes costs one lookup.
/// Sendable: the cached quote is read and written under `lock`; `gasMargin` and `cacheSeconds` are settings, set before the oracle is shared.
public final class FeeOracle: @unchecked Sendable {
    public let eth: EthClient
    /// Gas limit = estimate × (1 + margin), so state changes between estimate and inclusion don't run out of gas.
    public var gasMargin: Double
    public var cacheSeconds: Double
    private let lock = Lock()
    private var cached: (quote: FeeQuote, at: Date)?

    public static let oneGwei = BigUInt(1_000_000_000)

    public init(eth: EthClient, gasMargin: Double = 0.2, cacheSeconds: Double = 3) {
        self.eth = eth
        self.gasMargin = gasMargin
        self.cacheSeconds = cacheSeconds
    }

    public func quote() throws -> FeeQuote {
        lock.lock()
        if let c = cached, Date().timeIntervalSince(c.at) < cacheSeconds { lock.unlock(); return c.quote }
        lock.unlock()
        let q = try freshQuote()
        lock.lock(); cached = (q, Date()); lock.unlock()
        return q
    }

    public func invalidate() { lock.lock(); cached = nil; lock.unlock() }

    private func freshQuote() throws -> FeeQuote {
        guard let block = try eth.block(.latest), let baseFee = block.baseFeePerGas else {
            return .legacy(gasPrice: try eth.gasPrice())
        }
        let priority: BigUInt
        if let p = try? eth.maxPriorityFeePerGas() {
            priority = p
        } else {
            priority = (try? priorityFromHistory()) ?? Self.oneGwei
        }
        return .eip1559(maxFeePerGas: priority + 2 * baseFee, maxPriorityFeePerGas: priority)
    }

    /// web3's fallback: mean of the non-zero 5th-percentile rewards of the last 10 blocks, clamped to [1, 1.5] gwei.
    private func priorityFromHistory() throws -> BigUInt {
        let history = try eth.feeHistory(blocks: 10, newest: .pending, percentiles: [5])
        let rewards = history.reward.compactMap(\.first).filter { $0 > 0 }
        guard !rewards.isEmpty else { return Self.oneGwei }
        let mean = rewards.reduce(0, +) / BigUInt(rewards.count)
        return min(max(mean, Self.oneGwei), Self.oneGwei * 3 / 2)
    }

    public func gasLimit(forEstimate estimate: UInt64) -> UInt64 {
        let padded = Double(estimate) * (1 + gasMargin)
        return UInt64(min(padded.rounded(.up), Double(UInt64.max / 2)))
    }
}
