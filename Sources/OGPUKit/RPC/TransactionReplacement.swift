import BigInt
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OGPUPrimitives

/// Replacing a stuck transaction by its nonce, as wallets' "speed up" and "cancel" do: a second
/// transaction with the same nonce and fees at least 10% higher (both the fee cap and the tip —
/// what geth's pool requires to accept a replacement). It is journaled and guarded like every
/// send; exactly one of the two can be mined, and whichever is gets recorded as such, the other
/// as rejected (the journal's reconciliation reaches the same verdict from the block that used the
/// nonce, should this session not see it).
extension TransactionSender {
    public enum ReplacementKind: Sendable {
        /// The same call again (same target, data, value and gas limit) at a higher fee.
        case speedUp
        /// A 0-value transfer to oneself at a higher fee: the original's effect never happens.
        case cancel
    }

    public struct ReplacementOutcome: Sendable {
        /// The receipt of whichever transaction was mined.
        public let receipt: TransactionReceipt
        public let original: String
        /// The replacement's hash.
        public let replacement: String
        /// The original was mined before its replacement (which then never can be).
        public var originalWon: Bool { receipt.transactionHash == original }
    }

    /// The signed original, from the send journal (ours, with its label and journal facts) or,
    /// failing that, from the node's pool (sent from this account by another wallet).
    struct Replaced {
        let hash: String
        let transaction: Transaction
        let label: String
        let meta: [(String, JSONValue)]
    }

    /// The least a replacement may pay per gas: 10% above the original, rounded up.
    public static func bumped(_ fee: BigUInt) -> BigUInt { (fee * 11 + 9) / 10 }

    /// Signs, journals and sends the replacement of `hash`, then waits for whichever of the two is
    /// mined. Refused before anything is signed when the original is unknown, not this account's,
    /// or already mined (its nonce used); its revert (for a speed-up) is reported before signing.
    public func replace(_ hash: String, _ kind: ReplacementKind) throws -> ReplacementOutcome {
        try withAccountLock {
            let original = try replaceable(hash.lowercased())
            let request = try replacementRequest(original, kind)
            let gasLimit = try overrides.gasLimit.map { try overriddenGasLimit(for: request, $0) }
                ?? (kind == .cancel ? SendOverrides.minimumGas : try overriddenGasLimit(for: request, original.transaction.gasLimit))
            fees.invalidate()
            let tx = try replacementTransaction(original, request, gasLimit: gasLimit, quote: try fees.quote())
            let signed = try sign(tx, for: request)
            let pending = PendingTransaction(hash: Hex.encode(signed.hash), nonce: tx.nonce, from: address, raw: signed.rawBytes,
                                             request: request, gasLimit: gasLimit)
            try journal.recordSigned(hash: pending.hash, raw: pending.raw, from: address, nonce: tx.nonce, chainId: chainId,
                                     to: request.to, label: request.label, meta: request.journalMeta)
            switch try broadcast(pending) {
            case .accepted:
                onBroadcast?(request.label, pending.hash)
            case .nonceTaken(let message) where message.lowercased().contains("underpriced"):
                // The pool holds another transaction at this nonce and refused ours outright.
                try? journal.record(.rejected, hash: pending.hash, [("reason", .string(message))])
                throw SendRequestError.replacementUnderpriced(
                    hash: original.hash, why: "the node refused it as underpriced (\(message)); give higher max_fee: and max_priority_fee:")
            case .nonceTaken(let message):
                // The nonce is used on chain: by our replacement (an answer lost, an index lagging),
                // the original, or another transaction — decided as every send decides it, never
                // on one lookup.
                if try settleDisplaced(pending, message: message) == .found {
                    onBroadcast?(request.label, pending.hash)
                    break
                }
                if let receipt = try eth.receipt(original.hash) {
                    return try settledOriginal(original, receipt, replacement: pending.hash)
                }
                throw SendRequestError.notReplaceable(hash: original.hash, why: "its nonce was used meanwhile by another transaction (\(message))")
            case .nonceGap(let message):
                try? journal.record(.rejected, hash: pending.hash, [("reason", .string(message))])
                throw SendRequestError.notReplaceable(hash: original.hash, why: "the node refuses its nonce \(tx.nonce): \(message)")
            }
            return try waitForEither(original, pending)
        }
    }

