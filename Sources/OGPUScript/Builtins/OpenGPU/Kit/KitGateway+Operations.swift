import BigInt
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OGPUKit
import OGPUPrimitives

/// The OpenGPU operations of `KitGateway`: each is the client core's own operation, reached with
/// the session's client, key and policy (and its `--dry-run`, which signs and prints instead).
extension KitGateway {
    // MARK: - Tasks

    /// `now`: the expiry clock already read for a batch (one reading for all its drafts).
    func draft(_ r: TaskRequest, now: UInt64? = nil) throws -> TaskDraft {
        try kit {
            let expiry: UInt64
            switch r.expiry {
            case .after(let seconds): expiry = try (now ?? client().expiryClock()) + UInt64(max(0, seconds))
            case .at(let unix): expiry = UInt64(max(0, unix))
            }
            return TaskDraft(source: r.source, input: r.input, payment: r.payment, expiryTime: expiry)
        }
    }

    /// How the draft's expiry was asked for: its identity (`PublishIdentity`) uses this, not the
    /// on-chain time a relative expiry becomes.
    static func expirySpec(_ r: TaskRequest) -> ExpirySpec {
        switch r.expiry {
        case .after(let seconds): return .relative(seconds: UInt64(max(0, seconds)))
        case .at: return .absolute
        }
    }

    public func publishTask(_ request: TaskRequest) throws -> PublishedTask {
        let d = try draft(request)
        let c = try signingClient()
        if configuration.dryRun {
            _ = try send(try kit { try c.publishRequest(d, configURL: Self.placeholderURL(d)) })  // prints and throws
        }
        announce(c)
        let t = try kit { try c.publish(d, expiry: Self.expirySpec(request), again: request.again) }
        return published(t)
    }

    /// Remembers a published task, telling the user when it came from an earlier publish of the
    /// same draft rather than a new transaction.
    private func published(_ t: PublishedTask) -> PublishedTask {
        if t.isEarlierPublish {
            configuration.notice("ogpu: this draft was already published in transaction \(t.transactionHash) (task \(t.task.checksummed)); "
                                 + "using that task instead of publishing it again — publish(draft, again: true) publishes another\n")
        }
        remember(publish: t.task, transaction: t.transactionHash)
        return t
    }

    public func publishTasks(_ requests: [TaskRequest], progress: ((_ sent: Int, _ total: Int) -> Void)?)
        -> [Result<PublishedTask, Error>] {
        var results = [Result<PublishedTask, Error>?](repeating: nil, count: requests.count)
        var drafts = [(Int, TaskDraft)]()
        // Relative expiries count from one reading of the clock for the whole batch (not one
        // chain read per draft); if it cannot be read, each draft tries and fails on its own.
        let relative = requests.contains { if case .after = $0.expiry { return true } else { return false } }
        let now = relative ? try? kit { try client().expiryClock() } : nil
        for (i, r) in requests.enumerated() {
            do { drafts.append((i, try draft(r, now: now))) } catch { results[i] = .failure(error) }
        }
        do {
            let c = try signingClient()
            if configuration.dryRun {
                for (i, d) in drafts {
                    results[i] = Result {
                        _ = try send(try kit { try c.publishRequest(d, configURL: Self.placeholderURL(d)) })
                        throw GatewayError(.value, "unreachable")
                    }
                }
            } else if !drafts.isEmpty {
                announce(c)
                // The batch is counted off by `progress`, not by a line per transaction.
                let sender = try kit { try c.sender() }
                let single = sender.onBroadcast
                sender.onBroadcast = nil
                defer { sender.onBroadcast = single }
                let batch = try kit {
                    try c.publishBatch(drafts.map(\.1), expiries: drafts.map { Self.expirySpec(requests[$0.0]) },
                                       again: requests.contains { $0.again }, progress: progress)
                }
                for ((i, _), r) in zip(drafts, batch) {
                    switch r {
                    case .success(let t):
                        results[i] = .success(published(t))
                    case .failure(let e):
                        results[i] = .failure(KitErrorMapping.map(e, localRPC: nil))
                    }
                }
            }
        } catch {
            for (i, _) in drafts where results[i] == nil { results[i] = .failure(error) }
        }
        return results.map { $0 ?? .failure(GatewayError(.rpc, "publish: no result")) }
    }

