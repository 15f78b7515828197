import BigInt
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OGPUPrimitives

extension OpenGPUClient {
    /// Publishes many tasks as one stream: each config is pinned on a background thread a few
    /// items ahead, each item is proven (see `BatchProver`) and checked against the Vault balance,
    /// then signed, journaled and sent in chunks of 16 (one fsync per chunk, every record durable
    /// before its transaction is broadcast); after each chunk the oldest receipts still open are
    /// looked up (one batch request), and the rest are awaited together at the end.
    /// Results are in input order; one failing draft does not stop the others.
    ///
    /// Nothing is signed for a draft until it is proven: a draft that would revert fails in its
    /// slot with `ContractError(phase: .beforeSending)`, never journaled, never sent, no gas spent.
    /// Idempotent per item, as `publish` is (identical drafts of one batch are distinct items).
    /// `progress`, when given, is told after each chunk how many transactions a node has.
    public func publishBatch(_ drafts: [TaskDraft], expiries: [ExpirySpec]? = nil, again: Bool = false,
                             progress: ((_ sent: Int, _ total: Int) -> Void)? = nil) throws -> [Result<PublishedTask, Error>] {
        let s = try sender()
        let ids = identities(drafts, expiries: expiries ?? drafts.map { _ in .absolute }, signer: s.address)
        return try s.withAccountLock {
            var results = [Result<PublishedTask, Error>?](repeating: nil, count: drafts.count)
            var earlier = again ? [:] : try earlierPublishes(of: ids)
            var order = [Int]()
            for (i, d) in drafts.enumerated() {
                do {
                    try validate(d)
                    if let e = earlier.removeValue(forKey: ids[i]), var task = try settleEarlierPublish(e, sender: s) {
                        task.isEarlierPublish = true
                        results[i] = .success(task)
                        continue
                    }
                    order.append(i)
                } catch { results[i] = .failure(error) }
            }
            if order.isEmpty { return results.map { $0! } }

            let ipfs = self.ipfs, cancellation = self.cancellation
            let configs = order.map { drafts[$0].configBytes }
            let pins = OrderedPrefetch(count: order.count) { k in
                try ipfs.upload(configs[k], filename: "taskConfig.json", cancellation: cancellation)
            }
            defer { pins.stop() }
            var prover = BatchProver(client: self, sender: s)
            var urls = [Int: String]()
            var pendings = [(Int, PendingTransaction)]()  // sent, receipt not yet seen
            var sentCount = 0
            var next = 0
            while next < order.count {
                if cancellation?.isCancelled == true {
                    // Ctrl-C: nothing more is signed; what was sent is still awaited below.
                    for i in order[next...] { results[i] = .failure(SendError.cancelled(label: Self.publishLabel, hash: nil)) }
                    break
                }
                var chunk = [(index: Int, request: TransactionRequest, gasLimit: UInt64)]()
                while chunk.count < 16 && next < order.count {
                    let (k, i) = (next, order[next])
                    next += 1
                    do {
                        let url = try pins.take(k).get()
                        let request = try publishRequest(drafts[i], configURL: url, identity: ids[i])
                        chunk.append((i, request, try prover.gasLimit(drafts[i], request)))
                        urls[i] = url
                    } catch { results[i] = .failure(error) }
                }
                let sent: [Result<PendingTransaction, Error>]
                do { sent = try s.submitChunk(chunk.map { ($0.request, $0.gasLimit) }) } catch {
                    sent = chunk.map { _ in .failure(error) }
                }
                for (item, r) in zip(chunk, sent) {
                    switch r {
                    case .success(let p): pendings.append((item.index, p)); sentCount += 1
                    case .failure(let e): results[item.index] = .failure(e)
                    }
                }
                progress?(sentCount, order.count)
                // The receipts mined so far, while they are near the head (see `pollReceipts`): the
                // oldest 100 still open, one request per chunk however slow the chain (a node that
                // mines every 12 s must not be asked for every open receipt after every chunk). A
                // failed look is not an answer; the final wait looks again.
                let oldest = Array(pendings.prefix(100))
                if let seen = try? s.pollReceipts(oldest.map(\.1)) {
                    for ((i, _), r) in zip(oldest, seen) {
                        if let r { results[i] = Result { try published(r.get(), configURL: urls[i]!) } }
                    }
                    pendings = pendings.filter { results[$0.0] == nil }
                }
            }
            let receipts = try s.waitForReceipts(pendings.map(\.1))
            for ((i, _), r) in zip(pendings, receipts) {
                results[i] = Result { try published(r.get(), configURL: urls[i]!) }
            }
            return results.map { $0! }
        }
    }

