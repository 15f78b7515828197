#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OGPUPrimitives

extension TransactionSender {
    /// Signs, journals and broadcasts a chunk of requests in order, with consecutive nonces: what
    /// `submit` does for one, with the chunk's `signed` records written by ONE fsync before any
    /// of them is broadcast (a batch of 1,000 would otherwise spend ~3.5 ms per transaction in
    /// fsync on this project's machines, 6% of a devnet send). Results are in input order; each
    /// `gasLimit` must already be proven for its request.
    ///
    /// Exactly once, as `submit`: nothing is broadcast before its record is durable, the same bytes
    /// are re-sent only as `broadcast` does. When the node refuses one (a nonce gap, its nonce
    /// taken, or an outright rejection), the chunk's later transactions are never broadcast —
    /// their nonces follow the refused one — so they are recorded `rejected` ("not broadcast"),
    /// which is what they are, and signed again from the node's nonce (at most 3 times each).
    /// An interruption fails the rest as `cancelled`, unsent.
    public func submitChunk(_ items: [(request: TransactionRequest, gasLimit: UInt64)]) throws -> [Result<PendingTransaction, Error>] {
        try withAccountLock {
            var results = [Result<PendingTransaction, Error>?](repeating: nil, count: items.count)
            var attempts = [Int](repeating: 0, count: items.count)
            var queue = Array(items.indices)
            while !queue.isEmpty {
                let signed = signChunk(queue, items, &attempts, &results)
                queue = []
                do {
                    try journal.recordSigned(signed.map { i, p in
                        SendJournal.Signed(hash: p.hash, raw: p.raw, from: address, nonce: p.nonce, chainId: chainId, to: p.request.to,
                                           label: p.request.label, meta: p.request.journalMeta)
                    })
                } catch {
                    nonces.reset(address)  // none of these nonces is used
                    for (i, _) in signed { results[i] = .failure(error) }
                    break
                }
                var refused: String?
                var resynced = false  // after a taken nonce `resync` already set the next one
                for (i, p) in signed {
                    if let why = refused {
                        try? journal.record(.rejected, hash: p.hash, [("reason", .string("not broadcast: \(why)"))])
                        if cancellation?.isCancelled == true {
                            results[i] = .failure(SendError.cancelled(label: p.request.label, hash: nil))
                        } else {
                            queue.append(i)
                        }
                        continue
                    }
                    do {
                        switch try broadcast(p) {
                        case .accepted:
                            onBroadcast?(p.request.label, p.hash)
                            results[i] = .success(p)
                        case .nonceGap(let message):
                            try? journal.record(.rejected, hash: p.hash, [("reason", .string(message))])
                            refused = "the node refused an earlier nonce of its batch (\(message))"
                            queue.append(i)
                        case .nonceTaken(let message):
                            if try settleDisplaced(p, message: message) == .found {
                                onBroadcast?(p.request.label, p.hash)
                                results[i] = .success(p)
                            } else {
                                try nonces.resync(for: address, taken: p.nonce, using: eth)
                                fees.invalidate()
                                resynced = true
                                refused = "an earlier nonce of its batch was taken (\(message))"
                                queue.append(i)
                            }
                        }
                    } catch {
                        results[i] = .failure(error)
                        refused = "an earlier transaction of its batch failed (\(error))"
                    }
                }
                if refused != nil, !resynced { nonces.reset(address) }  // the next signature reads the node's count
                for i in queue where attempts[i] >= 3 {
                    results[i] = .failure(SendError.nonceConflict(label: items[i].request.label, attempts: attempts[i]))
                }
                queue = queue.filter { results[$0] == nil }
            }
            return results.map { $0 ?? .failure(SendError.cancelled(label: "transaction", hash: nil)) }
        }
    }

    /// Signs the queued items with consecutive nonces (spending policy first, as every signature);
    /// one that cannot be signed fails in its slot and gives its nonce back.
    private func signChunk(_ queue: [Int], _ items: [(request: TransactionRequest, gasLimit: UInt64)], _ attempts: inout [Int],
                           _ results: inout [Result<PendingTransaction, Error>?]) -> [(Int, PendingTransaction)] {
        var signed = [(Int, PendingTransaction)]()
        let fee: FeeQuote
        do { fee = try fees.quote() } catch {
            for i in queue { results[i] = .failure(error) }
            return []
        }
        for i in queue {
            attempts[i] += 1
            let (request, gasLimit) = items[i]
            do {
                let nonce = try nonces.reserve(for: address, using: eth)
                do {
                    let s = try sign(build(request, nonce: nonce, gasLimit: gasLimit, fee: fee), for: request, retry: attempts[i] > 1)
                    signed.append((i, PendingTransaction(hash: Hex.encode(s.hash), nonce: nonce, from: address, raw: s.rawBytes,
                                                         request: request, gasLimit: gasLimit)))
                } catch {
                    nonces.release(nonce, for: address)
                    throw error
                }
            } catch {
                results[i] = .failure(error)
            }
        }
        return signed
    }
}