    func replaceable(_ hash: String) throws -> Replaced {
        func refuse(_ why: String) -> SendRequestError { .notReplaceable(hash: hash, why: why) }
        let replaced: Replaced
        if let entry = try journal.entries().last(where: { $0.hash == hash }) {
            guard entry.signed.from.flatMap({ try? Address(hex: $0) }) == address else {
                throw refuse("the send journal has it signed by \(entry.signed.from ?? "another account"), not by \(address.checksummed)")
            }
            guard entry.chainId == chainId else { throw refuse("it was signed for chain id \(entry.chainId.map(String.init) ?? "?"), not \(chainId)") }
            switch entry.latest {
            case .mined, .reverted: throw refuse("it was already mined\(entry.block.map { " in block \($0)" } ?? "")")
            case .rejected: throw refuse("the send journal shows it never reached the chain (\(entry.reason ?? "rejected")); nothing to replace")
            case .signed, .sent, .unconfirmed: break
            }
            guard let rawHex = entry.signed.raw, let raw = try? Hex.decode(rawHex), let signed = try? SignedTransaction.decode(raw) else {
                throw refuse("its journal record lacks readable signed bytes")
            }
            replaced = Replaced(hash: hash, transaction: try highestBid(for: signed.transaction), label: entry.label ?? "transaction",
                                meta: entry.signed.fields["meta"]?.objectValue ?? [])
        } else {
            guard let t = try eth.transaction(hash) else { throw refuse("neither the send journal nor the node knows it") }
            guard t.from == address else { throw refuse("it was sent from \(t.from.checksummed), not from \(address.checksummed)") }
            if let block = t.blockNumber { throw refuse("it was already mined in block \(block)") }
            let tx: Transaction = if let maxFee = t.maxFeePerGas, let tip = t.maxPriorityFeePerGas {
                .dynamicFee(chainId: chainId, nonce: t.nonce, maxPriorityFeePerGas: tip, maxFeePerGas: maxFee, gasLimit: t.gasLimit,
                            to: t.to, value: t.value, data: t.input)
            } else {
                .legacy(chainId: chainId, nonce: t.nonce, gasPrice: t.gasPrice ?? 0, gasLimit: t.gasLimit, to: t.to, value: t.value,
                        data: t.input)
            }
            replaced = Replaced(hash: hash, transaction: tx, label: "transaction", meta: [])
        }
        if let receipt = try eth.receipt(hash) {
            try? journal.record(receipt.succeeded ? .mined : .reverted, hash: hash, [("block", .int(receipt.blockNumber))])
            throw refuse("it was already mined in block \(receipt.blockNumber)")
        }
        let used = try eth.transactionCount(of: address, at: .latest)
        guard used <= replaced.transaction.nonce else {
            throw refuse("its nonce \(replaced.transaction.nonce) is already used by a mined transaction; `ogpu journal --check` settles it")
        }
        return replaced
    }

    /// `original` with the highest fees any open journaled transaction of this account signed at
    /// its nonce: after an earlier speed-up, a node's pool holds that one, and the next
    /// replacement must outbid it rather than the first.
    func highestBid(for original: Transaction) throws -> Transaction {
        guard let oldMax = original.maxFeePerGas, let oldTip = original.maxPriorityFeePerGas else { return original }
        var maxFee = oldMax, tip = oldTip
        for e in try journal.entries() where e.latest.isUnresolved && e.chainId == chainId && e.signed.nonce == original.nonce
            && e.signed.from.flatMap({ try? Address(hex: $0) }) == address {
            guard let raw = e.signed.raw.flatMap({ try? Hex.decode($0) }), let t = try? SignedTransaction.decode(raw).transaction,
                  let m = t.maxFeePerGas, let p = t.maxPriorityFeePerGas else { continue }
            maxFee = max(maxFee, m)
            tip = max(tip, p)
        }
        return .dynamicFee(chainId: chainId, nonce: original.nonce, maxPriorityFeePerGas: tip, maxFeePerGas: maxFee,
                           gasLimit: original.gasLimit, to: original.to, value: original.value, data: original.data)
    }

    func replacementRequest(_ original: Replaced, _ kind: ReplacementKind) throws -> TransactionRequest {
        let replaces: (String, JSONValue) = ("replaces", .string(original.hash))
        switch kind {
        case .speedUp:
            guard let to = original.transaction.to else {
                throw SendRequestError.notReplaceable(hash: original.hash, why: "it creates a contract; only calls and transfers are sped up")
            }
            return TransactionRequest(to: to, data: original.transaction.data, value: original.transaction.value, label: original.label,
                                      journalMeta: original.meta.filter { $0.0 != "replaces" } + [replaces])
        case .cancel:
            return TransactionRequest(to: address, data: [], value: 0, label: "cancel_tx", journalMeta: [replaces])
        }
    }