    /// The standing earlier publish of each identity that has one (`earlierPublish`), reading the
    /// journal once for the whole batch.
    func earlierPublishes(of ids: [PublishIdentity]) throws -> [PublishIdentity: SendJournal.Entry] {
        let wanted = Set(ids.map(\.hex))
        var byDraft = [String: [SendJournal.Entry]]()
        for e in try journal.entries() where e.label == Self.publishLabel && e.chainId == network.chainId {
            if let d = e.signed.fields["meta"]?["draft"]?.stringValue, wanted.contains(d) { byDraft[d, default: []].append(e) }
        }
        var out = [PublishIdentity: SendJournal.Entry]()
        for id in ids {
            if let e = standing(byDraft[id.hex] ?? []) { out[id] = e }
        }
        return out
    }
}

/// Decides each publish's gas limit — or why it would revert — before it is signed, for a stream
/// of publishes where most differ only in their config URL.
///
/// Items of one *group* — same source, payment, expiry and calldata length: their calldata differs
/// only in the config URL's bytes, which the Controller stores without reading (PROTOCOL.md §5:
/// its reverts are about the source, the payment, the expiry and the Vault balance) and which cost
/// the same gas at the same length — pass or fail together, so the group's first item is executed
/// (`TransactionSender.gasLimit(for:)`: one `eth_call` at the shape's limit, or an estimate) and
/// the rest are sent at the limit it proved. A first item that fails proves nothing for the others:
/// each later item of that group is then executed on its own, so every failure carries its own reason.
/// (Executing every item, as before, doubled the devnet's work per publish: its chain runs an
/// `eth_call` of a publish in ~80% of the time it takes to mine one, and the batch ran at ~0.5 of
/// the rate the node accepts pre-signed publishes.)
///
/// Items land one after another and each escrows its payment from the signer's Vault balance
/// (PROTOCOL.md §8.4), so the batch's running total of proven payments is held against
/// `Vault.balanceOf(signer)`, read once; items past it fail with `InsufficientBalance` before
/// sending, as they would on chain.
struct BatchProver {
    let client: OpenGPUClient
    let sender: TransactionSender
    private var proven = [Group: UInt64]()
    private var balance: BigUInt?
    private var committed = BigUInt(0)

    private struct Group: Hashable {
        let source: Address, payment: BigUInt, expiry: UInt64, length: Int
    }

    init(client: OpenGPUClient, sender: TransactionSender) {
        self.client = client
        self.sender = sender
    }

    mutating func gasLimit(_ draft: TaskDraft, _ request: TransactionRequest) throws -> UInt64 {
        let group = Group(source: draft.source, payment: draft.payment, expiry: draft.expiryTime, length: request.data.count)
        let limit: UInt64
        if let known = proven[group] {
            limit = known
        } else {
            limit = try sender.gasLimit(for: request)
            proven[group] = limit
        }
        let balance = try self.balance ?? vaultBalance()
        self.balance = balance
        guard committed + draft.payment <= balance else {
            throw ContractError(
                operation: request.label,
                reason: .message("InsufficientBalance: the Vault balance of \(balance) wei covers this batch's earlier tasks "
                                 + "(\(committed) wei) but not this one's payment of \(draft.payment) wei"),
                phase: .beforeSending)
        }
        committed += draft.payment
        return limit
    }

    private func vaultBalance() throws -> BigUInt {
        try client.read(OpenGPUClient.ViewCall(client.network.contracts.vault, OpenGPUContracts.Vault.balanceOf,
                                               [.address(sender.address)], label: "Vault.balanceOf")).first?.uintValue ?? 0
    }
}
