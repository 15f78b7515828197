import BigInt
import OGPUKit
import OGPUPrimitives

/// The networked OpenGPU built-ins (§6). Each asks the session's `OpenGPUGateway`.
enum NetworkBuiltins {
    static let all: [BuiltinFunction] = [network, me, balance, publish, taskAt, responses, wait, confirm, cancel,
                                         sourceAt, sources, publishSource, vault, ipfsPut, ipfsGet, watch]
        + VaultAction.allCases.map(vaultAction)

    static func addressArgument(_ v: Value, _ parameter: String, _ callee: String) throws -> Address {
        if case .handle(let h) = v, case .address(let a) = try h.property("address") { return a }
        return try AddressArgument.convert(v, parameter: parameter, callee: callee)
    }

    /// The named arguments every sending built-in takes: caps, fees and gas for its own transactions.
    static let capNames: Set<String> = Set(["max_fee_per_gas", "max_cost"]).union(SendOptions.names)

    /// Runs `body` (which sends) under the call's `max_fee_per_gas:` / `max_cost:` caps and its
    /// `max_fee:` / `max_priority_fee:` / `gas:` choices (SendOptions), if given.
    static func withCaps<T>(_ args: Arguments, _ g: OpenGPUGateway, _ body: () throws -> T) throws -> T {
        func amount(_ name: String, _ example: String) throws -> BigUInt? {
            guard let v = args.named(name) else { return nil }
            guard case .amount(let w) = v else { throw args.typeError(name, expected: "an amount like \(example)", got: v) }
            return w.big
        }
        let fee = try amount("max_fee_per_gas", "gwei(2000)"), cost = try amount("max_cost", "ogpu(200)")
        let overrides = try SendOptions.overrides(args)
        return try Gateway.run { try g.withSpendingCaps(maxFeePerGas: fee, maxCost: cost) { try SendOptions.apply(overrides, g, body) } }
    }

    static func networkMap(_ n: NetworkInfo) -> Value {
        GatewayValues.map([("name", .string(n.name)), ("chain_id", .int(n.chainID)), ("rpc", .string(n.rpc)),
                           ("explorer", n.explorer.map { .string($0) } ?? .null),
                           ("sources", GatewayValues.map(n.sources.sorted { $0.key < $1.key }.map { ($0.key, .address($0.value)) }))])
    }

    static let network = BuiltinFunction("network", doc: """
        network(n) selects the network: "mainnet", "testnet", "local" (the devnet) or an RPC URL. \
        network() is a map {name, chain_id, rpc, explorer, sources}; sources maps the names of the \
        sources the network's own configuration provides (the devnet's first_response and \
        manual_confirmation) to their addresses, and is empty on testnet and mainnet. Command \
        form: `network "testnet"`.
        """) { args, ctx in
        try args.noNamed(); try args.expectCount(0, 1)
        let g = try Gateway.from(ctx, "network")
        if args.count == 1 {
            let name = try args.string(0, "name")
            return networkMap(try Gateway.run { try g.selectNetwork(name) })
        }
        return networkMap(try Gateway.run { try g.currentNetwork() })
    }

    static let me = BuiltinFunction("me", doc: """
        me() is the address of the signing account (from --keystore, --private-key or \
        CLIENT_PRIVATE_KEY; on the local devnet its funded client account).
        """) { args, ctx in
        try args.noNamed(); try args.expectCount(0, 0)
        let g = try Gateway.from(ctx, "me")
        return .address(try Gateway.run { try g.signerAddress() })
    }

    static let balance = BuiltinFunction("balance", doc: """
        balance(addr = me()) is the native OGPU balance of an address, as an amount.
        """) { args, ctx in
        try args.noNamed(); try args.expectCount(0, 1)
        let g = try Gateway.from(ctx, "balance")
        let who = args.count == 1 ? try addressArgument(args.positional[0], "addr", "balance") : try Gateway.run { try g.signerAddress() }
        return .amount(try Gateway.run { try g.balance(of: who) })
    }

