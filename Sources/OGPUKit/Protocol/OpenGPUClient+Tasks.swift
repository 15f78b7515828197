#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import BigInt
import OGPUPrimitives

extension OpenGPUClient {
    private var controller: Address { network.contracts.controller }

    // MARK: - Publish

    /// Pins the config, sends `Controller.publishTask`, and returns the new task from the Nexus
    /// `TaskPublished` log. Reverts found by gas estimation (inactive source, short Vault balance…)
    /// throw `ContractError` before anything is signed.
    ///
    /// Idempotent: when the journal holds a publish of the same draft (`PublishIdentity`) that is
    /// unresolved, or mined with its task not yet expired, nothing is signed — that transaction is
    /// settled by hash and its task returned (`isEarlierPublish`), or its unknown outcome thrown.
    /// `again: true` publishes a new task regardless.
    public func publish(_ draft: TaskDraft, expiry: ExpirySpec = .absolute, again: Bool = false) throws -> PublishedTask {
        try validate(draft)
        let s = try sender()
        let identity = identities([draft], expiries: [expiry], signer: s.address)[0]
        // The account's turn covers the journal check and the signing: another process cannot
        // publish the same draft in between.
        return try s.withAccountLock {
            if !again, let earlier = try earlierPublish(of: identity), var task = try settleEarlierPublish(earlier, sender: s) {
                task.isEarlierPublish = true
                return task
            }
            let url = try ipfs.upload(draft.configBytes, filename: "taskConfig.json", cancellation: cancellation)
            let request = try publishRequest(draft, configURL: url, identity: identity)
            let receipt = try s.send(request)
            return try published(receipt, configURL: url)
        }
    }

    /// Publishes many tasks pipelined: all configs pinned, every draft proven on the latest state,
    /// then all transactions signed, journaled and sent, then all receipts awaited together.
    /// Results are in input order; one failing draft does not stop the others.
    ///
    /// Nothing is signed for a draft until it is proven (see `provenGasLimits`): a draft that would
    /// revert fails in its slot with `ContractError(phase: .beforeSending)`, never journaled, never
    /// sent, no gas spent. Idempotent per item, as `publish` is (identical drafts of one batch are
    /// distinct items).
    public func publishBatch(_ drafts: [TaskDraft], expiries: [ExpirySpec]? = nil, again: Bool = false) throws
        -> [Result<PublishedTask, Error>] {
        let s = try sender()
        let ids = identities(drafts, expiries: expiries ?? drafts.map { _ in .absolute }, signer: s.address)
        return try s.withAccountLock {
            var results = [Result<PublishedTask, Error>?](repeating: nil, count: drafts.count)
            var requests = [Int: (TransactionRequest, String)]()
            for (i, d) in drafts.enumerated() {
                do {
                    try validate(d)
                    if !again, let earlier = try earlierPublish(of: ids[i]), var task = try settleEarlierPublish(earlier, sender: s) {
                        task.isEarlierPublish = true
                        results[i] = .success(task)
                        continue
                    }
                    let url = try ipfs.upload(d.configBytes, filename: "taskConfig.json", cancellation: cancellation)
                    requests[i] = (try publishRequest(d, configURL: url, identity: ids[i]), url)
                } catch { results[i] = .failure(error) }
            }
            let order = requests.keys.sorted()
            let limits = try provenGasLimits(order.map { (draft: drafts[$0], request: requests[$0]!.0) }, sender: s)
            var pendings = [(Int, PendingTransaction)]()
            for (k, i) in order.enumerated() {
                do {
                    pendings.append((i, try s.submit(requests[i]!.0, gasLimit: try limits[k].get())))
                } catch { results[i] = .failure(error) }
            }
            let receipts = try s.waitForReceipts(pendings.map(\.1))
            for ((i, _), r) in zip(pendings, receipts) {
                results[i] = Result { try published(r.get(), configURL: requests[i]!.1) }
            }
            return results.map { $0! }
        }
    }

