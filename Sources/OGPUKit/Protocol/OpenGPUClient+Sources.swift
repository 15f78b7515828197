import BigInt
import OGPUPrimitives

extension OpenGPUClient {
    // MARK: - Sources

    /// Pins the source metadata (`imageMetadata.json`) and sends `Nexus.publishSource`; returns the
    /// new source from the `SourcePublished` log.
    public func publishSource(_ draft: SourceDraft) throws -> Address {
        let params = try sourceParams(draft)
        let receipt = try transact(network.contracts.nexus, OpenGPUContracts.Nexus.publishSource, [params.abiValue],
                                   label: "Nexus.publishSource", meta: [("metadata", .string(params.imageMetadataUrl))])
        let event = try nexusEvent(OpenGPUContracts.Nexus.sourcePublished, in: receipt)
        guard let source = event["source"]?.addressValue else { throw OpenGPUReadError.malformed("SourcePublished log") }
        return source
    }

    /// Re-pins the metadata and sends `Nexus.updateSource`.
    @discardableResult
    public func updateSource(_ source: Address, _ draft: SourceDraft) throws -> TransactionReceipt {
        let s = try sender()
        return try s.send(try updateSourceRequest(source: source, draft, metadataURL: try pinSourceMetadata(draft), owner: s.address))
    }

    /// `Nexus.inactivateSource`: later publishes to it revert with SourceInactive.
    @discardableResult
    public func inactivateSource(_ source: Address) throws -> TransactionReceipt {
        try sender().send(try inactivateSourceRequest(source: source))
    }

    private func sourceParams(_ d: SourceDraft) throws -> SourceParams {
        let s = try sender()
        let url = try pinSourceMetadata(d)
        return SourceParams(client: s.address, imageMetadataUrl: url, imageEnvironments: d.environments, minPayment: d.minPayment,
                            minAvailableLockup: d.minAvailableLockup, maxExpiryDuration: d.maxExpiryDuration,
                            deliveryMethod: d.deliveryMethod, lastUpdateTime: Self.now())
    }

    public func source(_ address: Address) throws -> SourceInfo {
        try sourceInfos([address])[0]
    }

    /// Many sources' on-chain state in one read: three view calls each, sent as JSON-RPC batches
    /// (`JSONRPCClient.batch`, ≤ 100 calls per request) instead of a round trip per source.
    public func sourceInfos(_ addresses: [Address]) throws -> [SourceInfo] {
        typealias S = OpenGPUContracts.Source
        let r = try read(addresses.flatMap { a in [
            ViewCall(a, S.getStatus, label: "Source.getStatus"),
            ViewCall(a, S.getSourceParams, label: "Source.getSourceParams"),
            ViewCall(a, S.getTaskCount, label: "Source.getTaskCount"),
        ] })
        return try addresses.enumerated().map { i, address in
            guard case .success(let st) = r[3 * i], let s = st.first?.uintValue,
                  let status = SourceStatus(rawValue: UInt8(truncatingIfNeeded: s)) else {
                if case .failure(let e) = r[3 * i], !(e is ContractError), !(e is OpenGPUReadError) { throw e }
                throw OpenGPUReadError.notFound(kind: "source", address: address)
            }
            guard let p = try r[3 * i + 1].get().first else { throw OpenGPUReadError.malformed("SourceParams") }
            let count = try r[3 * i + 2].get().first?.uintValue ?? 0
            return SourceInfo(address: address, status: status, params: try SourceParams(abi: p),
                              taskCount: Int(truncatingIfNeeded: count))
        }
    }

    /// The source with its display metadata (`SourceInfo.metadata`): metadata lives off chain, so
    /// a source whose metadata is gone or unreadable still reads, with `metadata` nil.
    public func describeSource(_ address: Address) throws -> SourceInfo {
        try describeSources([address])[0]
    }

    /// Many sources with their metadata: the on-chain state in batches (`sourceInfos`), the
    /// metadata fetched at most `concurrency` at a time (a public gateway takes ~0.2–1 s per
    /// file; one after another, 50 sources took as many seconds).
    public func describeSources(_ addresses: [Address], concurrency: Int = 8) throws -> [SourceInfo] {
        var infos = try sourceInfos(addresses)
        let ipfs = self.ipfs, cancellation = self.cancellation
        let urls = infos.map(\.params.imageMetadataUrl)
        let metadata = BoundedConcurrency.map(urls.count, width: concurrency) { i -> SourceMetadata? in
            (try? ipfs.fetchJSON(urls[i], cancellation: cancellation)).map(SourceMetadata.init(json:))
        }
        for i in infos.indices { infos[i].metadata = metadata[i] }
        return infos
    }