    static let publish = BuiltinFunction("publish", doc: """
        publish(draft) uploads a task draft's config to IPFS, sends Controller.publishTask, \
        waits for the receipt and returns the new task's handle. publish([d1, d2]) sends all \
        transactions first, then collects the receipts: handles in the same order, failures as \
        error values in place. publish(draft, dry_run: true) returns the signed transaction \
        (to, data, raw, hash, nonce, gas, chain_id, max_fee, max_priority_fee) without sending it. \
        A draft the send journal shows already published (still unresolved, or its task not yet \
        expired) is not sent again: its task is returned, or a "pending" error names the earlier \
        transaction; publish(draft, again: true) publishes another task anyway. \
        max_fee_per_gas: gwei(…) and max_cost: ogpu(…) replace the spending caps for this call, \
        max_fee: gwei(…), max_priority_fee: gwei(…) and gas: n the node's fee quote and gas \
        estimate (as for every built-in that sends).
        """) { args, ctx in
        try args.allowNamed(capNames.union(["dry_run", "again"])); try args.expectCount(1, 1)
        let dryRun = args.named("dry_run")?.isTruthy ?? false
        let again = args.named("again")?.isTruthy ?? false
        // Validate every draft before touching the network: a bad draft never half-publishes a batch.
        if case .list(let drafts) = args.positional[0] {
            _ = try drafts.map(TaskBuiltins.request(from:))
        } else {
            _ = try TaskBuiltins.request(from: args.positional[0])
        }
        let g = try Gateway.from(ctx, "publish")
        return try withCaps(args, g) { try publishDrafts(args.positional[0], dryRun: dryRun, again: again, g, ctx) }
    }

    /// `publish`'s work once its arguments are checked: one draft or a list, sent or dry-run signed.
    static func publishDrafts(_ drafts: Value, dryRun: Bool, again: Bool, _ g: OpenGPUGateway, _ ctx: CallContext) throws -> Value {
        switch drafts {
        case .list(let drafts):
            let requests = try drafts.map { var r = try TaskBuiltins.request(from: $0); r.again = again; return r }
            if dryRun { return .list(try requests.map { r in try signed(try Gateway.run { try g.signPublishTask(r) }) }) }
            // At a terminal, one line on stderr counts the batch off (stdout stays the script's).
            let spinner = Spinner(ctx)
            defer { spinner.clear() }
            let results = g.publishTasks(requests, progress: { sent, total in spinner.show("publishing · sent \(sent)/\(total)") })
            return .list(results.map { result in
                switch result {
                case .success(let t): return .handle(TaskHandle(address: t.task, transactionHash: t.transactionHash, gateway: g))
                case .failure(let e):
                    do { _ = try Gateway.run { throw e } as Int } catch let se as ScriptError { return .error(se) } catch {}
                    return .error(ScriptError(.rpc, "\(e)"))
                }
            })
        case let draft:
            var request = try TaskBuiltins.request(from: draft)
            request.again = again
            if dryRun { return try signed(try Gateway.run { try g.signPublishTask(request) }) }
            let t = try Gateway.run { try g.publishTask(request) }
            return .handle(TaskHandle(address: t.task, transactionHash: t.transactionHash, gateway: g))
        }
    }

    static func signed(_ signed: SignedTransaction) throws -> Value {
        let tx = signed.transaction
        var pairs: [(String, Value)] = [("to", tx.to.map { .address($0) } ?? .null), ("data", .string(Hex.encode(tx.data))),
                                        ("raw", .string(Hex.encode(signed.rawBytes))), ("hash", .string(Hex.encode(signed.hash))),
                                        ("nonce", .int(Int(clamping: tx.nonce))), ("gas", .int(Int(clamping: tx.gasLimit))),
                                        ("chain_id", .int(Int(clamping: tx.chainId ?? 0)))]
        if let f = tx.maxFeePerGas { pairs.append(("max_fee", .amount(f))) }
        if let f = tx.maxPriorityFeePerGas { pairs.append(("max_priority_fee", .amount(f))) }
        if let p = tx.gasPrice { pairs.append(("gas_price", .amount(p))) }
        return GatewayValues.map(pairs)
    }

    static let taskAt = BuiltinFunction("task_at", doc: """
        task_at(address) is the handle of an existing task. Its properties (status, payment, \
        responses, …) are read fresh from the chain each time.
        """) { args, ctx in
        try args.noNamed(); try args.expectCount(1, 1)
        let a = try addressArgument(args.positional[0], "address", "task_at")
        let g = try Gateway.from(ctx, "task_at")
        _ = try Gateway.run { try g.task(at: a) } // fail now if it is not a task
        return .handle(TaskHandle(address: a, transactionHash: nil, gateway: g))
    }

