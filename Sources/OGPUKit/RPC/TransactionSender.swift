import BigInt
#if canImport(FoundationEssentials)
import FoundationEssentials
import Glibc
#else
import Foundation
#endif
import OGPUPrimitives

/// A contract call to turn into a transaction.
public struct TransactionRequest: Sendable {
    public var to: Address
    public var data: [UInt8]
    public var value: BigUInt
    /// `Contract.function`, used in errors and the journal.
    public var label: String
    /// Custom errors the target may revert with, for decoding.
    public var errors: [ABIError]
    /// Extra facts for the journal (e.g. the task's config URL), to make recovery possible.
    public var journalMeta: [(String, JSONValue)]

    public init(to: Address, data: [UInt8], value: BigUInt = 0, label: String, errors: [ABIError] = [],
                journalMeta: [(String, JSONValue)] = []) {
        self.to = to
        self.data = data
        self.value = value
        self.label = label
        self.errors = errors
        self.journalMeta = journalMeta
    }
}

/// A transaction that a node has accepted (or that may be in flight), not yet known to be mined.
public struct PendingTransaction: Sendable {
    public let hash: String
    public let nonce: UInt64
    public let from: Address
    public let raw: [UInt8]
    public let request: TransactionRequest
    public let gasLimit: UInt64
}

public enum SendError: Error, Sendable, CustomStringConvertible {
    /// The node refused the transaction outright (it is not pending anywhere).
    case rejected(label: String, message: String)
    /// Not enough native balance for gas × price + value.
    case insufficientFunds(label: String, message: String)
    /// The transaction was signed and journaled, but whether a node received it is unknown after
    /// repeated transport failures. It must be reconciled by hash — never re-signed.
    case deliveryUncertain(label: String, hash: String, underlying: String)
    /// Broadcast, but no receipt within the timeout. It may still be mined.
    case receiptTimeout(label: String, hash: String, seconds: Double)
    /// The nonce kept colliding with other transactions from the same account.
    case nonceConflict(label: String, attempts: Int)
    case cancelled(label: String, hash: String?)

    public var description: String {
        switch self {
        case .rejected(let l, let m): return "\(l): node rejected the transaction: \(m)"
        case .insufficientFunds(let l, let m): return "\(l): insufficient funds for gas and value: \(m)"
        case .deliveryUncertain(let l, let h, let u):
            return "\(l): could not confirm that transaction \(h) reached the node (\(u)); it is in the send journal — check it by hash before trying again"
        case .receiptTimeout(let l, let h, let s):
            return "\(l): transaction \(h) was broadcast but not mined within \(Int(s)) s; it may still be mined — check it by hash before trying again"
        case .nonceConflict(let l, let n): return "\(l): nonce kept conflicting with other transactions after \(n) attempts"
        case .cancelled(let l, let h): return "\(l): cancelled" + (h.map { " (transaction \($0) may still be mined)" } ?? "")
        }
    }

    public var transactionHash: String? {
        switch self {
        case .deliveryUncertain(_, let h, _), .receiptTimeout(_, let h, _): return h
        case .cancelled(_, let h): return h
        default: return nil
        }
    }
}

/// Turns calls into mined transactions exactly once:
/// gas check (a revert here is reported before anything is signed) → fee quote → nonce →
/// sign → **journal + fsync** → broadcast → receipt. After an ambiguous transport failure the same
/// signed bytes are re-broadcast (same hash, so never a second transaction) after checking by hash;
/// a different transaction is signed only when the node proves the first can never be mined
/// ("nonce too low", "replacement transaction underpriced").
/// Sendable: its shared state lives in the nonce manager, journal, fee oracle and gas plan, each of which locks; `receiptTimeout`, `broadcastAttempts` and `onBroadcast` are settings, set before the sender is shared (a batch uses it from one thread).
public final class TransactionSender: @unchecked Sendable {
    public let eth: EthClient
    public let signer: PrivateKey
    public let chainId: UInt64
    public let journal: SendJournal
    public let nonces: NonceManager
    public let fees: FeeOracle
    /// Estimates already paid for, by call shape: a later call of the same shape is checked with
    /// one `eth_call` at the gas limit it will be sent with instead of a fresh estimate.
    public let gasPlan = GasPlan()
    /// Seconds to wait for a receipt: 120, or `OGPU_RECEIPT_TIMEOUT` when set (tests, slow chains).
    public var receiptTimeout: Double = TransactionSender.defaultReceiptTimeout
    public var broadcastAttempts = 4
    /// How long a displaced transaction (its nonce used, itself not found) must stay unfound, if
    /// no new block arrives sooner, before it is taken as never mined (see `settleDisplaced`).
    public var absenceWindow: Double = 10
    /// Makes ogpu processes sending from this account take turns (see `AccountLock`).
    public let accountLock: AccountLock
    public let cancellation: CancellationToken?
    /// Told the moment a node has a transaction (label, hash), before its receipt: a person waiting
    /// on a slow chain sees the hash at once and can look it up.
    public var onBroadcast: ((_ label: String, _ hash: String) -> Void)?
    /// Checked just before every signature (spending caps, endpoint, mainnet confirmation); nil
    /// signs anything.
    public var policy: SpendingPolicy?
    /// This call's own fee and gas choices (`withOverrides`); empty: the node's quote and estimate.
    public internal(set) var overrides = SendOverrides()

