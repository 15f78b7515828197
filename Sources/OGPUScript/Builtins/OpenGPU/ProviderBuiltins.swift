import BigInt
import OGPUKit
import OGPUPrimitives

/// The provider and master side (§6): registering to sources, attempting and answering tasks,
/// pairing on the Terminal, agents, and the source owner's update and deactivation. Every
/// sending built-in sends through the gateway's one journaled path and takes the spending caps
/// (`max_fee_per_gas:`, `max_cost:`) as the client's do.
enum ProviderBuiltins {
    static let all: [BuiltinFunction] = [register, unregister, attempt, submitResponse, announceProvider, announceMaster,
                                         setAgent, removeAgent, deactivateSource, updateSource, cancelUnbonding, registrants,
                                         pairing, ServeBuiltin.serve]

    /// The `provider:` a call acts for: the named one (a master or agent signing for its
    /// provider), else the signer.
    static func provider(_ args: Arguments, _ g: OpenGPUGateway) throws -> Address {
        if let v = args.named("provider") { return try NetworkBuiltins.addressArgument(v, "provider", args.callee) }
        return try Gateway.run { try g.signerAddress() }
    }

    static func sourceAddress(_ v: Value, _ callee: String) throws -> Address {
        if case .handle(let h) = v, h.typeName != "source" { throw ScriptError(.type, "\(callee)() expects a source, got a \(h.typeName)") }
        return try NetworkBuiltins.addressArgument(v, "source", callee)
    }

    static func amount(_ args: Arguments, _ name: String) throws -> BigUInt? {
        guard let v = args.named(name) else { return nil }
        guard case .amount(let w) = v else { throw args.typeError(name, expected: "an amount like ogpu(1)", got: v) }
        return w.big
    }

    /// Sends `action` under the call's caps; the transaction hash.
    static func send(_ action: ProtocolAction, _ args: Arguments, _ ctx: CallContext) throws -> Value {
        let g = try Gateway.from(ctx, args.callee), p = try Gateway.protocolSide(ctx, args.callee)
        return .string(try NetworkBuiltins.withCaps(args, g) { try p.send(action) }.transactionHash)
    }

    static let environments: [String: UInt8] = ["cpu": 1, "nvidia": 2, "amd": 4]

    static let register = BuiltinFunction("register", doc: """
        register(source, environment: "cpu", lockup: ogpu(1), provider: me()) registers a provider \
        to a source (Nexus.register), which needs its vault lockup to cover the source's min_lockup. \
        With lockup:, the signer first deposits and locks whatever its lockup lacks of that amount. \
        environment: is "cpu", "nvidia" or "amd"; provider: lets a master or an agent register its \
        provider. Returns the transaction hash.
        """) { args, ctx in
        try args.allowNamed(NetworkBuiltins.capNames.union(["environment", "lockup", "provider"])); try args.expectCount(1, 1)
        let source = try sourceAddress(args.positional[0], "register")
        var env: UInt8 = 1
        if let v = args.named("environment") {
            guard case .string(let s) = v, let bit = environments[s.lowercased()] else {
                throw ScriptError(.value, "register(): environment: must be \"cpu\", \"nvidia\" or \"amd\"")
            }
            env = bit
        }
        let g = try Gateway.from(ctx, "register")
        let who = try provider(args, g)
        if let wanted = try amount(args, "lockup") {
            let me = try Gateway.run { try g.signerAddress() }
            guard who == me else { throw ScriptError(.value, "register(): lockup: locks the signer's own stake; it cannot lock for provider \(who)") }
            let v = try Gateway.run { try g.vault(of: me) }
            if v.lockup < wanted {
                let missing = wanted - v.lockup
                try NetworkBuiltins.withCaps(args, g) {
                    if v.balance < missing { _ = try g.vaultAction(.deposit, amount: missing - v.balance) }
                    _ = try g.vaultAction(.lock, amount: missing)
                }
            }
        }
        return try send(.register(source: source, provider: who, environment: env), args, ctx)
    }