    static func taskAddress(_ v: Value, _ callee: String) throws -> Address {
        if case .handle(let h) = v, h.typeName != "task" {
            throw ScriptError(.type, "\(callee)() expects a task, got a \(h.typeName)")
        }
        return try addressArgument(v, "task", callee)
    }

    static let responses = BuiltinFunction("responses", doc: """
        responses(task) is the list of the task's responses: handles with address, provider, \
        status, confirmed, data (the fetched JSON payload, or its text), url and time.
        """) { args, ctx in
        try args.noNamed(); try args.expectCount(1, 1)
        let t = try taskAddress(args.positional[0], "responses")
        let g = try Gateway.from(ctx, "responses")
        return .list(try ResponseHandle.all(of: t, g))
    }

    static let confirm = BuiltinFunction("confirm", doc: """
        confirm(response) accepts a response (Controller.confirmResponse), paying its provider; \
        returns the transaction hash.
        """) { args, ctx in
        try args.allowNamed(capNames); try args.expectCount(1, 1)
        if case .handle(let h) = args.positional[0], h.typeName != "response" {
            throw ScriptError(.type, "confirm() expects a response, got a \(h.typeName)")
        }
        let r = try addressArgument(args.positional[0], "response", "confirm")
        let g = try Gateway.from(ctx, "confirm")
        return .string(try withCaps(args, g) { try g.confirm(response: r) }.transactionHash)
    }

    static let cancel = BuiltinFunction("cancel", doc: """
        cancel(task) cancels a task nobody has attempted yet (Controller.cancelTask), returning \
        its payment to your vault; returns the transaction hash.
        """) { args, ctx in
        try args.allowNamed(capNames); try args.expectCount(1, 1)
        let t = try taskAddress(args.positional[0], "cancel")
        let g = try Gateway.from(ctx, "cancel")
        return .string(try withCaps(args, g) { try g.cancel(task: t) }.transactionHash)
    }

    static let sourceAt = BuiltinFunction("source_at", doc: """
        source_at(address) is the source at that address, with name, description, logo, \
        environments, min_payment, min_lockup, max_expiry, delivery and status.
        """) { args, ctx in
        try args.noNamed(); try args.expectCount(1, 1)
        let a = try addressArgument(args.positional[0], "address", "source_at")
        let g = try Gateway.from(ctx, "source_at")
        return .handle(SourceHandle(try Gateway.run { try g.source(at: a) }))
    }

    static let sources = BuiltinFunction("sources", doc: "sources() lists the sources published on the network.") { args, ctx in
        try args.noNamed(); try args.expectCount(0, 0)
        let g = try Gateway.from(ctx, "sources")
        return .list(try Gateway.run { try g.sources() }.map { .handle(SourceHandle($0)) })
    }

    static let publishSource = BuiltinFunction("publish_source", doc: """
        publish_source(name:, description:, logo:, cpu:, nvidia:, amd:, min_payment:, \
        min_lockup:, max_expiry:, delivery: "first"|"manual") publishes a source (at least one \
        of cpu/nvidia/amd as a docker-compose URL) and returns it.
        """) { args, ctx in
        try args.expectCount(0, 0)
        let names = ["name", "description", "logo", "cpu", "nvidia", "amd", "min_payment", "min_lockup", "max_expiry", "delivery"]
        try args.allowNamed(Set(names).union(capNames))
        func text(_ n: String, required: Bool = false) throws -> String {
            guard let v = args.named(n), !v.isNilValue else {
                if required { throw ScriptError(.value, "publish_source(): `\(n)` is required") }
                return ""
            }
            guard case .string(let s) = v else { throw args.typeError(n, expected: "a string", got: v) }
            return s
        }
        func amount(_ n: String) throws -> BigUInt {
            guard let v = args.named(n) else { return 0 }
            guard case .amount(let w) = v else { throw ScriptError(.value, "publish_source(): `\(n)` must be an amount like ogpu(0.01)") }
            return w.big
        }
        let name = try text("name", required: true)
        let cpu = try text("cpu"), nvidia = try text("nvidia"), amd = try text("amd")
        if cpu.isEmpty && nvidia.isEmpty && amd.isEmpty {
            throw ScriptError(.value, "publish_source(): give at least one of cpu:, nvidia: or amd: (a docker-compose URL)")
        }
        var maxExpiry = 86_400
        if let v = args.named("max_expiry") {
            guard case .duration(let d) = v, !d.isNegative, let s = Int(exactly: d.rounded(digits: 0).truncatedInteger) else {
                throw ScriptError(.value, "publish_source(): `max_expiry` must be a duration like 1d")
            }
            maxExpiry = s
        }
        let delivery = try text("delivery").isEmpty ? "manual" : try text("delivery")
        guard delivery == "manual" || delivery == "first" else {
            throw ScriptError(.value, "publish_source(): delivery must be \"first\" or \"manual\"")
        }
        let request = SourceDraft(name: name, description: try text("description"), logoUrl: try text("logo"),
                                  cpu: cpu, nvidia: nvidia, amd: amd, minPayment: try amount("min_payment"),
                                  minAvailableLockup: try amount("min_lockup"), maxExpiryDuration: BigUInt(maxExpiry),
                                  deliveryMethod: delivery == "first" ? .firstResponse : .manualConfirmation)
        let g = try Gateway.from(ctx, "publish_source")
        let address = try withCaps(args, g) { try g.publishSource(request) }
        return .handle(SourceHandle(try Gateway.run { try g.source(at: address) }))
    }

