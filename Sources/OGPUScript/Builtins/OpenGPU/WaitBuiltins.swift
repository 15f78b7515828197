import OGPUKit
import OGPUPrimitives

/// `wait` and `watch` (§6): the client core's `TaskWaiter` (one implementation of waiting, with
/// its adaptive schedule) reading through the session's gateway, with the language's spinner,
/// interrupt and error messages around it.
extension NetworkBuiltins {
    static let wait = BuiltinFunction("wait", doc: """
        wait(task, timeout: 1h, poll: 300ms, until: "confirmed") waits for the task's confirmed \
        response and returns it (with until: "response", the first response). It checks every \
        50 ms for the first 2 s, then slows to one check per `poll`. Raises "timeout" when time \
        runs out, and a "value" error if the task is canceled or expires first. In a terminal it \
        shows a spinner; Ctrl-C interrupts.
        """) { args, ctx in
        try args.allowNamed(["timeout", "poll", "until"]); try args.expectCount(1, 1)
        let t = try taskAddress(args.positional[0], "wait")
        let timeout = try duration(args, "timeout", Dec(3600)), poll = try pollArgument(args, "wait")
        let until: String
        if let u = args.named("until") {
            guard case .string(let s) = u, s == "confirmed" || s == "response" else {
                throw ScriptError(.value, "wait(): until must be \"confirmed\" or \"response\"")
            }
            until = s
        } else { until = "confirmed" }
        let g = try Gateway.from(ctx, "wait")
        let spinner = Spinner(ctx)
        defer { spinner.clear() }
        var lastStatus = TaskStatus.new
        var lastElapsed = 0.0
        let waiter = TaskWaiter(
            goal: until == "response" ? .settled : .final, timeout: seconds(timeout),
            schedule: TaskPollSchedule(slowest: seconds(poll)),
            sleep: { try SystemBuiltins.pause(Dec(small: Int($0 * 1_000_000), scale: 6), ctx); return true },
            progress: { status, elapsed in
                lastStatus = status
                lastElapsed = elapsed
                try ctx.checkInterrupt()
                spinner.show("waiting \(DurationFormat.format(Dec(Int(elapsed)))) · task \(status.scriptName)")
            })
        let outcome: TaskWaitOutcome
        do {
            outcome = try waiter.wait(for: t, reading: GatewayTaskReader(g))
        } catch TaskWaitError.timedOut {
            throw ScriptError(.timeout, "no \(until == "response" ? "response" : "confirmed response") to task \(GatewayValues.abbreviated(t)) within \(DurationFormat.format(timeout)) (status: \(lastStatus.scriptName)); \(resumeHint(t, g))")
        } catch TaskWaitError.cancelled {
            throw ScriptError(.interrupted, "wait for task \(GatewayValues.abbreviated(t)) interrupted; \(resumeHint(t, g))")
        } catch var e as ScriptError where e.kind == ErrorKind.interrupted.rawValue {
            // The task lives on after the wait ends; say how to pick it up, so nobody re-publishes
            // (and pays for) a second task.
            e.message = "wait for task \(GatewayValues.abbreviated(t)) interrupted; \(resumeHint(t, g))"
            throw e
        }
        if case .finalized = outcome {
            spinner.finalText = "waited \(DurationFormat.format(Dec(Int(lastElapsed)))) · task finalized"
        }
        let response: ResponseInfo?
        switch outcome {
        case .finalized(let info, let confirmed):
            response = try confirmed ?? (until == "response" ? GatewayTaskReader(g).waitReadResponses(of: info.address).first : nil)
        case .responded(_, let responses): response = responses.first
        case .canceled: throw noResponse(t, .canceled)
        case .expired: throw noResponse(t, .expired)
        }
        guard let response else {
            throw ScriptError(.value, "task \(GatewayValues.abbreviated(t)) is finalized but no confirmed response was found")
        }
        return .handle(try ResponseHandle(response, gateway: g))
    }

    /// `poll:`'s default: the slowest check rate once the first seconds are over.
    static let defaultPoll = Dec(small: 300, scale: 3)

    static func duration(_ args: Arguments, _ name: String, _ fallback: Dec) throws -> Dec {
        guard let v = args.named(name) else { return fallback }
        guard case .duration(let d) = v else { throw args.typeError(name, expected: "a duration", got: v) }
        return d
    }

    /// `poll:`, which must be a positive duration: a zero pause would ask the node without rest.
    static func pollArgument(_ args: Arguments, _ callee: String) throws -> Dec {
        let poll = try duration(args, "poll", defaultPoll)
        if poll.isNegative || poll.isZero {
            throw ScriptError(.value, "\(callee)(): poll must be a positive duration like 300ms, got \(DurationFormat.format(poll))")
        }
        return poll
    }

    static func seconds(_ d: Dec) -> Double { d.isNegative ? 0 : Double(d.rounded(digits: 6).description) ?? 0 }

