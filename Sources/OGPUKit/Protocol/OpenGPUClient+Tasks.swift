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

    func validate(_ d: TaskDraft) throws {
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

    /// Many responses' payload text, in order: the links fetched at most `concurrency` at a time.
    public func responsePayloads(_ responses: [ResponseInfo], concurrency: Int = 8) -> [Result<String, Error>] {
        let client = self
        return BoundedConcurrency.map(responses.count, width: concurrency) { i in Result { try client.responsePayload(responses[i]) } }
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