    static let vault = BuiltinFunction("vault", doc: """
        vault(addr = me()) is a vault: {balance, lockup, unbonding, unbonding_until, claimable, \
        frozen, earnings, eligible}. Task payments are escrowed from the balance (frozen holds the \
        escrow of open tasks), so deposit before publishing; unbonding stake can be claim()ed once \
        unbonding_until (a time, nil when nothing unbonds) has passed, which claimable says.
        """) { args, ctx in
        try args.noNamed(); try args.expectCount(0, 1)
        let g = try Gateway.from(ctx, "vault")
        let who = args.count == 1 ? try addressArgument(args.positional[0], "addr", "vault") : try Gateway.run { try g.signerAddress() }
        let v = try Gateway.run { try g.vault(of: who) }
        return VaultState.value(v, now: try Gateway.run { try g.chainHead() }?.timestamp)
    }

    static func vaultAction(_ action: VaultAction) -> BuiltinFunction {
        let docs: [VaultAction: String] = [
            .deposit: "deposit(amount) moves OGPU from your account into your vault balance (needed to pay for tasks); returns the transaction hash.",
            .lock: "lock(amount) locks vault balance as provider stake; returns the transaction hash.",
            .unbond: "unbond(amount) starts unlocking locked stake; returns the transaction hash.",
            .withdraw: "withdraw(amount) moves vault balance back to your account; returns the transaction hash.",
            .claim: "claim() collects stake whose unbonding period is over; returns the transaction hash.",
        ]
        return BuiltinFunction(action.rawValue, doc: docs[action]!) { args, ctx in
            try args.allowNamed(capNames)
            var amount: BigUInt = 0
            if action == .claim {
                try args.expectCount(0, 0)
            } else {
                try args.expectCount(1, 1)
                guard case .amount(let w) = args.positional[0] else {
                    throw args.typeError("amount", expected: "an amount like ogpu(1)", got: args.positional[0])
                }
                if w.isZero { throw ScriptError(.value, "\(action.rawValue)(): amount must be greater than 0") }
                amount = w.big
            }
            let g = try Gateway.from(ctx, action.rawValue)
            return .string(try withCaps(args, g) { try g.vaultAction(action, amount: amount) }.transactionHash)
        }
    }

    static let ipfsPut = BuiltinFunction("ipfs_put", doc: """
        ipfs_put(value) pins a value to IPFS and returns its URL: a string is uploaded as text, \
        anything else as its json(...).
        """) { args, ctx in
        try args.noNamed(); try args.expectCount(1, 1)
        let g = try Gateway.from(ctx, "ipfs_put")
        if case .string(let s) = args.positional[0] { return .string(try Gateway.run { try g.ipfsPut(s, contentType: "text/plain") }) }
        let text = try JSONWriter.encode(args.positional[0])
        return .string(try Gateway.run { try g.ipfsPut(text, contentType: "application/json") })
    }

    static let ipfsGet = BuiltinFunction("ipfs_get", doc: """
        ipfs_get(url) fetches a URL: parsed JSON when the body is JSON, else the text.
        """) { args, ctx in
        try args.noNamed(); try args.expectCount(1, 1)
        let url = try args.string(0, "url")
        let g = try Gateway.from(ctx, "ipfs_get")
        return GatewayValues.payload(try Gateway.run { try g.ipfsGet(url) })
    }
}