    static let unregister = BuiltinFunction("unregister", doc: """
        unregister(source, provider: me()) removes a provider from a source (Nexus.unregister); \
        returns the transaction hash.
        """) { args, ctx in
        try args.allowNamed(NetworkBuiltins.capNames.union(["provider"])); try args.expectCount(1, 1)
        let source = try sourceAddress(args.positional[0], "unregister")
        let who = try provider(args, try Gateway.from(ctx, "unregister"))
        return try send(.unregister(source: source, provider: who), args, ctx)
    }

    static let attempt = BuiltinFunction("attempt", doc: """
        attempt(task, payment: task.payment, provider: me()) takes a task on (Nexus.attempt): the \
        provider must be registered to the task's source, and the task open and unexpired. \
        payment: is the suggested payment (advisory). Returns the transaction hash.
        """) { args, ctx in
        try args.allowNamed(NetworkBuiltins.capNames.union(["payment", "provider"])); try args.expectCount(1, 1)
        let task = try NetworkBuiltins.taskAddress(args.positional[0], "attempt")
        let g = try Gateway.from(ctx, "attempt")
        let who = try provider(args, g)
        let payment = try amount(args, "payment") ?? Gateway.run { try g.task(at: task) }.payment
        return try send(.attempt(task: task, provider: who, suggestedPayment: payment), args, ctx)
    }

    static let submitResponse = BuiltinFunction("submit_response", doc: """
        submit_response(task, data, payment: task.payment, provider: me()) answers a task the \
        provider attempted (Nexus.submitResponse) and returns the response. data: a URL (http, \
        https, ipfs) is submitted as it is; any other value is pinned first (a string as text, \
        anything else as JSON) and its link submitted. On a "first" delivery source this finalizes \
        the task and pays the provider.
        """) { args, ctx in
        try args.allowNamed(NetworkBuiltins.capNames.union(["payment", "provider"])); try args.expectCount(2, 2)
        let task = try NetworkBuiltins.taskAddress(args.positional[0], "submit_response")
        let g = try Gateway.from(ctx, "submit_response")
        let response = try answer(task, with: args.positional[1], payment: try amount(args, "payment"),
                                  provider: try provider(args, g), args, ctx)
        guard let info = try Gateway.run({ try g.responses(of: task) }).first(where: { $0.address == response }) else {
            return .address(response)
        }
        return .handle(try ResponseHandle(info, gateway: g))
    }

    /// Pins `data` (unless it is a link) and submits it; the new response's address.
    static func answer(_ task: Address, with data: Value, payment: BigUInt?, provider: Address, _ args: Arguments,
                       _ ctx: CallContext) throws -> Address {
        let g = try Gateway.from(ctx, args.callee), p = try Gateway.protocolSide(ctx, args.callee)
        let locator: String
        if case .string(let s) = data, ["http://", "https://", "ipfs://"].contains(where: { s.hasPrefix($0) }) {
            locator = s
        } else if case .string(let s) = data {
            locator = try Gateway.run { try g.ipfsPut(s, contentType: "text/plain") }
        } else {
            locator = try Gateway.run { try g.ipfsPut(try JSONWriter.encode(data), contentType: "application/json") }
        }
        let pay = try payment ?? Gateway.run { try g.task(at: task) }.payment
        let receipt = try NetworkBuiltins.withCaps(args, g) {
            try p.send(.submitResponse(task: task, provider: provider, data: locator, payment: pay))
        }
        return try Gateway.run { try p.submittedResponse(in: receipt) }
    }

    static let announceProvider = BuiltinFunction("announce_provider", doc: """
        announce_provider(provider, amount = ogpu(0)) names a provider this master account runs \
        (Terminal.announceProvider), sending amount as the provider's lockup; the provider then \
        calls announce_master(master). Returns the transaction hash.
        """) { args, ctx in
        try args.allowNamed(NetworkBuiltins.capNames); try args.expectCount(1, 2)
        let who = try NetworkBuiltins.addressArgument(args.positional[0], "provider", "announce_provider")
        var value: BigUInt = 0
        if args.count == 2 {
            guard case .amount(let w) = args.positional[1] else {
                throw args.typeError("amount", expected: "an amount like ogpu(1)", got: args.positional[1])
            }
            value = w.big
        }
        return try send(.announceProvider(provider: who, amount: value), args, ctx)
    }