    /// For each publish of a batch, the gas limit it will be sent with — or why it would revert —
    /// decided before any of them is signed.
    ///
    /// 1. Each item runs once on the latest state with exactly the gas limit it will carry
    ///    (`eth_call` from the sender, in JSON-RPC batches of 16). The limit comes from one
    ///    `eth_estimateGas` per call shape (the first item's; publishes of one batch differ only in
    ///    the config URL). An item whose call fails at that limit gets its own estimate, which
    ///    either reports its revert or gives it a proven limit. So every item is executed, not
    ///    inferred from another item: a config-dependent revert is still caught.
    /// 2. Every item was checked against the state *before* the batch, but the transactions land
    ///    one after another and each escrows its payment from the sender's Vault balance
    ///    (PROTOCOL.md §8.4), so items that pass alone can still revert together. The batch's
    ///    running total of payments is held against `Vault.balanceOf(sender)`; the items past it
    ///    fail with `InsufficientBalance` before sending, as they would on chain.
    /// A transport failure here throws for the whole batch: nothing has been signed yet.
    func provenGasLimits(_ items: [(draft: TaskDraft, request: TransactionRequest)], sender s: TransactionSender) throws
        -> [Result<UInt64, Error>] {
        var out = [Result<UInt64, Error>?](repeating: nil, count: items.count)
        var toCall = [(Int, UInt64)]()
        for (k, item) in items.enumerated() {
            if let limit = s.gasPlan.limit(for: item.request, fees: s.fees) {
                toCall.append((k, limit))
            } else {
                out[k] = Result { s.fees.gasLimit(forEstimate: try s.estimateGas(item.request)) }
            }
        }
        for chunk in stride(from: 0, to: toCall.count, by: 16) {
            let part = toCall[chunk..<min(chunk + 16, toCall.count)]
            let answers = try eth.rpc.batch(part.map { k, limit in
                RPCCall("eth_call", [s.callAtLimit(items[k].request, limit).json, BlockTag.latest.json])
            })
            for ((k, limit), answer) in zip(part, answers) {
                if case .success = answer {
                    out[k] = .success(limit)
                } else {
                    out[k] = Result { s.fees.gasLimit(forEstimate: try s.estimateGas(items[k].request)) }
                }
            }
        }
        let passing = out.indices.filter { (try? out[$0]?.get()) != nil }
        if !passing.isEmpty {
            let vault = network.contracts.vault
            let balance = try read(ViewCall(vault, OpenGPUContracts.Vault.balanceOf, [.address(s.address)],
                                            label: "Vault.balanceOf")).first?.uintValue ?? 0
            var committed = BigUInt(0)
            for k in passing {
                let payment = items[k].draft.payment
                if committed + payment <= balance {
                    committed += payment
                    continue
                }
                out[k] = .failure(ContractError(
                    operation: items[k].request.label,
                    reason: .message("InsufficientBalance: the Vault balance of \(balance) wei covers this batch's earlier tasks "
                                     + "(\(committed) wei) but not this one's payment of \(payment) wei"),
                    phase: .beforeSending))
            }
        }
        return out.map { $0! }
    }

    /// Signs the publish transaction for `draft` with `configURL` without pinning or sending it
    /// (nothing is journaled: these bytes are never broadcast by this client). Uses the next
    /// nonce the node reports and a fresh gas estimate.
    public func signPublish(_ draft: TaskDraft, configURL: String, nonceAtLeast: UInt64 = 0) throws -> SignedTransaction {
        try validate(draft)
        return try signWithoutSending(try publishRequest(draft, configURL: configURL), nonceAtLeast: nonceAtLeast)
    }

