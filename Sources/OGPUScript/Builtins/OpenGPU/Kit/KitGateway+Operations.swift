import BigInt
import Foundation
import OGPUKit
import OGPUPrimitives

/// The OpenGPU operations of `KitGateway`: script-level requests converted to OGPUKit calls and
/// their results back to the gateway's plain data.
extension KitGateway {
    // MARK: - Tasks

    func draft(_ r: TaskRequest) throws -> TaskDraft {
        try kit {
            let input = try TaskInput(config: try OGPUPrimitives.JSONParser.parse(r.configJSON))
            let expiry: UInt64
            switch r.expiry {
            case .after(let seconds):
                // From the later of the wall clock and the chain's clock: a devnet's chain time can
                // run ahead (evm_increaseTime, bursts), and the contract measures against its own.
                let wall = UInt64(Date().timeIntervalSince1970)
                let chain = (try? client().eth.block(.latest))??.timestamp ?? 0
                expiry = max(wall, chain) + UInt64(max(0, seconds))
            case .at(let unix): expiry = UInt64(max(0, unix))
            }
            return TaskDraft(source: try Address(hex: r.source), input: input, payment: r.payment, expiryTime: expiry)
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
    private func published(_ t: OGPUKit.PublishedTask) -> PublishedTask {
        if t.isEarlierPublish {
            configuration.notice("ogpu: this draft was already published in transaction \(t.transactionHash) (task \(t.task.checksummed)); "
                                 + "using that task instead of publishing it again — publish(draft, again: true) publishes another\n")
        }
        remember(publish: t.task.checksummed, transaction: t.transactionHash)
        return PublishedTask(address: t.task.checksummed, transactionHash: t.transactionHash)
    }

    public func publishTasks(_ requests: [TaskRequest]) -> [Result<PublishedTask, Error>] {
        var results = [Result<PublishedTask, Error>?](repeating: nil, count: requests.count)
        var drafts = [(Int, TaskDraft)]()
        for (i, r) in requests.enumerated() {
            do { drafts.append((i, try draft(r))) } catch { results[i] = .failure(error) }
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
                // In a terminal, count the batch off as each transaction is sent: `[k/N] sent …`.
                let sender = try kit { try c.sender() }
                let single = sender.onBroadcast
                if let progress = configuration.progress {
                    var sent = 0
                    let total = drafts.count
                    sender.onBroadcast = { label, hash in
                        sent += 1
                        progress("[\(sent)/\(total)] sent \(label) \(hash)\n")
                    }
                }
                defer { sender.onBroadcast = single }
                let batch = try kit {
                    try c.publishBatch(drafts.map(\.1), expiries: drafts.map { Self.expirySpec(requests[$0.0]) },
                                       again: requests.contains { $0.again })
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
        let d = try draft(request)
        if d.expiryTime <= UInt64(Date().timeIntervalSince1970) {
            throw GatewayError(.value, "task expiry is not in the future")
        }
        let c = try signingClient()
        return try sign(try kit { try c.publishRequest(d, configURL: Self.placeholderURL(d)) })
    }

    /// The config URL a dry run signs with, since it pins nothing: names the config by its hash.
    static func placeholderURL(_ d: TaskDraft) -> String {
        "dry-run://keccak256/" + Hex.encode(Keccak256.hash(d.configBytes))
    }

    private func announce(_ c: OpenGPUClient) {
        if let s = try? c.sender() { announceSigner(s.address) }
    }

    public func task(at address: String) throws -> TaskInfo {
        let c = try client()
        let a = try kit { try Address(hex: address) }
        let (t, responses) = try kit { (try c.task(a), try c.responseAddresses(of: a)) }
        var status = ScriptTaskStatus(rawValue: Int(t.status.rawValue)) ?? .new
        if t.isExpired(now: UInt64(Date().timeIntervalSince1970)) { status = .expired }
        return TaskInfo(address: a.checksummed, status: status, source: t.source.checksummed, payment: t.payment,
                        expiry: Int(t.expiryTime), attempts: t.attemptCount, responses: responses.map(\.checksummed),
                        configURL: t.configURL, explorer: c.network.explorerTaskURL(a),
                        transactionHash: publishTransaction(of: a.checksummed))
    }

    public func responses(of task: String) throws -> [ResponseInfo] {
        let c = try client()
        let a = try kit { try Address(hex: task) }
        return try kit { try c.responses(of: a) }.map { r in
            ResponseInfo(address: r.address.checksummed, task: r.task.checksummed, provider: r.provider.checksummed,
                         confirmed: r.confirmed || r.status == .confirmed, url: r.data, body: try payload(r.data, c),
                         time: Int(r.timestamp))
        }
    }

    /// A response's payload text: fetched when `data` is a link, else `data` itself (inline JSON).
    private func payload(_ data: String, _ c: OpenGPUClient) throws -> String {
        let d = data.trimmingCharacters(in: .whitespacesAndNewlines)
        guard d.hasPrefix("http://") || d.hasPrefix("https://") || d.hasPrefix("ipfs://") else { return data }
        return try kit { String(decoding: try c.ipfs.fetch(d, cancellation: c.cancellation), as: UTF8.self) }
    }

    public func confirm(response: String) throws -> String {
        try sendToController(OpenGPUContracts.Controller.confirmResponse, address: response, label: "Controller.confirmResponse")
    }

    public func cancel(task: String) throws -> String {
        try sendToController(OpenGPUContracts.Controller.cancelTask, address: task, label: "Controller.cancelTask")
    }

    /// Sends `function(address)` to the Controller; returns the transaction hash.
    private func sendToController(_ function: ABIFunction, address: String, label: String) throws -> String {
        let c = try signingClient()
        let a = try kit { try Address(hex: address) }
        return try send(TransactionRequest(to: c.network.contracts.controller,
                                           data: try kit { try function.encodeCall([.address(a)]) },
                                           label: label)).transactionHash
    }

    public func events(of task: String, after cursor: Int?) throws -> (events: [TaskEvent], cursor: Int) {
        let c = try client()
        let a = try kit { try Address(hex: task) }
        let latest = try kit { try c.eth.blockNumber() }
        // First call: from the block that published the task when its transaction is known (a log
        // search from genesis is slow, and refused by some public nodes), else from the start.
        var from: BlockTag = .earliest
        if let cursor { from = .number(UInt64(cursor + 1)) }
        else if let tx = publishTransaction(of: a.checksummed), let receipt = try? c.eth.receipt(tx) {
            from = .number(receipt.blockNumber)
        }
        if let cursor, UInt64(cursor) >= latest { return ([], cursor) }
        let events = try kit { try c.taskEvents(a, from: from, to: .number(latest)) }
        return (events.map { e in
            let what: (kind: String, detail: String)
            switch e.kind {
            case .attempted(let provider, _): what = ("attempted", provider.checksummed)
            case .responseSubmitted(let response): what = ("response", response.checksummed)
            case .statusChanged(let s): what = ("status", (ScriptTaskStatus(rawValue: Int(s.rawValue)) ?? .new).name)
            }
            return TaskEvent(kind: what.kind, block: Int(e.blockNumber), transactionHash: e.transactionHash ?? "", detail: what.detail)
        }, Int(latest))
    }

    // MARK: - Sources

    public func source(at address: String) throws -> SourceInfo {
        let c = try client()
        let a = try kit { try Address(hex: address) }
        let s = try kit { try c.source(a) }
        // Display metadata lives off chain; a source whose metadata is gone still reads.
        let meta = try? c.ipfs.fetchJSON(s.params.imageMetadataUrl, cancellation: c.cancellation)
        func text(_ k: String) -> String { meta?[k]?.stringValue ?? "" }
        return SourceInfo(address: a.checksummed, owner: s.params.client.checksummed, name: text("name"),
                          description: text("description"), logo: text("logoUrl"), metadataURL: s.params.imageMetadataUrl,
                          environments: Int(s.params.imageEnvironments), minPayment: s.params.minPayment,
                          minLockup: s.params.minAvailableLockup,
                          maxExpirySeconds: Int(clamping: UInt64(truncatingIfNeeded: s.params.maxExpiryDuration)),
                          delivery: s.params.deliveryMethod == .firstResponse ? "first" : "manual", active: s.status == .active)
    }

    public func sources() throws -> [SourceInfo] {
        let c = try client()
        return try kit { try c.sources() }.map { try source(at: $0.checksummed) }
    }

    public func publishSource(_ request: SourceRequest) throws -> String {
        let c = try signingClient()
        let d = SourceDraft(name: request.name, description: request.description, logoUrl: request.logo, cpu: request.cpu,
                            nvidia: request.nvidia, amd: request.amd, minPayment: request.minPayment,
                            minAvailableLockup: request.minLockup, maxExpiryDuration: BigUInt(max(0, request.maxExpirySeconds)),
                            deliveryMethod: request.delivery == "first" ? .firstResponse : .manualConfirmation)
        if configuration.dryRun {
            throw GatewayError(.value, "--dry-run: publish_source pins metadata and sends Nexus.publishSource; nothing was sent")
        }
        announce(c)
        return try kit { try c.publishSource(d) }.checksummed
    }

    // MARK: - Vault

    public func vault(of address: String) throws -> VaultInfo {
        let c = try client()
        let a = try kit { try Address(hex: address) }
        let v = try kit { try c.vault(a) }
        return VaultInfo(balance: v.balance, lockup: v.lockup, unbonding: v.unbonding, eligible: v.eligible)
    }

    public func vaultAction(_ action: VaultAction, amount: BigUInt?) throws -> String {
        let c = try signingClient()
        typealias V = OpenGPUContracts.Vault
        let vault = c.network.contracts.vault
        let wei = amount ?? 0
        let request: TransactionRequest = try kit {
            switch action {
            case .deposit:
                let me = try c.sender().address
                return TransactionRequest(to: vault, data: try V.deposit.encodeCall([.address(me)]), value: wei, label: "Vault.deposit")
            case .lock: return TransactionRequest(to: vault, data: try V.lock.encodeCall([.uint(wei)]), label: "Vault.lock")
            case .unbond: return TransactionRequest(to: vault, data: try V.unbond.encodeCall([.uint(wei)]), label: "Vault.unbond")
            case .withdraw: return TransactionRequest(to: vault, data: try V.withdraw.encodeCall([.uint(wei)]), label: "Vault.withdraw")
            case .claim: return TransactionRequest(to: vault, data: try V.claim.encodeCall([]), label: "Vault.claim")
            }
        }
        return try send(request).transactionHash
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

/// The language's task status (the gateway protocol's), named apart from OGPUKit's.
typealias ScriptTaskStatus = OGPUScript.TaskStatus