    public init(eth: EthClient, signer: PrivateKey, chainId: UInt64, journal: SendJournal, nonces: NonceManager = NonceManager(),
                fees: FeeOracle? = nil, cancellation: CancellationToken? = nil) {
        self.eth = eth
        self.signer = signer
        self.chainId = chainId
        self.journal = journal
        self.nonces = nonces
        self.fees = fees ?? FeeOracle(eth: eth)
        self.cancellation = cancellation
        accountLock = AccountLock(journalPath: journal.path, account: signer.address)
        accountLock.onWait = { var m = $0; m.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) } }
    }

    public static var defaultReceiptTimeout: Double {
        ProcessInfo.processInfo.environment["OGPU_RECEIPT_TIMEOUT"].flatMap { Double($0) }.flatMap { $0 > 0 ? $0 : nil } ?? 120
    }

    /// Runs `body` holding this account's turn (`AccountLock`); when another process sent from
    /// the account meanwhile, the cached nonce is dropped so the next one is read from the node.
    public func withAccountLock<T>(_ body: () throws -> T) throws -> T {
        try accountLock.withLock(cancellation: cancellation, tookOver: { nonces.reset(address) }, body)
    }

    public var address: Address { signer.address }

    /// Sends and waits for the receipt; a mined revert throws `ContractError` with the decoded reason.
    @discardableResult
    public func send(_ request: TransactionRequest) throws -> TransactionReceipt {
        try withAccountLock {
            let pending = try submit(request)
            return try wait(pending)
        }
    }

    // MARK: - Estimation

    /// `eth_estimateGas`; a revert becomes `ContractError(phase: .beforeSending)`. The estimate is
    /// remembered for the call's shape (see `gasLimit(for:)`).
    public func estimateGas(_ request: TransactionRequest) throws -> UInt64 {
        do {
            let estimate = try eth.estimateGas(CallRequest(from: address, to: request.to, data: request.data, value: request.value))
            gasPlan.remember(estimate, for: request)
            return estimate
        } catch let e as RPCError where e.isExecutionRevert {
            throw Self.revertError(e, request: request, phase: .beforeSending, hash: nil)
        }
    }

    /// The gas limit to send `request` with, proven sufficient on the latest state before anything
    /// is signed — a revert throws `ContractError(phase: .beforeSending)`.
    ///
    /// With an estimate for this call's shape already known, the limit is that estimate plus the
    /// margin, and the proof is ONE `eth_call` from our address with exactly that gas limit: a call
    /// that succeeds with gas G on a state is the transaction succeeding with gas limit G on that
    /// state (same sender, target, data, value; the node charges intrinsic gas in both). That is
    /// the same guarantee `eth_estimateGas` gives (nodes find the estimate by running the call
    /// several times — 6 for a publish on the devnet; geth searches too), at the cost of one
    /// execution, with the same limits (the state may change before mining; calls run without the
    /// gas prepayment). If the call fails for any reason — a genuine revert, or running out of gas
    /// at G (a contract may turn an inner out-of-gas into a revert) — a full estimate decides, so
    /// neither a reverting transaction is sent nor a good one refused because of a guessed limit.
    public func gasLimit(for request: TransactionRequest) throws -> UInt64 {
        if let limit = gasPlan.limit(for: request, fees: fees) {
            do {
                _ = try eth.call(callAtLimit(request, limit), at: .latest)
                return limit
            } catch let e as RPCError where e.isCancelled {
                throw e  // as an interrupted estimate would
            } catch {
                // Not proven at this limit: let a full estimate decide.
            }
        }
        return fees.gasLimit(forEstimate: try estimateGas(request))
    }

    /// The `eth_call` that checks `request` at gas `limit`.
    public func callAtLimit(_ request: TransactionRequest, _ limit: UInt64) -> CallRequest {
        CallRequest(from: address, to: request.to, data: request.data, value: request.value, gas: limit)
    }

    static func revertError(_ e: RPCError, request: TransactionRequest, phase: ContractError.Phase, hash: String?) -> ContractError {
        let reason = RevertReason(data: e.revertData ?? [], errors: request.errors)
        return ContractError(operation: request.label, reason: reason, phase: phase, transactionHash: hash, nodeMessage: e.serverMessage)
    }

    // MARK: - Submission

    /// Signs, journals and broadcasts; returns once a node has the transaction.
    /// `gasLimit`, when given, must already be proven for this request (`gasLimit(for:)` or an
    /// `eth_call` at that limit); otherwise it is worked out here.
    public func submit(_ request: TransactionRequest, gasLimit provenLimit: UInt64? = nil) throws -> PendingTransaction {
        let gasLimit = try overrides.gasLimit.map { try overriddenGasLimit(for: request, $0) }
            ?? provenLimit ?? self.gasLimit(for: request)
        return try withAccountLock { try submitHoldingLock(request, gasLimit: gasLimit) }
    }

    private func submitHoldingLock(_ request: TransactionRequest, gasLimit: UInt64) throws -> PendingTransaction {
        var attempts = 0
        while true {
            attempts += 1
            let fee = try feeForThisCall()
            let nonce = try nonces.reserve(for: address, using: eth)
            let signed: SignedTransaction
            do {
                signed = try sign(build(request, nonce: nonce, gasLimit: gasLimit, fee: fee), for: request, retry: attempts > 1)
                try journal.recordSigned(hash: Hex.encode(signed.hash), raw: signed.rawBytes, from: address, nonce: nonce,
                                         chainId: chainId, to: request.to, label: request.label, meta: request.journalMeta)
            } catch {
                nonces.release(nonce, for: address)
                throw error
            }
            let pending = PendingTransaction(hash: Hex.encode(signed.hash), nonce: nonce, from: address, raw: signed.rawBytes,
                                             request: request, gasLimit: gasLimit)
            switch try broadcast(pending) {
            case .accepted:
                onBroadcast?(request.label, pending.hash)
                return pending
            case .nonceGap(let message):
                // A lower nonce never arrived (rejected or lost elsewhere): start again from the node's count.
                try? journal.record(.rejected, hash: pending.hash, [("reason", .string(message))])
                nonces.reset(address)
                guard attempts < 3 else { throw SendError.nonceConflict(label: request.label, attempts: attempts) }
            case .nonceTaken(let message):
                // Our own bytes may have been mined by an attempt whose answer was lost, with the
                // node's receipt index lagging: re-sign only once the original is shown absent.
                // Until then it stays unresolved in the journal.
                switch try settleDisplaced(pending, message: message) {
                case .found:
                    onBroadcast?(request.label, pending.hash)
                    return pending
                case .absent:
                    break
                }
                try nonces.resync(for: address, taken: nonce, using: eth)
                fees.invalidate()
                guard attempts < 3 else { throw SendError.nonceConflict(label: request.label, attempts: attempts) }
                if message.lowercased().contains("underpriced") {
                    CancellationToken.sleep(0.5, token: cancellation)
                }
            }
        }
    }

    /// The one place a transaction of this sender is signed: the spending policy first. `retry`:
    /// the same request signed again because its nonce was taken.
    public func sign(_ tx: Transaction, for request: TransactionRequest, dryRun: Bool = false, retry: Bool = false) throws -> SignedTransaction {
        let payment = request.journalMeta.first { $0.0 == "payment" }?.1.stringValue.flatMap { BigUInt($0) }
        try policy?.authorize(tx, label: request.label, from: address, payment: payment, dryRun: dryRun, retry: retry)
        return try tx.sign(with: signer)
    }

    public func build(_ r: TransactionRequest, nonce: UInt64, gasLimit: UInt64, fee: FeeQuote) -> Transaction {
        switch fee {
        case .eip1559(let maxFee, let priority):
            return .dynamicFee(chainId: chainId, nonce: nonce, maxPriorityFeePerGas: priority, maxFeePerGas: maxFee,
                               gasLimit: gasLimit, to: r.to, value: r.value, data: r.data)
        case .legacy(let price):
            return .legacy(chainId: chainId, nonce: nonce, gasPrice: price, gasLimit: gasLimit, to: r.to, value: r.value, data: r.data)
        }
    }

    enum BroadcastOutcome {
        case accepted
        /// Our nonce is used by another transaction: ours can never be mined.
        case nonceTaken(String)
        /// The node refuses a nonce above its next one and keeps no queue (dev chains): the lower
        /// nonce never arrived.
        case nonceGap(String)
    }

    /// Broadcasts `pending.raw`, re-sending the *same bytes* after transport failures (idempotent:
    /// same hash) but only after asking the node whether it already has them.
    func broadcast(_ pending: PendingTransaction) throws -> BroadcastOutcome {
        let label = pending.request.label
        var lastFailure = ""
        var gapWaits = 0
        var attempt = 0
        while attempt < broadcastAttempts {
            defer { attempt += 1 }
            if attempt > 0 {
                guard CancellationToken.sleep(0.1 * Double(1 << min(attempt, 5)) * Double.random(in: 0.5...1), token: cancellation) else {
                    throw SendError.cancelled(label: label, hash: pending.hash)
                }
                // The previous attempt may have landed: look before sending again.
                if (try? isKnown(pending.hash)) == true {
                    try? journal.record(.sent, hash: pending.hash, [("via", "lookup")])
                    return .accepted
                }
            }
            do {
                let hash = try eth.sendRawTransaction(pending.raw)
                if hash.lowercased() != pending.hash {
                    // A node must report the hash of what it was given; anything else is a broken proxy.
                    lastFailure = "node reported hash \(hash) for \(pending.hash)"
                    continue
                }
                try? journal.record(.sent, hash: pending.hash)
                return .accepted
            } catch let e as RPCError {
                if e.isCancelled { throw SendError.cancelled(label: label, hash: pending.hash) }
                if case .server(_, let message, _, _) = e {
                    let m = message.lowercased()
                    if m.contains("already known") || m.contains("known transaction") || m.contains("already imported") {
                        try? journal.record(.sent, hash: pending.hash, [("via", "already known")])
                        return .accepted
                    }
                    if m.contains("nonce too high") {
                        // Another thread's lower nonce is still on its way (nodes without a queue
                        // refuse the gap): wait for it, re-sending the same bytes.
                        gapWaits += 1
                        if gapWaits > 40 { return .nonceGap(message) }
                        guard CancellationToken.sleep(min(0.5, 0.02 * Double(gapWaits)), token: cancellation) else {
                            throw SendError.cancelled(label: label, hash: pending.hash)
                        }
                        attempt -= 1
                        continue
                    }
                    if m.contains("nonce too low") || m.contains("replacement transaction underpriced")
                        || m.contains("nonce has already been used") {
                        // Our exact bytes may have been mined by an earlier attempt whose answer was lost.
                        if (try? eth.receipt(pending.hash)) != nil {
                            try? journal.record(.sent, hash: pending.hash, [("via", "receipt")])
                            return .accepted
                        }
                        return .nonceTaken(message)
                    }
                    try? journal.record(.rejected, hash: pending.hash, [("reason", .string(message))])
                    nonces.release(pending.nonce, for: pending.from)
                    if m.contains("insufficient funds") { throw SendError.insufficientFunds(label: label, message: message) }
                    throw SendError.rejected(label: label, message: message)
                }
                lastFailure = e.description
            } catch {
                // An answer we cannot read (not a hash): the node may well have the transaction.
                lastFailure = "\(error)"
            }
        }
        try? journal.record(.unconfirmed, hash: pending.hash, [("reason", .string(lastFailure))])
        throw SendError.deliveryUncertain(label: label, hash: pending.hash, underlying: lastFailure)
    }

    func isKnown(_ hash: String) throws -> Bool {
        if try eth.receipt(hash) != nil { return true }
        return try eth.transactionKnown(hash)
    }

    // MARK: - Receipts

    /// Polls for the receipt with backoff until `receiptTimeout`. A reverted receipt is replayed
    /// with `eth_call` to recover the reason, and thrown as `ContractError`.
    public func wait(_ pending: PendingTransaction) throws -> TransactionReceipt {
        let receipt = try waitForReceipts([pending])[0].get()
        return receipt
    }

    /// Waits for many transactions at once: each poll asks for all outstanding receipts in one
    /// batch request. Results are in input order.
    public func waitForReceipts(_ pendings: [PendingTransaction]) throws -> [Result<TransactionReceipt, Error>] {
        var results = [Result<TransactionReceipt, Error>?](repeating: nil, count: pendings.count)
        let start = Date()
        var delay = 0.02
        var rounds = 0
        while true {
            let open = results.indices.filter { results[$0] == nil }
            if open.isEmpty { break }
            rounds += 1
            let answers: [Result<TransactionReceipt, Error>?]
            do {
                answers = try pollReceipts(open.map { pendings[$0] })
            } catch let e as RPCError where e.isCancelled {
                for i in open { results[i] = .failure(SendError.cancelled(label: pendings[i].request.label, hash: pendings[i].hash)) }
                break
            } catch {
                answers = []  // transient: keep polling until the deadline
            }
            for (k, i) in open.enumerated() where k < answers.count {
                if let r = answers[k] { results[i] = r }
            }
            let stillOpen = results.indices.filter { results[$0] == nil }
            if stillOpen.isEmpty { break }
            if Date().timeIntervalSince(start) > receiptTimeout {
                for i in stillOpen {
                    try? journal.record(.unconfirmed, hash: pendings[i].hash, [("reason", "receipt timeout")])
                    results[i] = .failure(SendError.receiptTimeout(label: pendings[i].request.label, hash: pendings[i].hash,
                                                                   seconds: receiptTimeout))
                }
                break
            }
            // A node can drop a pending transaction (restart, eviction): re-announce the same bytes now and then.
            if rounds % 25 == 0 {
                for i in stillOpen where (try? eth.transactionKnown(pendings[i].hash)) == false {
                    _ = try? eth.sendRawTransaction(pendings[i].raw)
                }
            }
            guard CancellationToken.sleep(delay, token: cancellation) else {
                for i in stillOpen { results[i] = .failure(SendError.cancelled(label: pendings[i].request.label, hash: pendings[i].hash)) }
                break
            }
            delay = min(delay * 1.5, 1.0)
        }
        return results.map { $0! }
    }

    /// One look for the receipts of `pendings` (JSON-RPC batches): each slot holds the outcome of
    /// a mined transaction (journaled, a revert replayed for its reason), or nil while it is not
    /// mined. A batch that streams its sends asks after each chunk, while the receipts are near the
    /// chain's head: some nodes (the devnet's eth-tester) find a receipt by walking back from the
    /// head, ~0.7 ms per block, so asking for 1,000 at the end would cost minutes.
    public func pollReceipts(_ pendings: [PendingTransaction]) throws -> [Result<TransactionReceipt, Error>?] {
        let answers = try eth.rpc.batch(pendings.map { RPCCall("eth_getTransactionReceipt", [.string($0.hash)]) })
        return zip(pendings, answers).map { pending, answer in
            guard case .success(let v) = answer, !v.isNull, let receipt = try? TransactionReceipt(json: v),
                  receipt.transactionHash == pending.hash else { return nil }
            return Result { try finish(pending, receipt) }
        }
    }

    func finish(_ pending: PendingTransaction, _ receipt: TransactionReceipt) throws -> TransactionReceipt {
        if receipt.succeeded {
            try? journal.record(.mined, hash: pending.hash, [("block", .int(receipt.blockNumber))])
            return receipt
        }
        try? journal.record(.reverted, hash: pending.hash, [("block", .int(receipt.blockNumber))])
        throw replayRevert(pending, receipt)
    }

    /// Re-executes a mined-but-reverted transaction with `eth_call` at its block to get the reason.
    func replayRevert(_ pending: PendingTransaction, _ receipt: TransactionReceipt) -> ContractError {
        let r = pending.request
        let call = CallRequest(from: pending.from, to: r.to, data: r.data, value: r.value)
        for block in [BlockTag.number(receipt.blockNumber), .number(receipt.blockNumber &- 1)] {
            do {
                _ = try eth.call(call, at: block)
            } catch let e as RPCError where e.isExecutionRevert {
                return Self.revertError(e, request: r, phase: .mined, hash: pending.hash)
            } catch {
                break
            }
        }
        return ContractError(operation: r.label, reason: .empty, phase: .mined, transactionHash: pending.hash,
                             nodeMessage: "reverted (the reason could not be reproduced with eth_call; gas limit \(pending.gasLimit))")
    }
}