    /// The present for a relative expiry: the later of the wall clock and the chain's clock (a
    /// devnet's chain time can run ahead, with evm_increaseTime or bursts, and the contract
    /// measures expiry against its own).
    public func expiryClock() -> UInt64 {
        max(Self.now(), (try? eth.block(.latest))??.timestamp ?? 0)
    }

    private func validate(_ d: TaskDraft) throws {
        let now = Self.now()
        guard d.expiryTime > now else { throw TaskDraftError.expiryInPast(expiryTime: d.expiryTime, now: now) }
        guard d.payment > 0 else { throw TaskDraftError.zeroPayment }
    }

    /// The `Controller.publishTask` call for `d`, with what recovery needs in the journal's meta
    /// (and the draft's identity, when it has one: see `PublishIdentity`).
    public func publishRequest(_ d: TaskDraft, configURL: String, identity: PublishIdentity? = nil) throws -> TransactionRequest {
        let params = ABIValue.tuple([.address(d.source), .string(configURL), .uint(BigUInt(d.expiryTime)), .uint(d.payment)])
        var meta: [(String, JSONValue)] = [("source", .string(d.source.checksummed)), ("config", .string(configURL)),
                                           ("payment", .string(String(d.payment))), ("expiry", .int(d.expiryTime))]
        if let identity { meta.append(("draft", .string(identity.hex))) }
        return TransactionRequest(to: controller, data: try OpenGPUContracts.Controller.publishTask.encodeCall([params]),
                                  label: "Controller.publishTask", journalMeta: meta)
    }

    func published(_ receipt: TransactionReceipt, configURL: String) throws -> PublishedTask {
        let event = try nexusEvent(OpenGPUContracts.Nexus.taskPublished, in: receipt)
        guard let task = event["task"]?.addressValue else { throw OpenGPUReadError.malformed("TaskPublished log") }
        try? journal.record(.mined, hash: receipt.transactionHash, [("task", .string(task.checksummed))])
        return PublishedTask(task: task, transactionHash: receipt.transactionHash, blockNumber: receipt.blockNumber, configURL: configURL)
    }

    /// Finds the task a journaled publish created, from its receipt (recovery after an interruption).
    public func recoverPublishedTask(transactionHash: String) throws -> Address? {
        guard let receipt = try eth.receipt(transactionHash), receipt.succeeded else { return nil }
        return try nexusEvent(OpenGPUContracts.Nexus.taskPublished, in: receipt)["task"]?.addressValue
    }

    // MARK: - Read

    public func task(_ address: Address) throws -> TaskInfo {
        typealias T = OpenGPUContracts.Task
        let r = try read([
            ViewCall(address, T.getStatus, label: "Task.getStatus"),
            ViewCall(address, T.taskParams, label: "Task.taskParams"),
            ViewCall(address, T.getAttemptCount, label: "Task.getAttemptCount"),
            ViewCall(address, T.getDeliveryMethod, label: "Task.getDeliveryMethod"),
            ViewCall(address, T.winningProvider, label: "Task.winningProvider"),
            ViewCall(address, T.owner, label: "Task.owner"),
        ])
        guard case .success(let statusOut) = r[0], let s = statusOut.first?.uintValue,
              let status = TaskStatus(rawValue: UInt8(truncatingIfNeeded: s)), s < 256 else {
            if case .failure(let e) = r[0], !(e is ContractError), !(e is OpenGPUReadError) { throw e }
            throw OpenGPUReadError.notFound(kind: "task", address: address)
        }
        let params = try r[1].get()
        guard params.count == 4, let source = params[0].addressValue, let config = params[1].stringValue,
              let expiry = params[2].uintValue, let payment = params[3].uintValue else {
            throw OpenGPUReadError.malformed("taskParams")
        }
        let attempts = try r[2].get().first?.uintValue ?? 0
        let dm = (try? r[3].get())?.first?.uintValue.flatMap { DeliveryMethod(rawValue: UInt8(truncatingIfNeeded: $0)) }
        let winner = (try? r[4].get())?.first?.addressValue.flatMap { $0 == .zero ? nil : $0 }
        let owner = (try? r[5].get())?.first?.addressValue
        return TaskInfo(address: address, status: status, source: source, configURL: config,
                        expiryTime: UInt64(truncatingIfNeeded: expiry), payment: payment, deliveryMethod: dm,
                        attemptCount: Int(truncatingIfNeeded: attempts), winningProvider: winner, owner: owner)
    }

