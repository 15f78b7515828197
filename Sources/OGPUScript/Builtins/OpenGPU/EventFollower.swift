import OGPUKit
import OGPUPrimitives

/// Follows protocol events as blocks arrive, for `watch(filter…)` and `serve`: each event is
/// handed over exactly once, in chain order, across node restarts and failed reads.
///
/// The cursor is the next block to read; it moves past a block range only after every event of
/// that range was read successfully, so a read that fails (a node restarting, a proxy dropping
/// the connection) is repeated from the same block — nothing missed — and events already handed
/// over are skipped by position — nothing repeated. While the node cannot be reached the follower
/// says so once on stderr and keeps trying until `timeout`. Ctrl-C raises "interrupted" naming the
/// block to resume from.
struct EventFollower {
    let gateway: ProtocolSideGateway
    let filter: ProtocolEventFilter
    let ctx: CallContext
    /// What the caller is doing, for messages ("watch", "serve").
    let callee: String
    var next: UInt64
    /// The slowest pause between reads; the first seconds read faster (`TaskPollSchedule`).
    let poll: Double
    /// Seconds to follow; nil: until the handler says stop.
    let timeout: Double?
    private(set) var delivered = 0
    private var last: EventPosition?

    init(gateway: ProtocolSideGateway, filter: ProtocolEventFilter, ctx: CallContext, callee: String, from next: UInt64,
         poll: Double, timeout: Double?) {
        self.gateway = gateway; self.filter = filter; self.ctx = ctx; self.callee = callee
        self.next = next; self.poll = poll; self.timeout = timeout
    }

    /// Calls `handle` with each event until it returns false or time runs out; returns whether
    /// the handler stopped it (false: the timeout ended it).
    mutating func run(_ handle: (ProtocolEvent) throws -> Bool) throws -> Bool {
        let schedule = TaskPollSchedule(slowest: poll)
        let start = SystemBuiltins.currentTime()
        var unreachableSaid = false
        while true {
            let elapsed = NetworkBuiltins.seconds(SystemBuiltins.currentTime() - start)
            if let timeout, elapsed >= timeout { return false }
            try checkInterrupt()
            let step: EventPoll
            do { step = try Gateway.run { try gateway.pollEvents(filter, from: next) } } catch let e as ScriptError
                where e.kind == ErrorKind.interrupted.rawValue {
                throw interrupted()
            }
            switch step {
            case .unreachable(let why):
                if !unreachableSaid {
                    ctx.writeError("ogpu: \(callee): \(why); retrying from block \(next) until it answers\n")
                    unreachableSaid = true
                }
            case .events(let events, let newNext):
                if unreachableSaid {
                    ctx.writeError("ogpu: \(callee): the node answers again; going on from block \(next)\n")
                    unreachableSaid = false
                }
                for e in events {
                    if let last, e.position <= last { continue }
                    last = e.position
                    delivered += 1
                    do {
                        if try !handle(e) { next = e.blockNumber + 1; return true }
                    } catch let err as ScriptError where err.kind == ErrorKind.interrupted.rawValue {
                        throw interrupted(midBlock: true)
                    }
                }
                next = max(next, newNext)
            }
            var pause = schedule.interval(after: elapsed)
            if unreachableSaid { pause = max(pause, 1) }
            if let timeout { pause = min(pause, max(0, timeout - elapsed)) }
            do { try SystemBuiltins.pause(Dec(small: Int(pause * 1_000_000), scale: 6), ctx) } catch let e as ScriptError
                where e.kind == ErrorKind.interrupted.rawValue {
                throw interrupted()
            }
        }
    }

    private func checkInterrupt() throws {
        do { try ctx.checkInterrupt() } catch let e as ScriptError where e.kind == ErrorKind.interrupted.rawValue {
            throw interrupted()
        }
    }

    /// Ctrl-C: what was done and where to pick up without missing or repeating an event.
    /// Between reads every block before `next` is done; inside the handler, the events of the
    /// current block after the one being handled are not.
    private func interrupted(midBlock: Bool = false) -> ScriptError {
        if midBlock, let last {
            return ScriptError(.interrupted, "\(callee) interrupted while handling the event at block \(last.block), log index "
                               + "\(last.logIndex) (\(delivered) event(s) handed over); resume with from: \(last.block) and skip "
                               + "that block's events up to that log index")
        }
        return ScriptError(.interrupted, "\(callee) interrupted after \(delivered) event(s); every event before block \(next) "
                           + "was handled; resume with from: \(next)")
    }
}
