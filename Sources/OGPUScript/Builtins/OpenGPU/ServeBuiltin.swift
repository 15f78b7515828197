import BigInt
import OGPUKit
import OGPUPrimitives

/// `serve(source) { task => answer }`: a provider in a few lines. It follows the source's
/// `TaskPublished` events (`EventFollower`: no task missed or handed over twice across node
/// restarts), and for each open task attempts it, calls the block with the task's handle,
/// pins what the block returns and submits it as the response — every transaction through the
/// journaled path (PROTOCOL.md §10.2).
enum ServeBuiltin {
    static let serve = BuiltinFunction("serve", doc: """
        serve(source, count: n, timeout: 1h, from: block, poll: 300ms, provider: me()) { task => … } \
        answers the source's tasks as they are published (count: nil serves without limit): for each open task it attempts it, calls \
        the block with the task's handle (task.config is the input), pins what the block returns \
        and submits it (as submit_response does). A block that returns nil or raises leaves that \
        task unanswered (said on stderr) and serving goes on. Ends after count answers, at the \
        timeout, or on Ctrl-C; returns how many tasks it answered. The provider must be registered \
        to the source (register(source, lockup: …)). Tasks published before the start (default: \
        the next block) are not seen unless from: names an earlier block.
        """) { args, ctx in
        try args.allowNamed(NetworkBuiltins.capNames.union(["count", "timeout", "from", "poll", "provider"]))
        try args.expectCount(2, 2)
        let source = try ProviderBuiltins.sourceAddress(args.positional[0], "serve")
        let handler = try args.function(1, "block")
        var limit: Int?
        if let v = args.named("count"), !v.isNilValue {
            let n = try Arguments.int(v, "count", callee: "serve")
            guard n > 0 else { throw ScriptError(.value, "serve(): count: must be at least 1, got \(n)") }
            limit = n
        }
        let poll = NetworkBuiltins.seconds(try NetworkBuiltins.pollArgument(args, "serve"))
        let timeout = try args.named("timeout").map { _ in NetworkBuiltins.seconds(try NetworkBuiltins.duration(args, "timeout", Dec(0))) }
        let g = try Gateway.from(ctx, "serve"), p = try Gateway.protocolSide(ctx, "serve")
        let provider = try ProviderBuiltins.provider(args, g)
        guard try Gateway.run({ try p.registrants(of: source) }).contains(provider) else {
            throw ScriptError(.value, "serve(): provider \(provider) is not registered to source \(source); "
                              + "register(source, lockup: ogpu(1)) first (the lockup must cover the source's min_lockup)")
        }
        let from = try args.named("from").map { try EventBuiltins.block($0, "from", args) } ?? Gateway.run { try p.headNumber() } + 1
        let filter = ProtocolEventFilter(emitters: [.nexus], names: ["TaskPublished"], fields: ["source": source])
        ctx.writeError("ogpu: serve: answering tasks of source \(source) as provider \(provider) from block \(from)\n")
        var answered = 0
        var follower = EventFollower(gateway: p, filter: filter, ctx: ctx, callee: "serve", from: from, poll: poll, timeout: timeout)
        _ = try follower.run { ev in
            guard let task = ev.decoded["task"]?.addressValue else { return true }
            let job = Job(task: task, source: source, provider: provider, handler: handler, args: args, ctx: ctx, gateway: g, side: p)
            if try job.run() { answered += 1 }
            if let limit, answered >= limit { return false }
            return true
        }
        return .int(answered)
    }

    /// One task, start to end. A failure of this task is reported and ends only this task;
    /// an interruption, or a transaction whose outcome is unknown, ends serving.
    struct Job {
        let task: Address, source: Address, provider: Address
        let handler: Value
        let args: Arguments
        let ctx: CallContext
        let gateway: OpenGPUGateway
        let side: ProtocolSideGateway

        /// Whether a response was submitted.
        func run() throws -> Bool {
            do {
                let info = try Gateway.run { try gateway.task(at: task) }
                // TaskPublished is not trusted blindly (PROTOCOL.md §10.2): the task must name this source.
                guard info.source == source else { return skip("it names source \(info.source), not \(source)") }
                let status = GatewayValues.status(info)
                guard status == .new || status == .attempted else { return skip("it is \(status.scriptName)") }
                if try Gateway.run({ try side.responseAddress(of: task, by: provider) }) != nil {
                    return skip("provider \(provider) already answered it")
                }
                try attempt(info.payment)
                let result = try ctx.call(handler, [.handle(TaskHandle(address: task, transactionHash: nil, gateway: gateway))])
                if case .null = result { return skip("the block returned nil") }
                let response = try ProviderBuiltins.answer(task, with: result, payment: info.payment, provider: provider, args, ctx)
                ctx.writeError("ogpu: serve: answered task \(task) with response \(response)\n")
                return true
            } catch let e as ScriptError where e.kind != ErrorKind.interrupted.rawValue && e.kind != ErrorKind.pending.rawValue {
                return skip("error[\(e.kind)]: \(e.message)")
            }
        }

        /// `Nexus.attempt`, unless this provider attempted it already (an earlier run that stopped
        /// between attempting and answering).
        private func attempt(_ payment: BigUInt) throws {
            do {
                _ = try NetworkBuiltins.withCaps(args, gateway) {
                    try side.send(.attempt(task: task, provider: provider, suggestedPayment: payment))
                }
            } catch let e as ScriptError where e.kind == ErrorKind.revert.rawValue && e.message.hasPrefix("AlreadyAttempted") {
                return
            }
        }

        /// `why` may quote the node, the gateway or a provider's block: made inert for the terminal.
        private func skip(_ why: String) -> Bool {
            ctx.writeError("ogpu: serve: task \(task) not answered: \(TerminalText.escape(why, lineBreaks: false))\n")
            return false
        }
    }
}