    /// Addresses of the task's responses. Deployed getters take **inclusive** bounds and panic on
    /// index == count (PROTOCOL.md §9.1), so chunks are `[i, min(i+100, n) - 1]`; empty slots
    /// (attempters that have not answered) hold the zero address and are dropped.
    public func responseAddresses(of task: Address) throws -> [Address] {
        let n = try read(ViewCall(task, OpenGPUContracts.Task.getAttemptCount, label: "Task.getAttemptCount")).first?.uintValue ?? 0
        if n == 0 { return [] }
        var calls = [ViewCall]()
        var lower = BigUInt(0)
        while lower < n {
            let upper = min(lower + 100, n) - 1
            calls.append(ViewCall(task, OpenGPUContracts.Task.getResponsesOf, [.uint(lower), .uint(upper)], label: "Task.getResponsesOf"))
            lower += 100
        }
        var out = [Address]()
        for r in try read(calls) {
            for item in try r.get().first?.items ?? [] {
                if let a = item.addressValue, a != .zero { out.append(a) }
            }
        }
        return out
    }

    public func response(_ address: Address) throws -> ResponseInfo {
        try responses([address])[0].get()
    }

    /// Every response of a task, each read with one batched round trip.
    public func responses(of task: Address) throws -> [ResponseInfo] {
        try responses(try responseAddresses(of: task)).map { try $0.get() }
    }

    func responses(_ addresses: [Address]) throws -> [Result<ResponseInfo, Error>] {
        if addresses.isEmpty { return [] }
        typealias R = OpenGPUContracts.Response
        var calls = [ViewCall]()
        for a in addresses {
            calls += [ViewCall(a, R.getResponseParams, label: "Response.getResponseParams"),
                      ViewCall(a, R.getStatus, label: "Response.getStatus"),
                      ViewCall(a, R.confirmedFinal, label: "Response.confirmedFinal"),
                      ViewCall(a, R.responseTimestamp, label: "Response.responseTimestamp")]
        }
        let r = try read(calls)
        return addresses.enumerated().map { i, a in
            Result {
                guard let p = try r[4 * i].get().first?.items, p.count == 4, let task = p[0].addressValue,
                      let provider = p[1].addressValue, let data = p[2].stringValue, let payment = p[3].uintValue else {
                    throw OpenGPUReadError.malformed("ResponseParams")
                }
                let st = try r[4 * i + 1].get().first?.uintValue ?? 0
                let confirmed = try r[4 * i + 2].get().first?.boolValue ?? false
                let ts = try r[4 * i + 3].get().first?.uintValue ?? 0
                return ResponseInfo(address: a, task: task, provider: provider, data: data, payment: payment,
                                    status: ResponseStatus(rawValue: UInt8(truncatingIfNeeded: st)) ?? .submitted,
                                    timestamp: UInt64(truncatingIfNeeded: ts), confirmed: confirmed)
            }
        }
    }

    /// The response payload: fetched JSON when `data` is a URL, parsed inline JSON otherwise, or
    /// the raw text when it is neither.
    public func responseData(_ response: ResponseInfo) throws -> JSONValue {
        let d = response.data.trimmingWhitespaceAndNewlines()
        if d.hasPrefix("http://") || d.hasPrefix("https://") || d.hasPrefix("ipfs://") {
            return try ipfs.fetchJSON(d, cancellation: cancellation)
        }
        return (try? JSONParser.parse(d)) ?? .string(response.data)
    }