    public func signPublishTask(_ request: TaskRequest) throws -> SignedTransaction {
        try signPublish(try draft(request))
    }

    /// The config URL a dry run signs with, since it pins nothing: names the config by its hash.
    static func placeholderURL(_ d: TaskDraft) -> String {
        "dry-run://keccak256/" + Hex.encode(Keccak256.hash(d.configBytes))
    }

    private func announce(_ c: OpenGPUClient) {
        if let s = try? c.sender() { announceSigner(s.address) }
    }

    public func task(at address: Address) throws -> TaskInfo {
        let c = try client()
        return try kit { try c.task(address) }
    }

    public func explorerURL(of task: Address) -> String? {
        (try? resolvedNetwork())?.explorerTaskURL(task)
    }

    public func chainHead() throws -> BlockHeader? {
        let c = try client()
        return try kit { try c.eth.block(.latest) }
    }

    public func responses(of task: Address) throws -> [ResponseInfo] {
        let c = try client()
        return try kit { try c.responses(of: task) }
    }

    public func payloads(of responses: [ResponseInfo]) throws -> [String] {
        let c = try client()
        return try kit { try c.responsePayloads(responses).map { try $0.get() } }
    }

    public func confirm(response: Address) throws -> TransactionReceipt {
        let c = try signingClient()
        return try send(try kit { try c.confirmRequest(response: response) })
    }

    public func cancel(task: Address) throws -> TransactionReceipt {
        let c = try signingClient()
        return try send(try kit { try c.cancelRequest(task: task) })
    }

    public func events(of task: Address, after cursor: UInt64?) throws -> (events: [TaskEvent], cursor: UInt64) {
        let c = try client()
        let latest = try kit { try c.eth.blockNumber() }
        // First call: from the block that published the task when its transaction is known (a log
        // search from genesis is slow, and refused by some public nodes), else from the start.
        var from: BlockTag = .earliest
        if let cursor { from = .number(cursor + 1) }
        else if let tx = publishTransaction(of: task), let receipt = try? c.eth.receipt(tx) {
            from = .number(receipt.blockNumber)
        }
        if let cursor, cursor >= latest { return ([], cursor) }
        return (try kit { try c.taskEvents(task, from: from, to: .number(latest)) }, latest)
    }

    // MARK: - Sources

    public func source(at address: Address) throws -> SourceInfo {
        let c = try client()
        return try kit { try c.describeSource(address) }
    }

    public func sources() throws -> [SourceInfo] {
        let c = try client()
        return try kit { try c.describeSources(try c.sources()) }
    }

    public func publishSource(_ draft: SourceDraft) throws -> Address {
        let c = try signingClient()
        if configuration.dryRun {
            throw GatewayError(.value, "--dry-run: publish_source pins metadata and sends Nexus.publishSource; nothing was sent")
        }
        announce(c)
        return try kit { try c.publishSource(draft) }
    }

    // MARK: - Vault

    public func vault(of address: Address) throws -> VaultAccount {
        let c = try client()
        return try kit { try c.vault(address) }
    }

    public func vaultAction(_ action: VaultAction, amount: BigUInt) throws -> TransactionReceipt {
        let c = try signingClient()
        return try send(try kit { try c.vaultRequest(action, amount: amount) })
    }

    // MARK: - IPFS

    public func ipfsPut(_ text: String, contentType: String) throws -> String {
        let c = try client()
        let name = contentType.contains("json") ? "data.json" : "data.txt"
        return try kit { try c.ipfs.upload(Array(text.utf8), filename: name, contentType: contentType, cancellation: c.cancellation) }
    }

    public func ipfsGet(_ url: String) throws -> String {
        let c = try client()
        return try kit { String(decoding: try c.ipfs.fetch(url, cancellation: c.cancellation), as: UTF8.self) }
    }
}
