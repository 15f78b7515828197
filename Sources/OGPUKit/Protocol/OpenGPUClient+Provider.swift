import BigInt
import OGPUPrimitives

/// The provider and master side (PROTOCOL.md §10) and the source owner's and agent's calls: each
/// transaction is built here once, as a `TransactionRequest`, and sent by the caller through the
/// one journaled path (`TransactionSender.send`, or a gateway's dry run).
extension OpenGPUClient {
    private typealias P = OpenGPUContracts.ProviderSide

    /// `Nexus.register(source, provider, environment)`: the provider (or its master, or an agent of
    /// the master) joins a source. Needs the provider's lockup ≥ the source's `minAvailableLockup`.
    public func registerRequest(source: Address, provider: Address, environment: UInt8) throws -> TransactionRequest {
        TransactionRequest(to: network.contracts.nexus,
                           data: try P.register.encodeCall([.address(source), .address(provider), .uint(BigUInt(environment))]),
                           label: "Nexus.register",
                           journalMeta: [("source", .string(source.checksummed)), ("provider", .string(provider.checksummed))])
    }

    /// `Nexus.unregister(source, provider)`.
    public func unregisterRequest(source: Address, provider: Address) throws -> TransactionRequest {
        TransactionRequest(to: network.contracts.nexus, data: try P.unregister.encodeCall([.address(source), .address(provider)]),
                           label: "Nexus.unregister",
                           journalMeta: [("source", .string(source.checksummed)), ("provider", .string(provider.checksummed))])
    }

    /// `Nexus.attempt(task, provider, suggestedPayment)`: the provider takes the task on.
    public func attemptRequest(task: Address, provider: Address, suggestedPayment: BigUInt) throws -> TransactionRequest {
        TransactionRequest(to: network.contracts.nexus,
                           data: try P.attempt.encodeCall([.address(task), .address(provider), .uint(suggestedPayment)]),
                           label: "Nexus.attempt",
                           journalMeta: [("task", .string(task.checksummed)), ("provider", .string(provider.checksummed))])
    }

    /// `Nexus.submitResponse((task, provider, data, payment))`: `data` is the payload's locator
    /// (a pinned URL) or inline JSON. The new response's address comes from `response(submittedIn:)`.
    public func submitResponseRequest(task: Address, provider: Address, data: String, payment: BigUInt) throws -> TransactionRequest {
        let params = ABIValue.tuple([.address(task), .address(provider), .string(data), .uint(payment)])
        return TransactionRequest(to: network.contracts.nexus, data: try P.submitResponse.encodeCall([params]),
                                  label: "Nexus.submitResponse",
                                  journalMeta: [("task", .string(task.checksummed)), ("provider", .string(provider.checksummed)),
                                                ("data", .string(data))])
    }

    /// The response a mined `submitResponse` created (its `ResponseSubmitted` log from the Nexus).
    public func response(submittedIn receipt: TransactionReceipt) throws -> Address {
        let event = try nexusEvent(OpenGPUContracts.Nexus.responseSubmitted, in: receipt)
        guard let response = event["response"]?.addressValue else { throw OpenGPUReadError.malformed("ResponseSubmitted log") }
        return response
    }

    /// `Terminal.announceProvider(provider, amount){value: amount}` (master): the value becomes the
    /// provider's lockup.
    public func announceProviderRequest(provider: Address, amount: BigUInt) throws -> TransactionRequest {
        TransactionRequest(to: network.contracts.terminal,
                           data: try P.announceProvider.encodeCall([.address(provider), .uint(amount)]), value: amount,
                           label: "Terminal.announceProvider",
                           journalMeta: [("provider", .string(provider.checksummed)), ("amount", .string(String(amount)))])
    }

    /// `Terminal.announceMaster(master)` (provider): completes the pairing the master announced.
    public func announceMasterRequest(master: Address) throws -> TransactionRequest {
        TransactionRequest(to: network.contracts.terminal, data: try P.announceMaster.encodeCall([.address(master)]),
                           label: "Terminal.announceMaster", journalMeta: [("master", .string(master.checksummed))])
    }