    /// The response payload as text: fetched when `data` is a link, else `data` itself (inline JSON).
    public func responsePayload(_ response: ResponseInfo) throws -> String {
        let d = response.data.trimmingWhitespaceAndNewlines()
        guard d.hasPrefix("http://") || d.hasPrefix("https://") || d.hasPrefix("ipfs://") else { return response.data }
        return String(decoding: try ipfs.fetch(d, cancellation: cancellation), as: UTF8.self)
    }

    /// The task's config as pinned.
    public func taskInput(_ task: TaskInfo) throws -> TaskInput {
        try TaskInput(config: ipfs.fetchJSON(task.configURL, cancellation: cancellation))
    }

    // MARK: - Client actions

    /// `Controller.confirmResponse` (MANUAL_CONFIRMATION tasks): pays the provider, finalizes the task.
    @discardableResult
    public func confirm(response: Address) throws -> TransactionReceipt {
        try sender().send(try confirmRequest(response: response))
    }

    /// `Controller.cancelTask`: only while the task is NEW; the escrow returns to the client.
    @discardableResult
    public func cancel(task: Address) throws -> TransactionReceipt {
        try sender().send(try cancelRequest(task: task))
    }

    // MARK: - Events

    /// The task's attempts, responses and status changes between two blocks, from Nexus logs,
    /// read and checked by `protocolEvents` (bounded reads, validated logs) in windows of at most
    /// `maxBlocksPerRead` blocks.
    public func taskEvents(_ task: Address, from: BlockTag = .earliest, to: BlockTag = .latest) throws -> [TaskEvent] {
        func number(_ tag: BlockTag) throws -> UInt64 {
            switch tag {
            case .number(let n): return n
            case .earliest: return 0
            default: return try eth.blockNumber()
            }
        }
        let first = try number(from), last = try number(to)
        let filter = ProtocolEventFilter(emitters: [.nexus], names: ["Attempted", "ResponseSubmitted", "TaskStatusChanged"],
                                         fields: ["task": task])
        var out = [TaskEvent]()
        var start = first
        while start <= last {
            let end = min(last, start + Self.maxBlocksPerRead - 1)
            for e in try protocolEvents(filter, from: start, to: end) {
                let d = e.decoded
                let kind: TaskEvent.Kind
                switch e.name {
                case "Attempted":
                    guard let p = d["provider"]?.addressValue, let pay = d["suggestedPayment"]?.uintValue else { continue }
                    kind = .attempted(provider: p, suggestedPayment: pay)
                case "ResponseSubmitted":
                    guard let r = d["response"]?.addressValue else { continue }
                    kind = .responseSubmitted(response: r)
                default:
                    guard let s = d["status"]?.uintValue, let st = TaskStatus(rawValue: UInt8(truncatingIfNeeded: s)) else { continue }
                    kind = .statusChanged(st)
                }
                out.append(TaskEvent(task: task, kind: kind, blockNumber: e.blockNumber, transactionHash: e.transactionHash,
                                     logIndex: e.logIndex))
            }
            if end == UInt64.max { break }
            start = end + 1
        }
        return out
    }
}

/// Incremental event polling: each `poll()` returns the task's events since the last one
/// (`eth_getLogs` from the last seen block + 1 to latest), as PROTOCOL.md §12 recommends.
public final class TaskEventPoller {
    public let client: OpenGPUClient
    public let task: Address
    public private(set) var nextBlock: UInt64

    public init(client: OpenGPUClient, task: Address, fromBlock: UInt64) {
        self.client = client
        self.task = task
        self.nextBlock = fromBlock
    }

    public func poll() throws -> [TaskEvent] {
        let latest = try client.eth.blockNumber()
        guard latest >= nextBlock else { return [] }
        let events = try client.taskEvents(task, from: .number(nextBlock), to: .number(latest))
        nextBlock = latest + 1
        return events
    }
}
