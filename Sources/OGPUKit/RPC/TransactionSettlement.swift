import OGPUPrimitives
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Deciding what became of a transaction that was signed and may be on chain, without ever
/// signing a second one on a guess.
extension TransactionSender {
    public enum Displacement: Sendable {
        /// The transaction is on chain (or in a node's pool): it is ours to wait for.
        case found
        /// Its nonce is used by another transaction and it was shown absent: it can never be mined.
        case absent
    }

    /// After a node refused `pending` because its nonce is taken ("nonce too low", "replacement
    /// transaction underpriced"): is `pending` itself on chain (an earlier attempt whose answer
    /// was lost, with the node's receipt index lagging behind), or is it displaced for good?
    ///
    /// Absent only when the account's mined nonce count has passed `pending.nonce` and the block
    /// that used the nonce (found by bisecting the account's nonce over past blocks) holds
    /// another transaction — block contents, not a lookup index that can lag. Where that history
    /// cannot be read, absent only when neither its receipt nor the transaction is found in at
    /// least three lookups that span a new block or `absenceWindow` seconds — one failed lookup
    /// proves nothing. It is recorded `rejected` only then. If neither is shown within `receiptTimeout`, the journal keeps it unresolved
    /// and `deliveryUncertain` is thrown: nothing is re-signed.
    func settleDisplaced(_ pending: PendingTransaction, message: String) throws -> Displacement {
        let label = pending.request.label
        let start = Date()
        var misses = 0
        var firstMiss: (time: Date, block: UInt64?)?
        var delay = 0.25
        while true {
            let known = try? isKnown(pending.hash)
            if known == true {
                try? journal.record(.sent, hash: pending.hash, [("via", "lookup after a refused re-send")])
                return .found
            }
            if known == false, let used = try? eth.transactionCount(of: pending.from, at: .latest), used > pending.nonce {
                // Best proof: the block that used the nonce, read by its contents (indexes can lag).
                if let (number, hashes) = try? eth.blockThatUsed(nonce: pending.nonce, of: pending.from) {
                    if hashes.contains(pending.hash.lowercased()) {
                        try? journal.record(.sent, hash: pending.hash, [("via", .string("found in block \(number)"))])
                        return .found
                    }
                    try? journal.record(.rejected, hash: pending.hash, [
                        ("reason", .string("nonce \(pending.nonce) used by another transaction in block \(number) (\(message))")),
                    ])
                    return .absent
                }
                // No history to read: only repeated misses across a new block (or a while) count.
                let block = try? eth.blockNumber()
                if firstMiss == nil { firstMiss = (Date(), block) }
                misses += 1
                let newBlock = block.map { b in firstMiss!.block.map { b > $0 } ?? false } ?? false
                if misses >= 3 && (newBlock || Date().timeIntervalSince(firstMiss!.time) >= absenceWindow) {
                    try? journal.record(.rejected, hash: pending.hash, [
                        ("reason", .string("nonce \(pending.nonce) used by another transaction (\(message)); not found in \(misses) lookups")),
                    ])
                    return .absent
                }
            }
            if Date().timeIntervalSince(start) > receiptTimeout {
                let why = "the node says its nonce is taken (\(message)) but it was neither found nor shown absent"
                try? journal.record(.unconfirmed, hash: pending.hash, [("reason", .string(why))])
                throw SendError.deliveryUncertain(label: label, hash: pending.hash, underlying: why)
            }
            guard CancellationToken.sleep(delay, token: cancellation) else {
                throw SendError.cancelled(label: label, hash: pending.hash)
            }
            delay = min(delay * 1.5, 2)
        }
    }

    public enum Settlement: Sendable {
        case mined(TransactionReceipt)
        /// Mined with status 0: it had no effect.
        case reverted
        /// Shown never to be mined (its nonce went to another transaction).
        case absent
    }