    /// `Terminal.setAgent(agent, enabled)`.
    public func setAgentRequest(agent: Address, enabled: Bool) throws -> TransactionRequest {
        TransactionRequest(to: network.contracts.terminal,
                           data: try OpenGPUContracts.Terminal.setAgent.encodeCall([.address(agent), .bool(enabled)]),
                           label: "Terminal.setAgent",
                           journalMeta: [("agent", .string(agent.checksummed)), ("enabled", .bool(enabled))])
    }

    /// `Nexus.inactivateSource(source)`.
    public func inactivateSourceRequest(source: Address) throws -> TransactionRequest {
        TransactionRequest(to: network.contracts.nexus,
                           data: try OpenGPUContracts.Nexus.inactivateSource.encodeCall([.address(source)]),
                           label: "Nexus.inactivateSource", journalMeta: [("source", .string(source.checksummed))])
    }

    /// `Nexus.updateSource(source, params)` with metadata already pinned at `metadataURL`.
    public func updateSourceRequest(source: Address, _ d: SourceDraft, metadataURL: String, owner: Address) throws -> TransactionRequest {
        let params = SourceParams(client: owner, imageMetadataUrl: metadataURL, imageEnvironments: d.environments,
                                  minPayment: d.minPayment, minAvailableLockup: d.minAvailableLockup,
                                  maxExpiryDuration: d.maxExpiryDuration, deliveryMethod: d.deliveryMethod, lastUpdateTime: Self.now())
        return TransactionRequest(to: network.contracts.nexus,
                                  data: try OpenGPUContracts.Nexus.updateSource.encodeCall([.address(source), params.abiValue]),
                                  label: "Nexus.updateSource",
                                  journalMeta: [("source", .string(source.checksummed)), ("metadata", .string(metadataURL))])
    }

    /// Pins a source's metadata JSON (as `publishSource` does) and returns its URL.
    public func pinSourceMetadata(_ d: SourceDraft) throws -> String {
        try ipfs.upload(JSONWriter.bytes(d.metadataJSON, style: .python), filename: "imageMetadata.json", cancellation: cancellation)
    }

    /// Whether this network's Vault has `cancelUnbonding` (mainnet's ABI does, testnet's does not:
    /// PROTOCOL.md §15.1).
    public var hasCancelUnbonding: Bool { network.abiFlavor == "mainnet" }

    /// `Vault.cancelUnbonding()`: unbonding stake back to locked. Refused before signing where the
    /// network's Vault lacks it (the call would revert, or worse, hit a fallback).
    public func cancelUnbondingRequest() throws -> TransactionRequest {
        guard hasCancelUnbonding else { throw ProviderSideError.unsupported(function: "Vault.cancelUnbonding", network: network.name) }
        return TransactionRequest(to: network.contracts.vault, data: try P.cancelUnbonding.encodeCall([]), label: "Vault.cancelUnbonding")
    }

    /// The hash of a `Nexus.submitResponse` from `provider` to `task`, signed for this chain and
    /// still without an outcome in the send journal. Answering again before it is settled could
    /// put a second response (and its gas) on chain, so callers refuse to.
    public func unresolvedSubmission(task: Address, provider: Address) throws -> String? {
        func same(_ v: JSONValue?, _ a: Address) -> Bool { v?.stringValue?.lowercased() == a.checksummed.lowercased() }
        return try journal.entries().last { e in
            e.latest.isUnresolved && e.label == "Nexus.submitResponse" && e.chainId == network.chainId
                && same(e.signed.fields["meta"]?["task"], task) && same(e.signed.fields["meta"]?["provider"], provider)
        }?.hash
    }

    // MARK: - Reads

    /// The providers registered to a source. `Source.getRegistrants` panics whenever `lower > 0`
    /// (PROTOCOL.md §9.1), so the list is asked for in one range.
    public func registrants(of source: Address) throws -> [Address] {
        let n = try read(ViewCall(source, OpenGPUContracts.Source.getRegistrantCount, label: "Source.getRegistrantCount"))
            .first?.uintValue ?? 0
        if n == 0 { return [] }
        guard n <= 10_000 else { throw ProviderSideError.tooMany(what: "registrants", count: n) }
        return try read(ViewCall(source, P.getRegistrants, [.uint(0), .uint(n - 1)], label: "Source.getRegistrants"))
            .first?.items?.compactMap(\.addressValue).filter { $0 != .zero } ?? []
    }