    /// The replacement at the original's nonce and type, paying at least 10% more on both fees
    /// (and at least today's quote); fees given with `max_fee:` / `max_priority_fee:` must clear
    /// that bar themselves.
    func replacementTransaction(_ original: Replaced, _ r: TransactionRequest, gasLimit: UInt64, quote: FeeQuote) throws -> Transaction {
        let o = original.transaction
        func atLeast(_ given: BigUInt?, _ floor: BigUInt, _ quoted: BigUInt, _ name: String) throws -> BigUInt {
            guard let given else { return max(floor, quoted) }
            guard given >= floor else {
                throw SendRequestError.replacementUnderpriced(
                    hash: original.hash,
                    why: "\(name) (\(Units.format(given, decimals: 9)) gwei) must be at least \(Units.format(floor, decimals: 9)) gwei, 10% above the original's")
            }
            return given
        }
        if let oldMax = o.maxFeePerGas, let oldTip = o.maxPriorityFeePerGas {
            let (quotedMax, quotedTip): (BigUInt, BigUInt) = switch quote {
            case .eip1559(let m, let p): (m, p)
            case .legacy(let p): (p, p)
            }
            let tip = try atLeast(overrides.maxPriorityFeePerGas, Self.bumped(oldTip), quotedTip, "max_priority_fee")
            var maxFee = try atLeast(overrides.maxFeePerGas, Self.bumped(oldMax), quotedMax, "max_fee")
            if overrides.maxFeePerGas == nil { maxFee = max(maxFee, tip) }
            guard tip <= maxFee else {
                throw SendRequestError.invalidOverride("max_priority_fee cannot exceed max_fee (the replacement needs a tip of at least \(Units.format(tip, decimals: 9)) gwei)")
            }
            return .dynamicFee(chainId: chainId, nonce: o.nonce, maxPriorityFeePerGas: tip, maxFeePerGas: maxFee, gasLimit: gasLimit,
                               to: r.to, value: r.value, data: r.data)
        }
        if overrides.maxPriorityFeePerGas != nil {
            throw SendRequestError.invalidOverride("the original pays one gas price (legacy): give max_fee: only")
        }
        let price = try atLeast(overrides.maxFeePerGas, Self.bumped(o.gasPrice ?? 0), quote.maxPricePerGas, "max_fee")
        return .legacy(chainId: chainId, nonce: o.nonce, gasPrice: price, gasLimit: gasLimit, to: r.to, value: r.value, data: r.data)
    }

    /// Polls both receipts until one appears (they share a nonce: at most one ever will).
    func waitForEither(_ original: Replaced, _ replacement: PendingTransaction) throws -> ReplacementOutcome {
        let start = Date()
        var delay = 0.02
        var rounds = 0
        while true {
            rounds += 1
            let answers = (try? eth.rpc.batch([RPCCall("eth_getTransactionReceipt", [.string(replacement.hash)]),
                                               RPCCall("eth_getTransactionReceipt", [.string(original.hash)])])) ?? []
            func receipt(_ i: Int, _ hash: String) -> TransactionReceipt? {
                guard i < answers.count, case .success(let v) = answers[i], !v.isNull, let r = try? TransactionReceipt(json: v),
                      r.transactionHash == hash else { return nil }
                return r
            }
            if let r = receipt(0, replacement.hash) {
                recordNeverMined(nonce: replacement.nonce, except: replacement.hash,
                                 reason: "replaced by \(replacement.hash), mined in block \(r.blockNumber)")
                let mined = try finish(replacement, r)
                return ReplacementOutcome(receipt: mined, original: original.hash, replacement: replacement.hash)
            }
            if let r = receipt(1, original.hash) {
                return try settledOriginal(original, r, replacement: replacement.hash)
            }
            if Date().timeIntervalSince(start) > receiptTimeout {
                try? journal.record(.unconfirmed, hash: replacement.hash, [("reason", "receipt timeout")])
                throw SendError.receiptTimeout(label: replacement.request.label, hash: replacement.hash, seconds: receiptTimeout)
            }
            if rounds % 25 == 0, (try? eth.transactionKnown(replacement.hash)) == false {
                _ = try? eth.sendRawTransaction(replacement.raw)
            }
            guard CancellationToken.sleep(delay, token: cancellation) else {
                throw SendError.cancelled(label: replacement.request.label, hash: replacement.hash)
            }
            delay = min(delay * 1.5, 1.0)
        }
    }

    /// Every other open transaction of this account at `nonce` (the original, earlier
    /// replacements) can never be mined once one was: recorded as rejected, with the reason.
    func recordNeverMined(nonce: UInt64, except mined: String, reason: String) {
        guard let open = try? journal.entries() else { return }
        for e in open where e.hash != mined && e.latest.isUnresolved && e.chainId == chainId && e.signed.nonce == nonce
            && e.signed.from.flatMap({ try? Address(hex: $0) }) == address {
            try? journal.record(.rejected, hash: e.hash, [("reason", .string(reason))])
        }
    }

    /// The original was mined: recorded so, its replacement rejected; a revert is reported as one.
    func settledOriginal(_ original: Replaced, _ receipt: TransactionReceipt, replacement: String) throws -> ReplacementOutcome {
        try? journal.record(receipt.succeeded ? .mined : .reverted, hash: original.hash, [("block", .int(receipt.blockNumber))])
        recordNeverMined(nonce: original.transaction.nonce, except: original.hash,
                         reason: "the original \(original.hash) was mined in block \(receipt.blockNumber)")
        if !receipt.succeeded {
            let o = original.transaction
            let request = TransactionRequest(to: o.to ?? address, data: o.data, value: o.value, label: original.label)
            throw replayRevert(PendingTransaction(hash: original.hash, nonce: o.nonce, from: address, raw: [], request: request,
                                                  gasLimit: o.gasLimit), receipt)
        }
        return ReplacementOutcome(receipt: receipt, original: original.hash, replacement: replacement)
    }
}