    /// Settles a journaled transaction by hash — an earlier session's, or one whose outcome this
    /// session could not learn — signing nothing: mined → its receipt; known to the node → its
    /// receipt is awaited; unknown with its nonce still free → the *same signed bytes* are
    /// broadcast again and awaited; unknown with its nonce used → absent once shown so
    /// (`settleDisplaced`). Throws `receiptTimeout` / `deliveryUncertain` while still open.
    public func settle(_ record: SendJournal.Record) throws -> Settlement {
        guard let rawHex = record.raw, let raw = try? Hex.decode(rawHex), let nonce = record.nonce,
              let from = record.from.flatMap({ try? Address(hex: $0) }) else {
            throw SendError.deliveryUncertain(label: record.label ?? "transaction", hash: record.hash,
                                              underlying: "its journal record lacks the signed bytes")
        }
        let to = record.fields["to"]?.stringValue.flatMap { try? Address(hex: $0) } ?? from
        let pending = PendingTransaction(hash: record.hash, nonce: nonce, from: from, raw: raw,
                                         request: TransactionRequest(to: to, data: [], label: record.label ?? "transaction"),
                                         gasLimit: 0)
        return try withAccountLock {
            if let receipt = try eth.receipt(pending.hash) { return try outcome(pending, receipt) }
            if try !eth.transactionKnown(pending.hash) {
                if try eth.transactionCount(of: from, at: .latest) > nonce {
                    if try settleDisplaced(pending, message: "nonce used on chain") == .absent { return .absent }
                } else {
                    switch try broadcast(pending) {
                    case .accepted: break
                    case .nonceGap(let message):
                        throw SendError.deliveryUncertain(label: pending.request.label, hash: pending.hash,
                                                          underlying: "a lower nonce is missing: \(message)")
                    case .nonceTaken(let message):
                        if try settleDisplaced(pending, message: message) == .absent { return .absent }
                    }
                }
            }
            switch try waitForReceipts([pending])[0] {
            case .success(let receipt): return .mined(receipt)
            case .failure(let e as ContractError) where e.phase == .mined: return .reverted
            case .failure(let e): throw e
            }
        }
    }

    private func outcome(_ pending: PendingTransaction, _ receipt: TransactionReceipt) throws -> Settlement {
        try? journal.record(receipt.succeeded ? .mined : .reverted, hash: pending.hash,
                            [("block", .int(receipt.blockNumber)), ("via", "settle")])
        return receipt.succeeded ? .mined(receipt) : .reverted
    }
}

extension EthClient {
    /// The block in which `from`'s nonce `nonce` was used, with its transaction hashes
    /// (lowercase): found by bisecting `eth_getTransactionCount` over past blocks (searching back
    /// from the head in doubling steps, so a recent use costs a few calls). nil when the nonce is
    /// not used yet. Throws when the node cannot answer for past blocks (pruned state).
    public func blockThatUsed(nonce: UInt64, of from: Address) throws -> (number: UInt64, transactions: [String])? {
        func used(_ b: UInt64) throws -> Bool { try transactionCount(of: from, at: .number(b)) > nonce }
        let head = try blockNumber()
        guard try used(head) else { return nil }
        var hi = head  // used(hi)
        var lo: UInt64?  // !used(lo)
        var step: UInt64 = 1
        while lo == nil && hi > 0 {
            let candidate = hi > step ? hi - step : 0
            if try used(candidate) { hi = candidate; step *= 2 } else { lo = candidate }
        }
        if var l = lo {
            while hi - l > 1 {
                let m = l + (hi - l) / 2
                if try used(m) { hi = m } else { l = m }
            }
        }
        let block = try rpc.call("eth_getBlockByNumber", [BlockTag.number(hi).json, false])
        guard let txs = block["transactions"]?.arrayValue else {
            throw RPCError.invalidResponse("block \(hi) without a transaction list", method: "eth_getBlockByNumber")
        }
        return (hi, txs.compactMap { ($0.stringValue ?? $0["hash"]?.stringValue)?.lowercased() })
    }
}
