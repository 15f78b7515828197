import OGPUPrimitives
import BigInt
import OGPUPrimitives

/// The most one transaction may cost: a hostile or broken node quotes the fees and estimates the
/// gas, so both are capped before anything is signed (like clef's rules or a hardware wallet's
/// limits). Total cost is what the signature authorises at worst: gas limit × max fee per gas + value.
public struct SpendingCaps: Sendable, Equatable {
    /// Cap on `maxFeePerGas` (EIP-1559) or `gasPrice` (legacy).
    public var maxFeePerGas: BigUInt
    /// Cap on gas limit × max fee per gas + value.
    public var maxTransactionCost: BigUInt

    public init(maxFeePerGas: BigUInt = SpendingCaps.defaultMaxFeePerGas,
                maxTransactionCost: BigUInt = SpendingCaps.defaultMaxTransactionCost) {
        self.maxFeePerGas = maxFeePerGas
        self.maxTransactionCost = maxTransactionCost
    }

    /// 1000 gwei: far above what an EIP-1559 quote (priority + 2 × base fee) is on a quiet chain,
    /// so a normal send never meets it, while a node quoting absurd fees is stopped.
    public static let defaultMaxFeePerGas = BigUInt(1_000) * FeeOracle.oneGwei
    /// 100 OGPU: a publish costs well under 1 OGPU in gas at the fee cap (≈ 400k gas × 1000 gwei =
    /// 0.4 OGPU); the rest leaves room for deposits. Larger deposits raise it explicitly.
    public static let defaultMaxTransactionCost = BigUInt(100) * BigUInt(10).power(18)
}

/// What a transaction about to be signed does, as a person approving it needs to see it.
public struct SigningSummary: Sendable {
    public let network: String
    public let chainId: UInt64
    /// `Contract.function`.
    public let label: String
    public let contract: Address
    public let from: Address
    /// Native OGPU sent with the call.
    public let value: BigUInt
    /// A task's payment, escrowed from the Vault (not part of the transaction's value).
    public let payment: BigUInt?
    public let gasLimit: UInt64
    public let maxFeePerGas: BigUInt
    /// Signed for a dry run: returned or printed, not broadcast by this client.
    public let dryRun: Bool

    /// The most the gas can cost.
    public var maxFee: BigUInt { BigUInt(gasLimit) * maxFeePerGas }
    /// The most the transaction can take from the account: max fee + value.
    public var maxCost: BigUInt { maxFee + value }

    /// The lines a confirmation prompt shows.
    public var lines: [String] {
        func ogpu(_ wei: BigUInt) -> String { Units.format(wei) + " OGPU" }
        var out = [
            "\(dryRun ? "sign (dry run, not sent)" : "send") on \(network) (chain id \(chainId)):",
            "  call      \(label)",
            "  contract  \(contract.checksummed)",
            "  from      \(from.checksummed)",
        ]
        if let payment { out.append("  payment   \(ogpu(payment)) (escrowed from your vault)") }
        out.append("  value     \(ogpu(value))")
        out.append("  max fee   \(ogpu(maxFee)) (gas limit \(gasLimit) × at most \(Units.format(maxFeePerGas, decimals: 9)) gwei)")
        return out
    }
}

/// Why a transaction was not signed. Each names the limit and how to change it.
public enum SpendingRefusal: Error, Sendable, CustomStringConvertible, Equatable {
    case feePerGasAboveCap(label: String, quoted: BigUInt, cap: BigUInt)
    case costAboveCap(label: String, cost: BigUInt, cap: BigUInt)
    case insecureEndpoint(label: String, url: String)
    /// Mainnet, nobody to ask, and no `--yes`.
    case confirmationNeeded(label: String)
    case declined(label: String)

    public var description: String {
        switch self {
        case .feePerGasAboveCap(let l, let q, let c):
            return "\(l): not signed: the node quotes \(Units.format(q, decimals: 9)) gwei per gas, above the cap of \(Units.format(c, decimals: 9)) gwei; raise it with --max-fee-per-gas GWEI, OGPU_MAX_FEE_PER_GAS or max_fee_per_gas: gwei(…)"
        case .costAboveCap(let l, let cost, let c):
            return "\(l): not signed: it may cost up to \(Units.format(cost)) OGPU (gas limit × max fee + value), above the cap of \(Units.format(c)) OGPU per transaction; raise it with --max-tx-cost OGPU, OGPU_MAX_TX_COST or max_cost: ogpu(…)"
        case .insecureEndpoint(let l, let url):
            return "\(l.isEmpty ? "" : l + ": ")not signed: \(url) is plain http:// to another machine, where anyone on the path can read and change what the node answers; use https://, or pass --allow-insecure-rpc to accept that"
        case .confirmationNeeded(let l):
            return "\(l): not signed: transactions on mainnet are confirmed at a terminal, and there is none to ask on; pass --yes to send from a script"
        case .declined(let l):
            return "\(l): not signed: declined at the confirmation prompt"
        }
    }
}