    static let announceMaster = BuiltinFunction("announce_master", doc: """
        announce_master(master) completes the pairing a master started with announce_provider \
        (Terminal.announceMaster, signed by the provider); returns the transaction hash.
        """) { args, ctx in
        try args.allowNamed(NetworkBuiltins.capNames); try args.expectCount(1, 1)
        let master = try NetworkBuiltins.addressArgument(args.positional[0], "master", "announce_master")
        return try send(.announceMaster(master: master), args, ctx)
    }

    static let setAgent = BuiltinFunction("set_agent", doc: """
        set_agent(agent) lets another key act for this account (Terminal.setAgent): publish and \
        confirm for a client, register and attempt for a master's provider. Returns the \
        transaction hash; remove_agent(agent) revokes it.
        """) { args, ctx in
        try args.allowNamed(NetworkBuiltins.capNames); try args.expectCount(1, 1)
        let agent = try NetworkBuiltins.addressArgument(args.positional[0], "agent", "set_agent")
        return try send(.setAgent(agent: agent, enabled: true), args, ctx)
    }

    static let removeAgent = BuiltinFunction("remove_agent", doc: """
        remove_agent(agent) revokes an agent set with set_agent (Terminal.setAgent(agent, false)); \
        returns the transaction hash.
        """) { args, ctx in
        try args.allowNamed(NetworkBuiltins.capNames); try args.expectCount(1, 1)
        let agent = try NetworkBuiltins.addressArgument(args.positional[0], "agent", "remove_agent")
        return try send(.setAgent(agent: agent, enabled: false), args, ctx)
    }

    static let deactivateSource = BuiltinFunction("deactivate_source", doc: """
        deactivate_source(source) stops a source you own from taking tasks \
        (Nexus.inactivateSource; one-way: publishing to it then reverts SourceInactive). Returns \
        the transaction hash.
        """) { args, ctx in
        try args.allowNamed(NetworkBuiltins.capNames); try args.expectCount(1, 1)
        let source = try sourceAddress(args.positional[0], "deactivate_source")
        return try send(.inactivateSource(source: source), args, ctx)
    }

    static let cancelUnbonding = BuiltinFunction("cancel_unbonding", doc: """
        cancel_unbonding() moves stake that is unbonding back to locked (Vault.cancelUnbonding). \
        Only mainnet's Vault has it: elsewhere it is a "value" error and nothing is signed. \
        Returns the transaction hash.
        """) { args, ctx in
        try args.allowNamed(NetworkBuiltins.capNames); try args.expectCount(0, 0)
        return try send(.cancelUnbonding, args, ctx)
    }

    static let registrants = BuiltinFunction("registrants", doc: """
        registrants(source) lists the addresses of the providers registered to a source.
        """) { args, ctx in
        try args.noNamed(); try args.expectCount(1, 1)
        let source = try sourceAddress(args.positional[0], "registrants")
        let p = try Gateway.protocolSide(ctx, "registrants")
        return .list(try Gateway.run { try p.registrants(of: source) }.map { .address($0) })
    }

    static let pairing = BuiltinFunction("pairing", doc: """
        pairing(addr = me()) is an account's Terminal pairing: {master, provider}, each an address \
        or nil (a provider has a master once both announce_provider and announce_master were sent).
        """) { args, ctx in
        try args.noNamed(); try args.expectCount(0, 1)
        let g = try Gateway.from(ctx, "pairing"), p = try Gateway.protocolSide(ctx, "pairing")
        let who = args.count == 1 ? try NetworkBuiltins.addressArgument(args.positional[0], "addr", "pairing")
            : try Gateway.run { try g.signerAddress() }
        let (master, provider) = try Gateway.run { try p.pairing(of: who) }
        return GatewayValues.map([("master", master.map { .address($0) } ?? .null), ("provider", provider.map { .address($0) } ?? .null)])
    }
}
