#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import OGPUPrimitives

/// How waiting for a task ended (PROTOCOL.md §9.5).
public enum TaskWaitOutcome: Sendable {
    /// FINALIZED: the confirmed response (FIRST_RESPONSE, or confirmed by the client).
    case finalized(TaskInfo, ResponseInfo?)
    /// MANUAL_CONFIRMATION task with responses awaiting the client's choice.
    case responded(TaskInfo, [ResponseInfo])
    case canceled(TaskInfo)
    /// EXPIRED on chain, or past its expiry time by the chain's clock (EXPIRED is only set lazily).
    case expired(TaskInfo)
}

public enum TaskWaitError: Error, Sendable, CustomStringConvertible {
    case timedOut(task: Address, lastStatus: TaskStatus, seconds: Double)
    case cancelled(task: Address)

    public var description: String {
        switch self {
        case .timedOut(let t, let s, let secs): return "task \(t.checksummed) still \(s) after waiting \(Int(secs)) s"
        case .cancelled(let t): return "stopped waiting for task \(t.checksummed)"
        }
    }
}

/// What waiting reads: `OpenGPUClient` over RPC, or a stand-in in tests.
public protocol TaskStateReader: AnyObject {
    func waitReadTask(_ task: Address) throws -> TaskInfo
    func waitReadResponses(of task: Address) throws -> [ResponseInfo]
    /// The chain head, in one cheap request: the task is read again only when it has moved.
    /// nil when unknown (then every check reads the task).
    func waitReadHead() throws -> BlockHeader?
}

/// When waiting stops.
public enum TaskWaitGoal: Sendable {
    /// A response is there (RESPONDED, awaiting a manual confirmation) or the task is final.
    case settled
    /// The task is final: a confirmed response, or canceled, or expired.
    case final
}

/// How often a waiting client looks: every `fast` seconds for the first `fastPhase` seconds (a
/// devnet provider often answers within a second, and the answer is seen within ~`fast` of its
/// block), then slowing linearly to every `slowest` seconds over `rampSeconds`, so a long wait
/// costs a public node at most 1/`slowest` head requests a second (plus one read per new block).
public struct TaskPollSchedule: Sendable, Equatable {
    public var fast: Double
    public var fastPhase: Double
    public var rampSeconds: Double
    public var slowest: Double

    public init(fast: Double = 0.05, fastPhase: Double = 2, rampSeconds: Double = 3, slowest: Double = 0.3) {
        self.fast = fast; self.fastPhase = fastPhase; self.rampSeconds = rampSeconds; self.slowest = slowest
    }

    /// The pause before the next check, `elapsed` seconds into the wait.
    public func interval(after elapsed: Double) -> Double {
        let lo = min(fast, slowest)
        guard elapsed > fastPhase else { return lo }
        let t = rampSeconds > 0 ? min(1, (elapsed - fastPhase) / rampSeconds) : 1
        return lo + (slowest - lo) * t
    }
}

/// The one implementation of waiting for a task: `OpenGPUClient.waitForTask` and the language's
/// `wait` both run it. Each check reads the chain head; the task (and, once it has any, its
/// responses) is read only when the head moved, so an idle wait is one small request per check.
/// Expiry is judged by the later of the wall clock and the chain's clock (EXPIRED is only written
/// lazily on chain).
public struct TaskWaiter {
    public var goal: TaskWaitGoal
    public var timeout: Double
    public var schedule: TaskPollSchedule
    /// Pauses for the given seconds; false when the wait was cancelled meanwhile.
    public var sleep: (Double) throws -> Bool
    /// Told the task's status and the seconds waited after each check (a spinner; may throw to stop).
    public var progress: ((TaskStatus, Double) throws -> Void)?
    /// Whether a failed read is worth another try at the next check (else it is thrown).
    public var isTransient: (Error) -> Bool

    public init(goal: TaskWaitGoal = .settled, timeout: Double, schedule: TaskPollSchedule = TaskPollSchedule(),
                sleep: @escaping (Double) throws -> Bool, progress: ((TaskStatus, Double) throws -> Void)? = nil,
                isTransient: @escaping (Error) -> Bool = { _ in false }) {
        self.goal = goal; self.timeout = timeout; self.schedule = schedule; self.sleep = sleep; self.progress = progress
        self.isTransient = isTransient
    }

    public func wait(for task: Address, reading reader: TaskStateReader) throws -> TaskWaitOutcome {
        let start = Date()
        var seenHead: UInt64?
        var info: TaskInfo?
        var chainTime: UInt64 = 0
        while true {
            do {
                let head = try reader.waitReadHead()
                if let head { chainTime = max(chainTime, head.timestamp) }
                if info == nil || head == nil || head?.number != seenHead {
                    let read = try reader.waitReadTask(task)
                    info = read
                    seenHead = head?.number
                    if let outcome = try settle(read, reader) { return outcome }
                }
            } catch where isTransient(error) {
                // The node hiccupped: look again at the next check (the timeout still bounds the wait).
            }
            let now = max(UInt64(max(0, Date().timeIntervalSince1970)), chainTime)
            if let i = info, i.isExpired(now: now) { return .expired(i) }
            let elapsed = Date().timeIntervalSince(start)
            try progress?(info?.effectiveStatus(now: now) ?? .new, elapsed)
            guard elapsed < timeout else {
                throw TaskWaitError.timedOut(task: task, lastStatus: info?.status ?? .new, seconds: timeout)
            }
            guard try sleep(min(schedule.interval(after: elapsed), max(0, timeout - elapsed))) else {
                throw TaskWaitError.cancelled(task: task)
            }
        }
    }

    private func settle(_ info: TaskInfo, _ reader: TaskStateReader) throws -> TaskWaitOutcome? {
        switch info.status {
        case .finalized:
            return .finalized(info, try reader.waitReadResponses(of: info.address).first { $0.isConfirmed })
        case .responded where goal == .settled && info.deliveryMethod != .firstResponse:
            let responses = try reader.waitReadResponses(of: info.address)
            return responses.isEmpty ? nil : .responded(info, responses)
        case .canceled: return .canceled(info)
        case .expired: return .expired(info)
        case .new, .attempted, .responded: return nil
        }
    }
}

extension OpenGPUClient: TaskStateReader {
    public func waitReadTask(_ task: Address) throws -> TaskInfo { try self.task(task) }
    public func waitReadResponses(of task: Address) throws -> [ResponseInfo] { try responses(of: task) }
    public func waitReadHead() throws -> BlockHeader? { try eth.block(.latest) }

    /// Waits until the task settles: finalized, responded (manual confirmation), canceled or
    /// expired (see `TaskWaiter`). Transient node errors are retried until `timeout`.
    public func waitForTask(_ task: Address, timeout: Double = 300, goal: TaskWaitGoal = .settled,
                            schedule: TaskPollSchedule = TaskPollSchedule()) throws -> TaskWaitOutcome {
        let token = cancellation
        let waiter = TaskWaiter(goal: goal, timeout: timeout, schedule: schedule,
                                sleep: { CancellationToken.sleep($0, token: token) },
                                isTransient: { $0 is RPCError })
        return try waiter.wait(for: task, reading: self)
    }
}