    /// All sources registered in the Nexus (optionally only those a client owns).
    /// `getSources` bounds are not characterised (PROTOCOL.md §9.1), so it is asked for the inclusive
    /// range first, then the exclusive one if that reverts.
    public func sources(ownedBy client: Address? = nil) throws -> [Address] {
        let nexus = network.contracts.nexus
        let n = try read(ViewCall(nexus, OpenGPUContracts.Nexus.getSourceCount, label: "Nexus.getSourceCount")).first?.uintValue ?? 0
        if n == 0 { return [] }
        var list: [Address]
        do {
            list = try read(ViewCall(nexus, OpenGPUContracts.Nexus.getSources, [.uint(0), .uint(n - 1)], label: "Nexus.getSources"))
                .first?.items?.compactMap(\.addressValue) ?? []
        } catch is ContractError {
            list = try read(ViewCall(nexus, OpenGPUContracts.Nexus.getSources, [.uint(0), .uint(n)], label: "Nexus.getSources"))
                .first?.items?.compactMap(\.addressValue) ?? []
        }
        list = list.filter { $0 != .zero }
        guard let client else { return list }
        let owners = try read(list.map { ViewCall($0, OpenGPUContracts.Source.getClient, label: "Source.getClient") })
        return zip(list, owners).compactMap { a, r in (try? r.get())?.first?.addressValue == client ? a : nil }
    }

    // MARK: - Vault

    public func vault(_ account: Address) throws -> VaultAccount {
        typealias V = OpenGPUContracts.Vault
        let v = network.contracts.vault
        let args: [ABIValue] = [.address(account)]
        let r = try read([
            ViewCall(v, V.balanceOf, args, label: "Vault.balanceOf"),
            ViewCall(v, V.lockupOf, args, label: "Vault.lockupOf"),
            ViewCall(v, V.unbondingOf, args, label: "Vault.unbondingOf"),
            ViewCall(v, V.unbondingTimestamp, args, label: "Vault.unbondingTimestamp"),
            ViewCall(v, V.frozenPayment, args, label: "Vault.frozenPayment"),
            ViewCall(v, V.totalEarningsOf, args, label: "Vault.totalEarningsOf"),
            ViewCall(v, V.isEligible, args, label: "Vault.isEligible"),
        ])
        func uint(_ i: Int) throws -> BigUInt { try r[i].get().first?.uintValue ?? 0 }
        return VaultAccount(account: account, balance: try uint(0), lockup: try uint(1), unbonding: try uint(2),
                            unbondingTimestamp: UInt64(truncatingIfNeeded: try uint(3)), frozenPayment: try uint(4),
                            totalEarnings: try uint(5), eligible: try r[6].get().first?.boolValue ?? false)
    }

    /// `Vault.deposit(account){value: amount}`: credits the liquid balance tasks are paid from.
    @discardableResult
    public func deposit(_ amount: BigUInt, for account: Address? = nil) throws -> TransactionReceipt {
        try sender().send(try vaultRequest(.deposit, amount: amount, for: account))
    }

    @discardableResult
    public func lock(_ amount: BigUInt) throws -> TransactionReceipt { try sender().send(try vaultRequest(.lock, amount: amount)) }

    @discardableResult
    public func unbond(_ amount: BigUInt) throws -> TransactionReceipt { try sender().send(try vaultRequest(.unbond, amount: amount)) }

    @discardableResult
    public func withdraw(_ amount: BigUInt) throws -> TransactionReceipt { try sender().send(try vaultRequest(.withdraw, amount: amount)) }

    @discardableResult
    public func claim() throws -> TransactionReceipt { try sender().send(try vaultRequest(.claim, amount: 0)) }

    // MARK: - Agents

    /// `Terminal.setAgent`: lets `agent` act for this account (or revokes it).
    @discardableResult
    public func setAgent(_ agent: Address, enabled: Bool = true) throws -> TransactionReceipt {
        try sender().send(try setAgentRequest(agent: agent, enabled: enabled))
    }

    public func isAgent(_ agent: Address, of account: Address) throws -> Bool {
        try read(ViewCall(network.contracts.terminal, OpenGPUContracts.Terminal.isAgentOf, [.address(account), .address(agent)],
                          label: "Terminal.isAgentOf")).first?.boolValue ?? false
    }
}