    /// A provider's pairing on the Terminal: its master and (for a master) its provider; nil when unpaired.
    public func pairing(of account: Address) throws -> (master: Address?, provider: Address?) {
        let t = network.contracts.terminal
        let r = try read([ViewCall(t, P.masterOf, [.address(account)], label: "Terminal.masterOf"),
                          ViewCall(t, P.providerOf, [.address(account)], label: "Terminal.providerOf")])
        func nonZero(_ r: Result<[ABIValue], Error>) throws -> Address? {
            guard let a = try r.get().first?.addressValue, a != .zero else { return nil }
            return a
        }
        return (try nonZero(r[0]), try nonZero(r[1]))
    }

    /// The providers that attempted `task`, in attempt order. Bounds are inclusive and panic at
    /// the count (PROTOCOL.md §9.1), so chunks are `[i, min(i+100, n) - 1]`, read in one batch.
    public func attempters(of task: Address) throws -> [Address] {
        let n = try read(ViewCall(task, OpenGPUContracts.Task.getAttemptCount, label: "Task.getAttemptCount")).first?.uintValue ?? 0
        if n == 0 { return [] }
        guard n <= 10_000 else { throw ProviderSideError.tooMany(what: "attempts", count: n) }
        var calls = [ViewCall]()
        var lower = BigUInt(0)
        while lower < n {
            calls.append(ViewCall(task, OpenGPUContracts.Task.getAttempters, [.uint(lower), .uint(min(lower + 100, n) - 1)],
                                  label: "Task.getAttempters"))
            lower += 100
        }
        return try read(calls).flatMap { try $0.get().first?.items?.compactMap(\.addressValue) ?? [] }
    }

    /// The response `provider` gave to `task`, nil when none.
    public func responseAddress(of task: Address, by provider: Address) throws -> Address? {
        guard let a = try read(ViewCall(task, P.responseOf, [.address(provider)], label: "Task.responseOf")).first?.addressValue,
              a != .zero else { return nil }
        return a
    }
}

public enum ProviderSideError: Error, Sendable, CustomStringConvertible {
    case unsupported(function: String, network: String)
    case tooMany(what: String, count: BigUInt)

    public var description: String {
        switch self {
        case .unsupported(let f, let n):
            return "\(f) does not exist on \(n): its Vault ABI has no such function (only mainnet's has it); nothing was signed"
        case .tooMany(let what, let n): return "the contract reports \(n) \(what), more than this client reads at once (10000)"
        }
    }
}

/// One provider-, master-, agent- or owner-side transaction, as data: the language's sending
/// built-ins name the action, the core builds its request (`request(for:)`), the one journaled
/// sender sends it.
public enum ProtocolAction: Sendable, Equatable {
    case register(source: Address, provider: Address, environment: UInt8)
    case unregister(source: Address, provider: Address)
    case attempt(task: Address, provider: Address, suggestedPayment: BigUInt)
    case submitResponse(task: Address, provider: Address, data: String, payment: BigUInt)
    case announceProvider(provider: Address, amount: BigUInt)
    case announceMaster(master: Address)
    case setAgent(agent: Address, enabled: Bool)
    case inactivateSource(source: Address)
    case cancelUnbonding
}

extension OpenGPUClient {
    public func request(for action: ProtocolAction) throws -> TransactionRequest {
        switch action {
        case .register(let s, let p, let env): return try registerRequest(source: s, provider: p, environment: env)
        case .unregister(let s, let p): return try unregisterRequest(source: s, provider: p)
        case .attempt(let t, let p, let pay): return try attemptRequest(task: t, provider: p, suggestedPayment: pay)
        case .submitResponse(let t, let p, let d, let pay): return try submitResponseRequest(task: t, provider: p, data: d, payment: pay)
        case .announceProvider(let p, let amount): return try announceProviderRequest(provider: p, amount: amount)
        case .announceMaster(let m): return try announceMasterRequest(master: m)
        case .setAgent(let a, let on): return try setAgentRequest(agent: a, enabled: on)
        case .inactivateSource(let s): return try inactivateSourceRequest(source: s)
        case .cancelUnbonding: return try cancelUnbondingRequest()
        }
    }
}
