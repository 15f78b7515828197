import BigInt
import OGPUPrimitives

/// A sending call's own fee and gas choices (the language's `max_fee:`, `max_priority_fee:` and
/// `gas:`), used in place of the node's quote and estimate for that call only. The spending
/// policy still sees the transaction as it will be signed, so the caps apply to the worst case
/// these choices allow (gas limit × max fee + value).
public struct SendOverrides: Sendable, Equatable {
    public var maxFeePerGas: BigUInt?
    public var maxPriorityFeePerGas: BigUInt?
    public var gasLimit: UInt64?

    /// Below this no transaction can be valid (a plain transfer's intrinsic gas).
    public static let minimumGas: UInt64 = 21_000

    public init(maxFeePerGas: BigUInt? = nil, maxPriorityFeePerGas: BigUInt? = nil, gasLimit: UInt64? = nil) {
        self.maxFeePerGas = maxFeePerGas
        self.maxPriorityFeePerGas = maxPriorityFeePerGas
        self.gasLimit = gasLimit
    }

    public var isEmpty: Bool { maxFeePerGas == nil && maxPriorityFeePerGas == nil && gasLimit == nil }

    /// Refuses choices no node would take or that contradict each other, before anything is asked.
    public func validate() throws {
        if let f = maxFeePerGas, f.isZero { throw SendRequestError.invalidOverride("max_fee must be greater than 0") }
        if let g = gasLimit, g < Self.minimumGas {
            throw SendRequestError.invalidOverride("gas must be at least \(Self.minimumGas) (a transaction's intrinsic gas), got \(g)")
        }
        if let f = maxFeePerGas, let p = maxPriorityFeePerGas, p > f {
            throw SendRequestError.invalidOverride(
                "max_priority_fee (\(Units.format(p, decimals: 9)) gwei) cannot exceed max_fee (\(Units.format(f, decimals: 9)) gwei)")
        }
    }

    /// The fee to sign with: `quote` with these choices in place. A max fee alone lowers the
    /// quoted tip to fit under it; a tip alone keeps the quote's allowance for the base fee.
    public func apply(to quote: FeeQuote) throws -> FeeQuote {
        switch quote {
        case .eip1559(let quotedMax, let quotedTip):
            switch (maxFeePerGas, maxPriorityFeePerGas) {
            case (nil, nil): return quote
            case (let m?, let p?): return .eip1559(maxFeePerGas: m, maxPriorityFeePerGas: p)
            case (let m?, nil): return .eip1559(maxFeePerGas: m, maxPriorityFeePerGas: min(quotedTip, m))
            case (nil, let p?):
                let baseAllowance = quotedMax > quotedTip ? quotedMax - quotedTip : 0
                return .eip1559(maxFeePerGas: baseAllowance + p, maxPriorityFeePerGas: p)
            }
        case .legacy:
            if maxPriorityFeePerGas != nil {
                throw SendRequestError.invalidOverride("this network prices gas the legacy way (one gas price): give max_fee: only")
            }
            return maxFeePerGas.map { .legacy(gasPrice: $0) } ?? quote
        }
    }
}

/// Why a console send (an override, a replacement) was refused before anything was signed.
public enum SendRequestError: Error, Sendable, CustomStringConvertible, Equatable {
    case invalidOverride(String)
    /// The call does not succeed with the gas limit asked for, though it does with the estimate.
    case gasTooLow(label: String, limit: UInt64, estimate: UInt64)
    /// `speed_up` / `cancel_tx`: the transaction cannot be replaced (unknown, not ours, mined…).
    case notReplaceable(hash: String, why: String)
    /// The replacement's fee must rise by at least 10% over the original's (what geth requires).
    case replacementUnderpriced(hash: String, why: String)

    public var description: String {
        switch self {
        case .invalidOverride(let why): return why
        case .gasTooLow(let l, let limit, let estimate):
            return "\(l): not signed: the call runs out of gas at gas: \(limit); the node estimates \(estimate)"
        case .notReplaceable(let h, let why): return "transaction \(h) cannot be replaced: \(why)"
        case .replacementUnderpriced(let h, let why):
            return "the replacement of \(h) was not signed: \(why)"
        }
    }
}

extension TransactionSender {
    /// Runs `body` with `overrides` for the transactions it signs, then restores the previous
    /// ones. Validated first, so contradicting choices never reach the node.
    public func withOverrides<T>(_ overrides: SendOverrides, _ body: () throws -> T) throws -> T {
        try overrides.validate()
        let saved = self.overrides
        self.overrides = overrides
        defer { self.overrides = saved }
        return try body()
    }

    /// The node's fee quote with this call's overrides in place.
    public func feeForThisCall() throws -> FeeQuote {
        try overrides.apply(to: try fees.quote())
    }

    /// The gas limit asked for with `gas:`, proven like an estimate: one `eth_call` at exactly
    /// that limit. A failure there is decided by a full estimate: a revert is reported as one,
    /// and a call that only needs more gas says how much.
    func overriddenGasLimit(for request: TransactionRequest, _ limit: UInt64) throws -> UInt64 {
        do {
            _ = try eth.call(callAtLimit(request, limit), at: .latest)
            return limit
        } catch let e as RPCError where e.isCancelled {
            throw e
        } catch {
            let estimate = try estimateGas(request)  // throws the revert, when it is one
            throw SendRequestError.gasTooLow(label: request.label, limit: limit, estimate: estimate)
        }
    }
}