/// The checks every transaction passes just before it is signed (`TransactionSender.sign(_:for:)`):
/// the spending caps, the endpoint's transport, and — on mainnet — a person's approval.
///
/// A class because one policy is shared by the session's senders and dry-run signing, and a
/// sending built-in may lower or raise the caps for its own call (`withCaps`).
///
/// Sendable by contract, not by lock: a policy belongs to one session (KitGateway makes one per
/// network) and is set, read and changed on that session's thread only — a batch publish signs
/// on that thread too. A client without a policy (tests, tools) has none to share.
public final class SpendingPolicy: @unchecked Sendable {
    public var caps: SpendingCaps
    /// Name shown in confirmations ("mainnet", …).
    public var networkName: String
    /// The endpoint whose answers (fees, nonces, estimates) the transaction is built from.
    public var rpcURL: String
    /// Ask before signing (mainnet).
    public var confirmSigning: Bool
    /// `--yes`: approve without asking.
    public var assumeYes: Bool
    /// `--allow-insecure-rpc`: sign from a plain-http endpoint on another machine.
    public var allowInsecureRPC: Bool
    /// Asks a person; nil when there is nobody to ask (no terminal). Returns true to sign.
    public var confirm: ((SigningSummary) -> Bool)?
    /// The last approval, so a retry of the same call (its nonce was taken) at no higher cost is
    /// not asked again. A new call is always asked, even with the same calldata (the same draft
    /// published twice is two tasks).
    private var approved: (data: [UInt8], to: Address, value: BigUInt, cost: BigUInt)?

    public init(caps: SpendingCaps = SpendingCaps(), networkName: String, rpcURL: String, confirmSigning: Bool = false,
                assumeYes: Bool = false, allowInsecureRPC: Bool = false, confirm: ((SigningSummary) -> Bool)? = nil) {
        self.caps = caps
        self.networkName = networkName
        self.rpcURL = rpcURL
        self.confirmSigning = confirmSigning
        self.assumeYes = assumeYes
        self.allowInsecureRPC = allowInsecureRPC
        self.confirm = confirm
    }

    /// Runs `body` with other caps (a built-in's named arguments), then restores the session's.
    public func withCaps<T>(_ override: SpendingCaps, _ body: () throws -> T) rethrows -> T {
        let saved = caps
        caps = override
        defer { caps = saved }
        return try body()
    }

    /// Refuses a plain-http endpoint on another machine (unless allowed): its fee quotes, nonces
    /// and estimates can be changed by anyone on the way. Also checked when a signing session
    /// starts, so the refusal comes before any request is made.
    public func checkEndpoint(label: String) throws {
        if !allowInsecureRPC, !HTTPEndpoint.isConfidential(rpcURL) {
            throw SpendingRefusal.insecureEndpoint(label: label, url: HTTPRedaction.redact(rpcURL))
        }
    }

    /// Throws `SpendingRefusal` unless `tx` may be signed.
    public func authorize(_ tx: Transaction, label: String, from: Address, payment: BigUInt?, dryRun: Bool,
                          retry: Bool = false) throws {
        try checkEndpoint(label: label)
        let feePerGas = tx.maxFeePerGas ?? tx.gasPrice ?? 0
        if feePerGas > caps.maxFeePerGas {
            throw SpendingRefusal.feePerGasAboveCap(label: label, quoted: feePerGas, cap: caps.maxFeePerGas)
        }
        let summary = SigningSummary(network: networkName, chainId: tx.chainId ?? 0, label: label,
                                     contract: tx.to ?? Address.zero, from: from, value: tx.value, payment: payment,
                                     gasLimit: tx.gasLimit, maxFeePerGas: feePerGas, dryRun: dryRun)
        if summary.maxCost > caps.maxTransactionCost {
            throw SpendingRefusal.costAboveCap(label: label, cost: summary.maxCost, cap: caps.maxTransactionCost)
        }
        guard confirmSigning, !assumeYes else { return }
        if retry, let a = approved, a.data == tx.data, a.to == summary.contract, a.value == tx.value, summary.maxCost <= a.cost {
            return
        }
        guard let confirm else { throw SpendingRefusal.confirmationNeeded(label: label) }
        guard confirm(summary) else { throw SpendingRefusal.declined(label: label) }
        approved = (tx.data, summary.contract, tx.value, summary.maxCost)
    }
}