    static func noResponse(_ task: Address, _ status: TaskStatus) -> ScriptError {
        ScriptError(.value, "task \(GatewayValues.abbreviated(task)) is \(status.scriptName); no response will come")
    }

    /// How to go on waiting for a task that is still on chain, naming its publishing transaction.
    static func resumeHint(_ task: Address, _ g: OpenGPUGateway) -> String {
        let tx = g.publishTransaction(of: task).map { " (published in transaction \($0))" } ?? ""
        return "the task is still on chain\(tx): resume with `wait(task_at(\(task)))`; publishing again would create a second task"
    }

    static let watch = BuiltinFunction("watch", doc: """
        watch(task) { ev => … } calls the block with each protocol event of the task — a map \
        {kind: "attempted"|"response"|"status", detail, block, tx} — until the task is final \
        (finalized, canceled, expired) or the block returns false. It checks as `wait` does \
        (poll: the slowest pause, default 300ms), reading events only when a new block arrived. \
        watch(event: "TaskPublished", source: s, from: n, timeout: 10m) { ev => … } follows any \
        protocol event as events() describes it (same filters), from block n (default: new blocks \
        only) until the block returns false or the timeout ends it; returns how many events it \
        handed over. It rides out a node restart (retrying from the same block, so no event is \
        missed or repeated); Ctrl-C stops it and names the block to resume from.
        """) { args, ctx in
        if args.count == 1 { return try EventBuiltins.watchEvents(args, ctx) }
        try args.allowNamed(["poll"]); try args.expectCount(2, 2)
        let t = try taskAddress(args.positional[0], "watch")
        let block = try args.function(1, "block")
        let schedule = TaskPollSchedule(slowest: seconds(try pollArgument(args, "watch")))
        let g = try Gateway.from(ctx, "watch")
        let reader = GatewayTaskReader(g)
        let start = SystemBuiltins.currentTime()
        var cursor: UInt64? = nil
        var seenHead: UInt64? = nil
        var first = true
        while true {
            try ctx.checkInterrupt()
            let head = try reader.waitReadHead()
            if first || head == nil || head?.number != seenHead {
                first = false
                seenHead = head?.number
                // Status before events: events read after a final status include all that led to it
                // (the other order misses them when the task finishes between the two reads).
                let final = GatewayValues.status(try reader.waitReadTask(t)).isTerminal
                let (events, next) = try Gateway.run { try g.events(of: t, after: cursor) }
                cursor = next
                for e in events {
                    let (kind, detail) = eventText(e.kind)
                    let ev = GatewayValues.map([("kind", .string(kind)), ("detail", .string(detail)),
                                                ("block", .int(Int(clamping: e.blockNumber))), ("tx", .string(e.transactionHash ?? ""))])
                    if case .bool(false) = try ctx.call(block, [ev]) { return .null }
                }
                if final { return .null }
            }
            let elapsed = seconds(SystemBuiltins.currentTime() - start)
            try SystemBuiltins.pause(Dec(small: Int(schedule.interval(after: elapsed) * 1_000_000), scale: 6), ctx)
        }
    }

    /// `watch`'s event map: its kind name and detail (a provider, a response, a status name).
    static func eventText(_ kind: TaskEvent.Kind) -> (String, String) {
        switch kind {
        case .attempted(let provider, _): return ("attempted", provider.checksummed)
        case .responseSubmitted(let response): return ("response", response.checksummed)
        case .statusChanged(let status): return ("status", status.scriptName)
        }
    }
}

/// What the core's waiter reads, through the gateway (a gateway failure becomes a script error).
final class GatewayTaskReader: TaskStateReader {
    let gateway: OpenGPUGateway
    init(_ gateway: OpenGPUGateway) { self.gateway = gateway }

    func waitReadTask(_ task: Address) throws -> TaskInfo { try Gateway.run { try gateway.task(at: task) } }
    func waitReadResponses(of task: Address) throws -> [ResponseInfo] { try Gateway.run { try gateway.responses(of: task) } }
    func waitReadHead() throws -> BlockHeader? { try Gateway.run { try gateway.chainHead() } }
}

/// A one-line progress indicator on stderr, only when it is a terminal (or the host's own live
/// status display, in a notebook).
final class Spinner {
    let ctx: CallContext
    var frame = 0
    var shown = false
    static let frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    init(_ ctx: CallContext) { self.ctx = ctx }

    func show(_ text: String) {
        if let live = ctx.host as? LiveStatusHost {
            live.showStatus(text)
            shown = true
            return
        }
        guard ctx.isTerminal else { return }
        ctx.writeError("\r\u{1B}[2K" + Spinner.frames[frame % Spinner.frames.count] + " " + text)
        frame += 1
        shown = true
    }

    /// What a live status display keeps showing once the wait is over (nil: it was stopped).
    var finalText: String?

    func clear() {
        if shown, let live = ctx.host as? LiveStatusHost { live.endStatus(finalText); return }
        if shown { ctx.writeError("\r\u{1B}[2K") }
    }
}
